import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';
import { repoRoot, type ServerProcess } from './process.js';
import type { SseReader } from './sse.js';
import { stopAtEnd } from './stop-at-end.js';
import { Watched } from './watched.js';

export const shellClientPath = join(repoRoot, 'clients/shell/parley');

/**
 * A fixed zone without DST, 5 h 45 min east of UTC (POSIX TZ syntax, no tz database needed), so tests can
 * tell local time from UTC in what the client prints.
 */
export const testZone = { tz: 'PLY-5:45', offsetMinutes: 5 * 60 + 45 };

/** `HH:MM` of an instant in `testZone`. */
export function testClock(at: Date | number): string {
  const local = new Date(new Date(at).getTime() + testZone.offsetMinutes * 60_000);
  return local.toISOString().slice(11, 16);
}

/**
 * The head of a message line as a regular expression: `[HH:MM] #n `, when it was sent and the reference this session
 * gives it.
 */
export const shownHead = String.raw`\[\d\d:\d\d\] #\d+ `;

/** A message line without its head: `alice: hi`. */
export function shownText(line: string): string {
  return line.replace(new RegExp(`^${shownHead}`), '');
}

/** The environment the client runs in: a UTF-8 locale, the test zone, no inherited PARLEY_URL. */
export function shellClientEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && key !== 'PARLEY_URL') env[key] = value;
  return { ...env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: testZone.tz, ...extra };
}

type StreamName = 'stdout' | 'stderr';

export interface ShellClient {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every line printed so far, per stream. */
  readonly lines: { readonly stdout: string[]; readonly stderr: string[] };
  /** Types one line. */
  send(line: string): void;
  /**
   * Resolves with the first line at index `from` or later of `stream` that matches; rejects when the client
   * exits first or after `timeoutMs`, showing what it printed.
   */
  waitFor(
    stream: StreamName,
    match: RegExp | string,
    options?: { from?: number; timeoutMs?: number },
  ): Promise<{ line: string; index: number }>;
  /** Ends standard input (Ctrl-D at a terminal) and resolves with the exit code. */
  endInput(): Promise<number | null>;
  /** Resolves with the exit code (or the signal's name) once the client has exited. */
  readonly exited: Promise<number | string | null>;
  /** Stops the client with SIGTERM if it is still running, and waits for it to clean up (test cleanup). */
  kill(): Promise<void>;
  transcript(): string;
}

/**
 * Runs `clients/shell/parley` with pipes, as a script would, and collects its output line by line.
 * `input` is written first: usually the username and the password.
 */
export function startShellClient(
  args: readonly string[],
  input: readonly string[],
  env: Record<string, string> = {},
): ShellClient {
  const child = spawn('bash', [shellClientPath, ...args], {
    cwd: repoRoot,
    env: shellClientEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const merged: string[] = [];
  const watched = new Watched();
  const exited = once(child, 'exit').then(([code, signal]) => {
    watched.end();
    return (code as number | null) ?? (signal as string | null);
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]! }).on('line', (line) => {
      lines[stream].push(line);
      merged.push(`${stream === 'stderr' ? '2>' : '1>'} ${line}`);
      watched.changed();
    });
  }
  const transcript = () => merged.join('\n');
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  void exited.then(stopAtEnd(kill));
  child.stdin!.on('error', () => {
    // The client may have exited; what it printed tells the story.
  });
  for (const line of input) child.stdin!.write(`${line}\n`);

  return {
    child,
    pid: child.pid!,
    lines,
    exited,
    transcript,
    send(line) {
      child.stdin!.write(`${line}\n`);
    },
    waitFor(stream, match, { from = 0, timeoutMs = 15_000 } = {}) {
      const matches = (line: string) => (typeof match === 'string' ? line === match : match.test(line));
      const found = () => {
        const index = lines[stream].findIndex((line, i) => i >= from && matches(line));
        return index >= 0 ? { line: lines[stream][index]!, index } : undefined;
      };
      return watched.until(found, timeoutMs, (why) =>
        why === 'ended'
          ? `the client exited before printing ${String(match)} on ${stream}:\n${transcript()}`
          : `no ${String(match)} on ${stream} within ${timeoutMs} ms:\n${transcript()}`,
      );
    },
    async endInput() {
      child.stdin!.end();
      const code = await exited;
      return typeof code === 'number' ? code : null;
    },
    kill,
  };
}

/**
 * Runs the client over pipes as `user` (a new name registers) and resolves once it has joined: its stream is open
 * by then. The client is pushed onto `started`, for stoppedAfterEach to stop.
 */
export async function joinedShellClient(
  url: string,
  user: { readonly name: string; readonly password: string },
  started: ShellClient[],
): Promise<ShellClient> {
  const client = startShellClient(['--url', url], [user.name, user.password]);
  started.push(client);
  await client.waitFor('stderr', new RegExp(`^-- (registered and )?joined as ${user.name} --$`));
  return client;
}

