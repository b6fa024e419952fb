// The server and the `parley` command, compiled once a run for the processes tests start: node on plain
// JavaScript starts in half the time node with tsx takes, and a run starts hundreds of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Where src/ is compiled to: one level under the root, as dist/ is, so that what src/ reads beside itself
 * (../clients/web, ../package.json) is found the same way. Not dist/ itself, which `npm pack` (package.test.ts)
 * rebuilds while other files' servers run from this.
 */
export const serverBuild = join(repoRoot, 'test-dist');

/**
 * Compiles src/ into `serverBuild` as `npm run build` does dist/ (tsc, only what changed since the last run; the
 * Redis scripts copied). It writes nothing that is current already, so that a run started by a test of another run
 * (test/e2e/suite) leaves the servers of that run alone. Type errors are the check's business (`npm run check`): tsc emits regardless, and this
 * fails only when the server's entry points are not there afterwards.
 */
export function buildServer(): void {
  const tsc = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(repoRoot, 'tsconfig.build.json'),
      '--outDir',
      serverBuild,
      '--tsBuildInfoFile',
      join(serverBuild, '.tsbuildinfo'),
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  copyChanged(join(repoRoot, 'src/store/redis/lua'), join(serverBuild, 'store/redis/lua'));
  const missing = ['cli/server-main.js', 'cli/parley.js'].filter((file) => !existsSync(join(serverBuild, file)));
  if (tsc.error !== undefined || missing.length > 0)
    throw new Error(
      `compiling src/ into ${serverBuild} left out ${missing.join(', ') || 'nothing'}: ${tsc.error?.message ?? ''}\n${tsc.stdout}${tsc.stderr}`,
    );
}

/**
 * Makes folder `to` hold what folder `from` holds: each file that differs written whole under another name and
 * renamed into place, so that a reader sees the old file or the new one; files `from` no longer has removed.
 */
function copyChanged(from: string, to: string): void {
  const files = (dir: string) =>
    existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [];
  const wanted = new Set<string>();
  for (const entry of files(from)) {
    const source = join(entry.parentPath, entry.name);
    const target = join(to, source.slice(from.length));
    wanted.add(target);
    const text = readFileSync(source);
    if (existsSync(target) && readFileSync(target).equals(text)) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.${process.pid}`, text);
    renameSync(`${target}.${process.pid}`, target);
  }
  for (const entry of files(to)) {
    const target = join(entry.parentPath, entry.name);
    if (!wanted.has(target)) rmSync(target);
  }
}
