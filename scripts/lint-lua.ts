// Lints the Redis scripts with luacheck as Redis runs them: each script's source as load-scripts.ts builds it,
// helpers included, so that luacheck knows every name the helpers define and flags a name they do not, a local
// that shadows a helper, an unused local. Warnings point back at the .lua file and line they come from.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { luaFolder, scriptParts, type LuaPart } from '../src/store/redis/load-scripts.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A part of a linted file, and the line of that file it starts at. */
interface Placed {
  readonly part: LuaPart;
  readonly from: number;
}

/** A warning about a helper file: every script it is part of reports it. */
interface HelperWarning {
  readonly file: string;
  readonly text: string;
  /** A helper the script does not use: expected, unless no script uses it. */
  readonly unused: boolean;
  scripts: number;
}

/** Where line `at` of a linted file comes from: a helper file's line or the script's own. */
function locate(placed: readonly Placed[], at: number): { part: LuaPart; offset: number; file: string; line: number } {
  const { part, from } = placed.findLast((candidate) => candidate.from <= at)!;
  return { part, offset: at - from, file: relative(root, part.file), line: part.line + at - from };
}

function luacheck(files: string[]): string[] {
  const run = spawnSync(
    'luacheck',
    ['--config', join(root, '.luacheckrc'), '--formatter', 'plain', '--codes', '--no-color', ...files],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('luacheck is missing: apt-get install -y lua-check (see .ci/packages)');
  }
  // 0: no warnings, 1: warnings, 2: errors such as a syntax error; above, luacheck itself failed.
  if (run.error || run.status === null || run.status > 2) {
    throw new Error(`luacheck failed (${run.error?.message ?? run.status ?? run.signal}):\n${run.stderr}${run.stdout}`);
  }
  return run.stdout.split('\n').filter((line) => line !== '');
}

const work = mkdtempSync(join(tmpdir(), 'parley-luacheck-'));
try {
  const linted = new Map<string, Placed[]>();
  /** How many scripts each helper file is part of. */
  const partOf = new Map<string, number>();
  for (const folder of readdirSync(luaFolder, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    mkdirSync(join(work, folder.name));
    for (const [name, parts] of scriptParts(folder.name)) {
      let from = 1;
      const placed = parts.map((part) => {
        const at = { part, from };
        from += part.text.split('\n').length - 1;
        return at;
      });
      const file = join(work, folder.name, `${name}.lua`);
      writeFileSync(file, parts.map((part) => part.text).join(''));
      linted.set(file, placed);
      for (const { file: helper } of parts.slice(1, -1)) partOf.set(helper, (partOf.get(helper) ?? 0) + 1);
    }
  }

  const own: string[] = [];
  const helpers = new Map<string, HelperWarning>();
  for (const line of luacheck([...linted.keys()])) {
    const [, path = '', at = '', column = '', code = '', message = ''] =
      /^(.+?):(\d+):(\d+): \((\w+)\) (.*)$/.exec(line) ?? [];
    const placed = linted.get(path);
    if (!placed) {
      own.push(line);
      continue;
    }
    const { part, offset, file, line: mapped } = locate(placed, Number(at));
    // As in "variable 'x' was previously defined on line 21".
    const said = message.replace(/\bon line (\d+)/g, (_, other: string) => {
      const earlier = locate(placed, Number(other));
      return earlier.file === file ? `on line ${earlier.line}` : `at ${earlier.file}:${earlier.line}`;
    });
    const text = `${file}:${mapped}:${column}: (${code}) ${said}`;
    if (part.file === placed[0]!.part.file) {
      own.push(text);
    } else if (helpers.has(text)) {
      helpers.get(text)!.scripts++;
    } else {
      // W211 on a line that starts a helper file's own definition (`local function name`), not one inside it.
      const unused = code === 'W211' && part.text.split('\n')[offset]!.startsWith('local ');
      helpers.set(text, { file: part.file, text, unused, scripts: 1 });
    }
  }
  const warnings = [
    ...own,
    ...[...helpers.values()]
      .filter((warning) => !warning.unused || warning.scripts === partOf.get(warning.file))
      .map((warning) => (warning.unused ? `${warning.text} in any script` : warning.text)),
  ];
  if (warnings.length > 0) {
    console.error(
      `${warnings.join('\n')}\nlint:lua: ${warnings.length} warning(s) in the Redis scripts (src/store/redis/lua/)`,
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
