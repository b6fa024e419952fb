// The servers a benchmark row runs against, each a fresh process on a free loopback port: Parley through its
// real CLI on either store, or one of the reference servers in bench/reference.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot, spawnServer, tempDir } from '../../test/support/process.js';
import { guard } from './async.js';

/** reference: the bare node:http SSE server; express: the minimal express app; memory, sqlite: Parley. */
export type TargetName = 'reference' | 'express' | 'memory' | 'sqlite';
export type ParleyStore = 'memory' | 'sqlite';

export interface Target {
  readonly name: TargetName;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Parley's protective limits, lifted: the benchmark measures delivery, not the rate limits. A registration is
 * set-up, not what is measured, hence the cheapest password hash; presence keeps its product delay.
 */
export const parleyArgs = [
  '--message-rate', '0',
  '--broadcast-rate', '0',
  '--queue-limit', '10000000',
  '--max-streams', '100000',
  '--max-streams-per-user', '100000',
  '--scrypt-cost', '16',
  '--presence-delay-ms', '250',
];

const scripts: Record<'reference' | 'express', string> = {
  reference: 'bench/reference/sse-server.ts',
  express: 'bench/reference/express-app.ts',
};

const running = new Set<ChildProcess>();
/** Data directories of the Parley servers not yet stopped. */
const dataDirs = new Set<string>();

/** Kills whatever is still running and removes its data (when the whole run is cut short). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}

export async function startTarget(name: TargetName, extraArgs: readonly string[] = []): Promise<Target> {
  if (name === 'memory' || name === 'sqlite') return startParley(name, extraArgs);
  return startScript(name, scripts[name]);
}

async function startParley(store: ParleyStore, extraArgs: readonly string[]): Promise<Target> {
  const data = tempDir('parley-bench-');
  dataDirs.add(data);
  const server = await spawnServer(['--store', store, '--data', data, ...parleyArgs, ...extraArgs]).catch((err: unknown) => {
    dataDirs.delete(data);
    rmSync(data, { recursive: true, force: true });
    throw err;
  });
  const child = server.child;
  running.add(child);
  return {
    name: store,
    url: server.url,
    port: server.port,
    pid: child.pid!,
    async stop() {
      await stopChild(child, () => server.stop());
      dataDirs.delete(data);
      rmSync(data, { recursive: true, force: true });
    },
  };
}

async function startScript(name: 'reference' | 'express', script: string): Promise<Target> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script), '0'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  const exited = once(child, 'exit');
  const url = await guard(
    new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && entry.url) resolve(entry.url);
        } catch {
          // not a JSON line
        }
      });
      void exited.then(([code]) => reject(new Error(`${script} exited with ${String(code)} before listening`)));
    }),
    30_000,
    () => `${script} to listen`,
  );
  return {
    name,
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    stop: () =>
      stopChild(child, async () => {
        child.kill('SIGTERM');
        await exited;
      }),
  };
}

/** SIGTERM and a wait for the exit; a server that does not exit within 30 s is killed. */
async function stopChild(child: ChildProcess, stop: () => Promise<unknown>): Promise<void> {
  try {
    if (child.exitCode === null && child.signalCode === null) await guard(stop(), 30_000, () => 'server stop');
  } catch {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  } finally {
    running.delete(child);
  }
}
