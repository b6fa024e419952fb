import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A script as Redis runs it (by SHA: see ScriptRunner). */
export interface LuaScript {
  /** The name callers use: its file's in camelCase (append-message.lua is appendMessage). */
  readonly name: string;
  readonly source: string;
  /** The SHA-1 of the source, which EVALSHA names it by. */
  readonly sha: string;
}

/** A piece of a script's source, and where in which file it comes from. */
export interface LuaPart {
  readonly file: string;
  /** The line of `file` that `text` starts at. */
  readonly line: number;
  readonly text: string;
}

/** The scripts' folder: beside this module in src/, and in dist/, where `npm run build` copies it. */
export const luaFolder = fileURLToPath(new URL('./lua/', import.meta.url));

const isLibrary = (file: string): boolean => file.startsWith('_');

function luaFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.lua'))
    .sort();
}

function read(file: string): string {
  const text = readFileSync(file, 'utf8');
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * Every script of lua/<folder>/, by its file's name less `.lua`, as the parts of its source: its first line (the
 * `#!lua flags=` Redis reads there), the libraries (the `_*.lua` files of lua/ and then of lua/<folder>/, by
 * name: Redis scripts cannot require one another), then the rest of its file.
 */
export function scriptParts(folder: string): Map<string, LuaPart[]> {
  const dir = join(luaFolder, folder);
  const files = luaFiles(dir);
  const libraries = [luaFolder, dir]
    .flatMap((at) =>
      luaFiles(at)
        .filter(isLibrary)
        .map((file) => join(at, file)),
    )
    .map((file) => ({ file, line: 1, text: read(file) }));
  const scripts = new Map<string, LuaPart[]>();
  for (const name of files.filter((file) => !isLibrary(file))) {
    const file = join(dir, name);
    const text = read(file);
    const flags = text.slice(0, text.indexOf('\n') + 1);
    if (!/^#!lua flags=[a-z,-]*\n$/.test(flags))
      throw new Error(`${file}: the first line must be the script's flags, as in #!lua flags=no-cluster`);
    scripts.set(name.slice(0, -'.lua'.length), [
      { file, line: 1, text: flags },
      ...libraries,
      { file, line: 2, text: text.slice(flags.length) },
    ]);
  }
  return scripts;
}

/** `append-message` as callers say it: `appendMessage`. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

const camelCase = (name: string): string => name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** Scripts by the names their callers use. */
export type Scripts<Name extends string> = { readonly [N in Name as CamelCase<N>]: LuaScript };

/**
 * Reads every script of lua/<folder>/, once, when the module of its callers loads. `names` are the files the
 * callers use, which the types then offer: one missing stops the start. A file not among them is loaded all the
 * same (Object.values has it), so Redis knows a script before a caller does.
 */
export function loadScripts<const Name extends string>(folder: string, names: readonly Name[]): Scripts<Name> {
  const parts = scriptParts(folder);
  const missing = names.filter((name) => !parts.has(name));
  if (missing.length > 0) {
    throw new Error(
      `Redis scripts missing from ${join(luaFolder, folder)}: ${missing.map((name) => `${name}.lua`).join(', ')}`,
    );
  }
  const scripts: Record<string, LuaScript> = {};
  for (const [file, pieces] of parts) {
    const name = camelCase(file);
    const source = pieces.map((part) => part.text).join('');
    scripts[name] = Object.freeze({ name, source, sha: createHash('sha1').update(source).digest('hex') });
  }
  return Object.freeze(scripts) as Scripts<Name>;
}
