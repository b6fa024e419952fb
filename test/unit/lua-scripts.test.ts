import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedScripts } from '../../src/store/redis/feed-scripts.js';
import { loadScripts, luaFolder, type LuaScript } from '../../src/store/redis/load-scripts.js';
import { luaScripts } from '../../src/store/redis/lua-scripts.js';

const folders = { store: luaScripts, presence: feedScripts } as const;

/** Every script file (not a helper file) of lua/<folder>/. */
function scriptFiles(folder: string): string[] {
  return readdirSync(join(luaFolder, folder)).filter((file) => file.endsWith('.lua') && !file.startsWith('_'));
}

describe('the Redis scripts', () => {
  it('are loaded, one a file, under the camelCase of the file name, each hashed as Redis hashes it', () => {
    for (const [folder, scripts] of Object.entries(folders)) {
      const names = scriptFiles(folder).map((file) =>
        file.slice(0, -'.lua'.length).replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
      );
      expect(Object.keys(scripts).sort(), folder).toEqual(names.sort());
      for (const script of Object.values(scripts) as LuaScript[]) {
        expect(script.sha).toBe(createHash('sha1').update(script.source).digest('hex'));
      }
    }
    expect(luaScripts.appendMessage.name).toBe('appendMessage');
    expect(feedScripts.openStream.name).toBe('openStream');
  });

  it('run with their flags first, then the helpers of their folders, then their own text', () => {
    const helpers = readFileSync(join(luaFolder, '_helpers.lua'), 'utf8');
    const presence = readFileSync(join(luaFolder, 'presence/_helpers.lua'), 'utf8');
    const own = readFileSync(join(luaFolder, 'presence/open-stream.lua'), 'utf8');
    const [flags, ...rest] = own.split('\n');
    expect(feedScripts.openStream.source).toBe(`${flags}\n${helpers}${presence}${rest.join('\n')}`);
    expect(luaScripts.appendMessage.source).not.toContain('streams_elsewhere');
  });

  it('stop the start when a script a caller names has no file, saying which', () => {
    expect(() => loadScripts('store', ['append-message', 'no-such-script'])).toThrow(/no-such-script\.lua/);
  });

  for (const folder of Object.keys(folders)) {
    for (const file of scriptFiles(folder)) {
      it(`${folder}/${file} starts with its flags, what it does and returns, then names its arguments`, () => {
        const lines = readFileSync(join(luaFolder, folder, file), 'utf8').split('\n');
        expect(lines[0]).toMatch(/^#!lua flags=(no-writes,)?no-cluster$/);
        const header = lines.slice(
          1,
          lines.findIndex((line, i) => i > 0 && !line.startsWith('--')),
        );
        expect(header.length).toBeGreaterThanOrEqual(2);
        expect(header.some((line) => line.startsWith('-- Returns '))).toBe(true);
        // Right under the header, up to the first blank line: a local per argument (ARGV[1] is the helpers' P).
        const top = lines.slice(1 + header.length, lines.indexOf('', 1 + header.length));
        for (const line of top) expect(line).toMatch(/^local \w+(, \w+)* = /);
        const named = [...top.join('\n').matchAll(/ARGV\[(\d+)\]/g)].map((found) => Number(found[1]));
        expect(named, 'every argument from ARGV[2] on, each once').toEqual(named.map((_, i) => i + 2));
        // Below, ARGV is read only by a variable, as in a loop over its tail.
        expect(lines.slice(1 + header.length + top.length).join('\n')).not.toMatch(/ARGV\[\s*\d/);
      });
    }
  }
});
