import { afterAll, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { tempDir } from './process.js';

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
}

export interface RedisServerOptions {
  /** Reuse a directory (and with it the append-only file) of a server started before. */
  readonly dir?: string;
  /** Reuse the port of a server started before; a free one otherwise. */
  readonly port?: number;
  /** @default 'everysec' */
  readonly appendfsync?: 'always' | 'everysec' | 'no';
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
  const child = spawn(
    redisServerPath,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--save', '',
      '--appendonly', 'yes',
      '--appendfsync', options.appendfsync ?? 'everysec',
      '--daemonize', 'no',
      '--logfile', '',
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
    const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
    await exited;
    clearTimeout(timer);
  };

  const output: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server was not ready within ${startTimeoutMs} ms`)), startTimeoutMs);
      createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output.push(line);
        if (line.includes('Ready to accept connections')) {
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
  return { url: `redis://127.0.0.1:${port}`, port, dir, pid, stop: () => stopWith('SIGTERM'), kill: () => stopWith('SIGKILL') };
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
    if (!reply.toString().startsWith('+PONG')) throw new Error(`redis-server answered PING with ${JSON.stringify(reply.toString())}`);
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
    if (!server) throw new Error('the file\'s redis-server is not started yet: use it inside a test or hook');
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
