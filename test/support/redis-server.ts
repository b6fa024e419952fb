import { afterAll, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { tempDir } from './process.js';
import { stopAtEnd } from './stop-at-end.js';

/** Debian's package `redis-server` puts it here; `.ci/run` installs it when missing. */
const redisServerPath = '/usr/bin/redis-server';
/** How long a start may take before it counts as failed, and how long SIGTERM has before SIGKILL (ms). */
const startTimeoutMs = 10_000;
const stopGraceMs = 5_000;

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Its working directory: the append-only file lives here. */
  readonly dir: string;
  readonly pid: number;
  /** SIGTERM (Redis fsyncs its append-only file and exits), then SIGKILL after a bound. Harmless once stopped. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. Harmless once stopped. */
  kill(): Promise<void>;
  /** SIGSTOP: the process hangs, its sockets open and silent, as a machine that stalls. */
  freeze(): void;
  /** SIGCONT after freeze. */
  thaw(): void;
}

export interface RedisServerOptions {
  /** Reuse a directory (and with it the append-only file) of a server started before. */
  readonly dir?: string;
  /** Reuse the port of a server started before; a free one otherwise. */
  readonly port?: number;
  /** @default 'everysec' */
  readonly appendfsync?: 'always' | 'everysec' | 'no';
  /** Start as a replica of this primary (`--replicaof`). */
  readonly replicaOf?: RedisServer;
  /** Sentinel promotes the replica with the lowest first, never one with 0 (`--replica-priority`). @default 100 */
  readonly replicaPriority?: number;
  /** Start as a Sentinel with this configuration (written to a file in `dir`, which Sentinel rewrites). */
  readonly sentinelConfig?: string;
}

