// The server and the `parley` command, compiled once a run for the processes tests start: node on plain
// JavaScript starts in half the time node with tsx takes, and a run starts hundreds of them.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
 * Redis scripts copied). Type errors are the check's business (`npm run check`): tsc emits regardless, and this
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
  const lua = join(serverBuild, 'store/redis/lua');
  rmSync(lua, { recursive: true, force: true });
  cpSync(join(repoRoot, 'src/store/redis/lua'), lua, { recursive: true });
  const missing = ['cli/server-main.js', 'cli/parley.js'].filter((file) => !existsSync(join(serverBuild, file)));
  if (tsc.error !== undefined || missing.length > 0)
    throw new Error(
      `compiling src/ into ${serverBuild} left out ${missing.join(', ') || 'nothing'}: ${tsc.error?.message ?? ''}\n${tsc.stdout}${tsc.stderr}`,
    );
}
