import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LogLines } from './log-lines.js';
import { serverBuild } from './server-build.js';
import { stopAtEnd } from './stop-at-end.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Every log line the server printed, parsed. */
  readonly logs: Record<string, unknown>[];
  /**
   * Resolves with the first log line, printed before or after the call, that `predicate` accepts among those
   * after the first `skip`; rejects when the process exits first or after `timeoutMs`.
   */
  waitForLog(
    predicate: (entry: Record<string, unknown>) => boolean,
    options?: { skip?: number; timeoutMs?: number },
  ): Promise<Record<string, unknown>>;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** Options that keep test servers fast: cheap password hashing, quick presence. Callers may override. */
export const fastArgs = ['--scrypt-cost', '1024', '--presence-delay-ms', '20', '--log-level', 'info'];

/** The server from the source, as the run's global setup compiled it (support/server-build.ts). */
export const serverCommand: readonly string[] = [process.execPath, join(serverBuild, 'cli/server-main.js')];

/**
 * The server from the source through tsx, compiled as it loads: for the benches, which have no global setup, and
 * for telling tsx apart.
 */
export const serverThroughTsx: readonly string[] = [
  process.execPath,
  '--import',
  'tsx',
  join(repoRoot, 'src/cli/server-main.ts'),
];

/**
 * Starts the server as a real process on a free port and resolves once it logs that it listens: `src/cli/server-main.ts`
 * as the run compiled it, or `command` (an installed `parley serve`, or the source through tsx). Rejects with what it printed when it exits first.
 */
export async function spawnServer(
  args: readonly string[] = [],
  env: Record<string, string> = {},
  {
    command = serverCommand,
    cwd = repoRoot,
    detached = false,
  }: { command?: readonly string[]; cwd?: string; detached?: boolean } = {},
): Promise<ServerProcess> {
  // A data directory of its own unless the caller names one; flags would override PARLEY_DATA, so check both.
  const ownData = args.includes('--data') || env.PARLEY_DATA !== undefined ? [] : ['--data', tempDir()];
  const defaults = ['--port', '0', ...ownData, ...fastArgs];
  const child = spawn(command[0]!, [...command.slice(1), ...defaults, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, which a test may signal as a terminal signals its foreground group.
    detached,
  });
  const logged = new LogLines();
  const logs = logged.entries;
  const output: string[] = [];
  const exited = once(child, 'exit');
  child.once('close', () => logged.end());
  // Stopped at the end of the test file even if nobody gets to call stop(): a setup may throw before it can.
  const release = stopAtEnd(() => stopProcess(child, exited));
  exited.then(release, release);
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logged.add(entry);
        if (entry.msg === 'parley is listening') resolve(String(entry.url));
      } catch {
        // not a log line
      }
    });
    void exited.then(([code]) =>
      reject(new Error(`server exited with ${String(code)} before listening:\n${output.join('\n')}`)),
    );
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    logs,
    waitForLog: (predicate, options) => logged.waitFor(predicate, options),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * The server processes one test file starts: `start` spawns and remembers one; `stopAll` (for afterEach) stops
 * every one still running. Stopping one that already stopped or was killed is harmless.
 */
export function serverFleet(): {
  start(...how: Parameters<typeof spawnServer>): Promise<ServerProcess>;
  stopAll(): Promise<void>;
} {
  const running = new Set<ServerProcess>();
  return {
    async start(...how) {
      const server = await spawnServer(...how);
      running.add(server);
      return server;
    },
    async stopAll() {
      await Promise.all([...running].map((server) => server.stop()));
      running.clear();
    },
  };
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion with `input` on its standard input (nothing: none), collecting its output. */
export async function runToEnd(
  command: string,
  args: readonly string[],
  { env = {}, input, cwd = repoRoot }: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<Finished> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  const release = stopAtEnd(() => stopProcess(child, exited));
  exited.then(release, release);
  if (input !== undefined) child.stdin!.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await exited) as [number | null];
  return { code, stdout, stderr };
}

/** Runs the server's CLI to completion (for --help and start-up failures). */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  return runToEnd(serverCommand[0]!, [...serverCommand.slice(1), ...args], { env });
}

/**
 * The `parley` command from the source (src/cli/parley.ts as the run compiled it): what package.json's `bin` runs
 * once built. test/e2e/parley-command/package.test.ts runs the one `npm pack` built and npm installed.
 */
export const parleyCommand: readonly string[] = [process.execPath, join(serverBuild, 'cli/parley.js')];

/** `parley <args>`, run to completion. */
export function runParley(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<Finished> {
  return runToEnd(parleyCommand[0]!, [...parleyCommand.slice(1), ...args], options);
}

/**
 * SIGTERM, and SIGKILL if the process is still running `graceMs` later; resolves once it has exited. For the end
 * of a test file: a graceful stop is the test's own business.
 */
export async function stopProcess(child: ChildProcess, exited: Promise<unknown>, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A fresh temporary directory for one test file's data. */
export function tempDir(prefix = 'parley-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