/** The processes below `pid` (children, grandchildren...), read from /proc, with their command names. */
export function descendants(pid: number): { pid: number; comm: string }[] {
  const parents = new Map<number, number[]>();
  const comms = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      comms.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while being read
    }
  }
  const found: { pid: number; comm: string }[] = [];
  const visit = (parent: number) => {
    for (const child of parents.get(parent) ?? []) {
      found.push({ pid: child, comm: comms.get(child) ?? '?' });
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** True while a process with this pid and command name exists (a zombie counts: nobody reaped it). */
export function isAlive(proc: { pid: number; comm: string }): boolean {
  try {
    const stat = readFileSync(`/proc/${proc.pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    // A zombie has exited and only waits to be reaped by whoever inherited it: it is not running.
    return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === proc.comm && state !== 'Z';
  } catch {
    return false;
  }
}

/** A tmux server on a private socket: the client at a real terminal. */
export interface Terminal {
  /** Types keys as tmux send-keys names them (`Enter`, `C-c`) or literal text. */
  keys(...keys: string[]): void;
  type(text: string): void;
  /** The visible screen, one string per line. */
  screen(): string[];
  /** Resolves once some screen line matches; rejects after `timeoutMs` with the screen. */
  waitForScreen(match: RegExp, timeoutMs?: number): Promise<string>;
  /** The pid of the program running in the pane. */
  readonly panePid: number;
  /** Resolves once the program in the pane has exited. */
  waitForExit(timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Starts `command` in a detached tmux session of its own; the session ends when the command exits. */
export function startTerminal(command: string, env: Record<string, string>): Terminal {
  const socket = `parley-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => {
    const res = spawnSync('tmux', ['-L', socket, ...args], {
      encoding: 'utf8',
      env: { ...env, TERM: 'xterm-256color' },
    });
    return { status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
  };
  const started = tmux('new-session', '-d', '-x', '160', '-y', '40', '-s', 'client', '-c', repoRoot, `exec ${command}`);
  // kill-server ends the program in the pane too; harmless when the server is gone already.
  const close = () => void tmux('kill-server');
  const release = stopAtEnd(close);
  if (started.status !== 0) {
    close();
    release();
    throw new Error(`tmux could not start: ${started.stderr}`);
  }
  const panePid = Number(tmux('display-message', '-p', '-t', 'client', '#{pane_pid}').stdout.trim());
  const screen = () => tmux('capture-pane', '-p', '-t', 'client').stdout.split('\n');
  // The screen has no change events to listen to, so it is sampled until the condition holds.
  const poll = (condition: () => boolean, timeoutMs: number, what: () => string) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const tick = () => {
        if (condition()) resolve();
        else if (Date.now() - started > timeoutMs) reject(new Error(`${what()} within ${timeoutMs} ms`));
        else setTimeout(tick, 50);
      };
      tick();
    });
  return {
    panePid,
    keys: (...keys) => void tmux('send-keys', '-t', 'client', ...keys),
    type: (text) => void tmux('send-keys', '-t', 'client', '-l', text),
    screen,
    async waitForScreen(match, timeoutMs = 15_000) {
      let found = '';
      await poll(
        () => {
          found = screen().find((line) => match.test(line)) ?? '';
          return found !== '';
        },
        timeoutMs,
        () => `no ${String(match)} on the screen:\n${screen().join('\n')}`,
      );
      return found;
    },
    waitForExit(timeoutMs = 15_000) {
      return poll(
        () => !isAlive({ pid: panePid, comm: 'bash' }),
        timeoutMs,
        () => `the client did not exit:\n${screen().join('\n')}`,
      );
    },
    close() {
      close();
      release();
    },
  };
}

/** Answers the client's USERNAME and password prompts at `terminal`, and resolves once it has joined. */
export async function logInAtTerminal(
  terminal: Terminal,
  user: { readonly name: string; readonly password: string },
): Promise<void> {
  await terminal.waitForScreen(/^USERNAME:\s*$/);
  terminal.type(user.name);
  terminal.keys('Enter');
  await terminal.waitForScreen(/^password:\s*$/);
  terminal.type(user.password);
  terminal.keys('Enter');
  await terminal.waitForScreen(new RegExp(`^-- (registered and )?joined as ${user.name} --$`));
}

/**
 * What the shell client's tests start, gathered so that each is stopped after every test, whatever its outcome:
 * push what a test starts onto these lists.
 */
export function stoppedAfterEach(): {
  servers: ServerProcess[];
  clients: ShellClient[];
  streams: SseReader[];
  terminals: Terminal[];
} {
  const started = {
    servers: [] as ServerProcess[],
    clients: [] as ShellClient[],
    streams: [] as SseReader[],
    terminals: [] as Terminal[],
  };
  afterEach(async () => {
    for (const terminal of started.terminals.splice(0)) terminal.close();
    for (const stream of started.streams.splice(0)) stream.close();
    await Promise.all(started.clients.splice(0).map((client) => client.kill()));
    await Promise.all(started.servers.splice(0).map((server) => server.stop()));
  });
  return started;
}