const running = new Set<number>();
// Whatever happens to the test run, no redis-server outlives it.
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts a real redis-server on loopback with a temporary directory of its own, append-only file on and no
 * snapshots, and resolves once it has said it is ready and answered PING. Rejects, having stopped it, when it
 * exits first or is not ready within a bound.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = options.dir ?? tempDir('parley-redis-');
  const port = options.port ?? (await freePort());
  const sentinel = options.sentinelConfig !== undefined;
  const configFile = join(dir, 'sentinel.conf');
  if (sentinel) writeFileSync(configFile, options.sentinelConfig!);
  const storage = ['--save', '', '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'everysec'];
  const replica = options.replicaOf
    ? [
        '--replicaof',
        '127.0.0.1',
        String(options.replicaOf.port),
        '--replica-priority',
        String(options.replicaPriority ?? 100),
      ]
    : [];
  const child = spawn(
    redisServerPath,
    [
      ...(sentinel ? [configFile, '--sentinel'] : []),
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      ...(sentinel ? [] : [...storage, ...replica]),
      '--daemonize',
      'no',
      '--logfile',
      '',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${redisServerPath}; install the Debian package redis-server`);
  running.add(pid);
  const exited = once(child, 'exit').then(() => running.delete(pid));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (gone()) return;
    child.kill(signal);
    // A frozen process acts on SIGTERM only once it runs again.
    if (signal !== 'SIGKILL') child.kill('SIGCONT');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
    await exited;
    clearTimeout(timer);
  };

  const output: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server was not ready within ${startTimeoutMs} ms`)),
        startTimeoutMs,
      );
      createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output.push(line);
        if (line.includes(sentinel ? 'Sentinel ID is' : 'Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error('redis-server exited before it was ready'));
      });
    });
    await ping(port);
  } catch (err) {
    await stopWith('SIGKILL');
    throw new Error(`${(err as Error).message}:\n${output.join('\n')}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    freeze: () => void (gone() || child.kill('SIGSTOP')),
    thaw: () => void (gone() || child.kill('SIGCONT')),
  };
}

/** A loopback port nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** One PING over a plain socket; rejects unless the answer is PONG. */
async function ping(port: number): Promise<void> {
  const socket = createConnection({ host: '127.0.0.1', port });
  try {
    await once(socket, 'connect');
    socket.write('PING\r\n');
    const [reply] = (await once(socket, 'data')) as [Buffer];
    if (!reply.toString().startsWith('+PONG'))
      throw new Error(`redis-server answered PING with ${JSON.stringify(reply.toString())}`);
  } finally {
    socket.destroy();
  }
}

export interface FileRedis {
  /** The file's redis-server; set once the file's first test runs. */
  readonly server: RedisServer;
  readonly url: string;
  /** A key prefix no other test of the file uses, e.g. `feed3:`. */
  prefix(name: string): string;
}

/** One redis-server for the calling test file: started before its first test, stopped after its last. */
export function redisForFile(): FileRedis {
  let server: RedisServer | undefined;
  let prefixes = 0;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = () => {
    if (!server) throw new Error("the file's redis-server is not started yet: use it inside a test or hook");
    return server;
  };
  return {
    get server() {
      return started();
    },
    get url() {
      return started().url;
    },
    prefix: (name) => `${name}${++prefixes}:`,
  };
}

export interface SentinelTopology {
  /** The primary it started with; after a failover, a replica (or gone). */
  readonly primary: RedisServer;
  readonly replicas: readonly RedisServer[];
  readonly sentinels: readonly RedisServer[];
  /** `127.0.0.1:p1,127.0.0.1:p2,...`, for --redis-sentinel. */
  readonly sentinelList: string;
  /** The name the sentinels monitor the primary under. */
  readonly name: string;
  /** Sentinel takes a primary silent for this long for down (ms). */
  readonly downAfterMs: number;
  /** Resolves with the port of the primary the sentinels name, once it is not `notPort`. */
  promoted(notPort: number): Promise<number>;
  /** Stops every process of the topology by PID, whatever state each is in. */
  stop(): Promise<void>;
}

export interface SentinelTopologyOptions {
  /** 0: a primary alone, for a test to give it replicas later (startRedisServer with replicaOf). @default 2 */
  readonly replicas?: number;
  /** @default 1_000 */
  readonly downAfterMs?: number;
  /** Each replica's `replica-priority`, in order. @default 100 each */
  readonly replicaPriorities?: readonly number[];
}

/**
 * One primary, its replicas and three Sentinels (quorum 2), each a real redis-server on a loopback port with a
 * directory of its own; resolves once every replica is in sync and every sentinel knows them all. Whatever
 * happens, `stop` (registered for the end of the file too) ends every process.
 */
export async function startSentinelTopology(options: SentinelTopologyOptions = {}): Promise<SentinelTopology> {
  const downAfterMs = options.downAfterMs ?? 1_000;
  const name = 'mymaster';
  const started: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(started.map((server) => server.kill()));
  };
  const release = stopAtEnd(stop);
  try {
    const primary = await startRedisServer();
    started.push(primary);
    const replicas = await Promise.all(
      Array.from({ length: options.replicas ?? 2 }, (_, i) =>
        startRedisServer({ replicaOf: primary, replicaPriority: options.replicaPriorities?.[i] }),
      ),
    );
    started.push(...replicas);
    await until(
      async () =>
        Number(field(await command(primary.port, ['INFO', 'replication']), 'connected_slaves')) === replicas.length,
    );
    await Promise.all(
      replicas.map((r) =>
        until(async () => field(await command(r.port, ['INFO', 'replication']), 'master_link_status') === 'up'),
      ),
    );
    const config = [
      'sentinel resolve-hostnames no',
      `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
      `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
      `sentinel failover-timeout ${name} ${downAfterMs * 3}`,
      `sentinel parallel-syncs ${name} ${Math.max(1, replicas.length)}`,
      '',
    ].join('\n');
    const sentinels = await Promise.all([0, 1, 2].map(() => startRedisServer({ sentinelConfig: config })));
    started.push(...sentinels);
    // Each sentinel has found the replicas (from the primary) and the other sentinels (over its hello channel).
    await Promise.all(
      sentinels.map((s) =>
        until(async () => {
          const master = pairs(await command(s.port, ['SENTINEL', 'MASTER', name]));
          return Number(master['num-slaves']) === replicas.length && Number(master['num-other-sentinels']) === 2;
        }),
      ),
    );
    const promoted = async (notPort: number): Promise<number> => {
      let port = notPort;
      await until(async () => {
        const reply = await command(sentinels[0]!.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name]);
        port = Number((reply as string[])[1]);
        return port !== notPort;
      }, 60_000);
      return port;
    };
    return {
      primary,
      replicas,
      sentinels,
      sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      name,
      downAfterMs,
      promoted,
      stop: async () => {
        await stop();
        release();
      },
    };
  } catch (err) {
    await stop();
    release();
    throw err;
  }
}

/** Runs one command on a plain socket with redis-cli's wire format; resolves with the decoded RESP2 reply. */
export async function command(port: number, args: readonly string[]): Promise<unknown> {
  const socket = createConnection({ host: '127.0.0.1', port });
  try {
    await once(socket, 'connect');
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    let buffer = '';
    for (;;) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      buffer += chunk.toString();
      const parsed = parseResp(buffer, 0);
      if (parsed) return parsed.value;
    }
  } finally {
    socket.destroy();
  }
}

/** One RESP2 value at `at`, or undefined when the buffer does not hold all of it yet. */
function parseResp(buffer: string, at: number): { value: unknown; end: number } | undefined {
  const eol = buffer.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const head = buffer.slice(at + 1, eol);
  switch (buffer[at]) {
    case '+':
      return { value: head, end: eol + 2 };
    case '-':
      return { value: new Error(head), end: eol + 2 };
    case ':':
      return { value: Number(head), end: eol + 2 };
    case '$': {
      const length = Number(head);
      if (length < 0) return { value: null, end: eol + 2 };
      const bytes = Buffer.from(buffer.slice(eol + 2));
      if (bytes.length < length + 2) return undefined;
      const value = bytes.subarray(0, length).toString();
      return { value, end: eol + 2 + value.length + 2 };
    }
    case '*': {
      const count = Number(head);
      const items: unknown[] = [];
      let end = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseResp(buffer, end);
        if (!item) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: count < 0 ? null : items, end };
    }
    default:
      throw new Error(`not a RESP reply: ${JSON.stringify(buffer.slice(at, at + 40))}`);
  }
}

/** A field of an INFO reply. */
export function field(info: unknown, name: string): string | undefined {
  const line = String(info)
    .split('\r\n')
    .find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1);
}

function pairs(reply: unknown): Record<string, string> {
  const list = reply as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
}

/**
 * Polls `check` (every 50 ms) until it holds: the state of other processes (a replica's sync, a sentinel's
 * discovery) is only visible by asking. Rejects after `timeoutMs`.
 */
export async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`a Redis topology did not reach the expected state within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
