import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, stopProcess } from '../../support/process.js';
import { stopAtEnd } from '../../support/stop-at-end.js';
import { survivors } from '../../support/suite-processes.js';

/**
 * Runs the suite's vitest configuration on one fixture of test/e2e/suite/fixtures in a process of its own. Everything
 * it starts carries a variable of its own, so that what is left of it afterwards can be found.
 */
async function runFixture(
  name: string,
): Promise<{ code: number | null; output: string; left: Awaited<ReturnType<typeof survivors>> }> {
  const probe = randomUUID();
  const vitest = join(repoRoot, 'node_modules/vitest/vitest.mjs');
  const child = spawn(process.execPath, [vitest, 'run', '--config', 'test/e2e/suite/fixtures/vitest.config.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PARLEY_TEST_FIXTURE: name, PARLEY_TEST_PROBE: probe, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  const release = stopAtEnd(() => stopProcess(child, exited));
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await exited) as [number | null];
  release();
  // A process the run killed as it ended may still be on its way out (SIGKILL is acted on once it is scheduled,
  // which on a busy machine is not at once): what is left is what still runs after the suite's own grace.
  return { code, output, left: await survivors('PARLEY_TEST_PROBE', probe, 5_000) };
}

const pidIn = (output: string, what: string) => Number(new RegExp(`started ${what} pid (\\d+)`).exec(output)?.[1]);

describe('the processes a test starts', () => {
  it('are all stopped when a browser fails to launch after a server started, and the run fails for the launch only', async () => {
    const run = await runFixture('browser-fails');
    expect(run.code, run.output).toBe(1);
    expect(pidIn(run.output, 'server'), run.output).toBeGreaterThan(0);
    expect(run.output).toMatch(/browserType\.launch/);
    expect(run.output).not.toMatch(/outlived/);
    expect(run.left).toEqual([]);
  });

  it('fail the run when one is still running at its end, naming it, and are killed', async () => {
    const run = await runFixture('forgotten-process');
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(/1 passed/);
    const pid = pidIn(run.output, 'sleep');
    expect(run.output).toContain(`pid ${pid} from test/e2e/suite/fixtures/forgotten-process.fixture.ts: sleep 300`);
    expect(run.left).toEqual([]);
  });
});
