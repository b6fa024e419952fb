// The servers a benchmark row runs against, each fresh on a free loopback port: Parley through its real CLI on
// any store (on Redis also as several processes, with a redis-server of its own), or one of the reference
// servers in bench/reference.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot, spawnServer, tempDir, type ServerProcess } from '../../test/support/process.js';
import {
  startRedisServer,
  startSentinelTopology,
  type RedisServer,
  type SentinelTopology,
} from '../../test/support/redis-server.js';
import { guard } from './async.js';
import { nodeChildren, startTime } from './proc.js';

/**
 * reference: the bare node:http SSE server; express: the minimal express app; memory, sqlite, redis: Parley,
 * one process; redis-workers: Parley with `--workers 2` (one command, one port); redis-pair: two Parley
 * processes on one Redis, each on a port of its own; redis-workers6: `--workers 6`, a machine's worth of streams;
 * sentinel, sentinel-acked: Parley, one process, on Redis behind Sentinel (a primary, two replicas, three
 * sentinels) with --redis-wait-replicas 0 and all.
 */
export type TargetName =
  | 'reference'
  | 'express'
  | 'memory'
  | 'sqlite'
  | 'redis'
  | 'redis-workers'
  | 'redis-pair'
  | 'redis-workers6'
  | 'sentinel'
  | 'sentinel-acked';
export type ParleyStore = 'memory' | 'sqlite' | 'redis';

/** Worker processes of the redis-workers target, and processes of the redis-pair. */
export const processCount = 2;

/** Worker processes of the redis-workers6 target. */
export const manyProcessCount = 6;

export interface Target {
  readonly name: TargetName;
  /** Where requests go (the first process of a pair). */
  readonly url: string;
  /** Where streams open: spread evenly over these (the two processes of a pair; else just `url`). */
  readonly streamUrls: readonly string[];
  readonly port: number;
  /** The process started (with `--workers`, the primary). */
  readonly pid: number;
  /** Every server process: the one, the primary and its workers, or both of a pair. Their CPU is the server's. */
  readonly pids: readonly number[];
  /** The processes that serve requests and hold streams: the workers, both of a pair, or the one. */
  readonly servers: readonly number[];
  /** The redis-server of a Redis target: its CPU is reported beside the server's. */
  readonly redisPid?: number;
  stop(): Promise<void>;
}

/**
 * Parley's protective limits, lifted: the benchmark measures delivery, not the rate limits. A registration is
 * set-up, not what is measured, hence the cheapest password hash; presence keeps its product delay.
 */
export const parleyArgs = [
  '--message-rate',
  '0',
  '--broadcast-rate',
  '0',
  '--queue-limit',
  '10000000',
  '--max-streams',
  '100000',
  '--max-streams-per-user',
  '100000',
  '--scrypt-cost',
  '16',
  '--presence-delay-ms',
  '250',
];

const scripts: Record<'reference' | 'express', string> = {
  reference: 'bench/reference/sse-server.ts',
  express: 'bench/reference/express-app.ts',
};

const running = new Set<ChildProcess>();
/** Processes a started process started (cluster workers), with their start times: killed with it when the run is cut short. */
const descendants = new Map<number, string | undefined>();
/** Data directories of the Parley and Redis servers not yet stopped. */
const dataDirs = new Set<string>();
const redisServers = new Set<RedisServer>();
const topologies = new Set<SentinelTopology>();

/** Kills whatever is still running and removes its data (when the whole run is cut short). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const [pid, started] of descendants) killIfRunning(pid, started);
  for (const redis of redisServers) void redis.kill();
  for (const topology of topologies) void topology.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}

/** SIGKILL, unless the process is gone (and its pid perhaps another's by now). */
function killIfRunning(pid: number, started: string | undefined): void {
  if (started === undefined || startTime(pid) !== started) return;
  process.kill(pid, 'SIGKILL');
}

export async function startTarget(name: TargetName, extraArgs: readonly string[] = []): Promise<Target> {
  switch (name) {
    case 'memory':
    case 'sqlite':
      return startParley(name, name, extraArgs);
    case 'redis':
      return withRedis(name, (redisArgs) => startParley(name, 'redis', [...redisArgs, ...extraArgs]));
    case 'redis-workers':
      return withRedis(name, (redisArgs) =>
        startParley(name, 'redis', [...redisArgs, '--workers', String(processCount), ...extraArgs], processCount),
      );
    case 'redis-workers6':
      return withRedis(name, (redisArgs) =>
        startParley(
          name,
          'redis',
          [...redisArgs, '--workers', String(manyProcessCount), ...extraArgs],
          manyProcessCount,
        ),
      );
    case 'redis-pair':
      return withRedis(name, async (redisArgs) => {
        const started = await Promise.allSettled(
          Array.from({ length: processCount }, () => startParley(name, 'redis', [...redisArgs, ...extraArgs])),
        );
        const parts = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) {
          await Promise.all(parts.map((p) => p.stop()));
          throw failed.reason;
        }
        const [first] = parts as [Target, ...Target[]];
        return {
          ...first,
          streamUrls: parts.map((p) => p.url),
          pids: parts.flatMap((p) => p.pids),
          servers: parts.flatMap((p) => p.servers),
          stop: async () => void (await Promise.all(parts.map((p) => p.stop()))),
        };
      });
    case 'sentinel':
    case 'sentinel-acked': {
      const replicas = name === 'sentinel' ? '0' : 'all';
      return withSentinel(name, (redisArgs) =>
        startParley(name, 'redis', [...redisArgs, '--redis-wait-replicas', replicas, ...extraArgs]),
      );
    }
    default:
      return startScript(name, scripts[name]);
  }
}

/**
 * A redis-server of the target's own (loopback, a temporary directory, append-only file fsynced before every
 * answer, as docs/storage.md recommends and as SQLite commits), stopped with the target.
 */
async function withRedis(name: TargetName, start: (redisArgs: readonly string[]) => Promise<Target>): Promise<Target> {
  const redis = await startRedisServer({ appendfsync: 'always' });
  redisServers.add(redis);
  dataDirs.add(redis.dir);
  const stopRedis = async () => {
    await redis.stop();
    redisServers.delete(redis);
    dataDirs.delete(redis.dir);
    rmSync(redis.dir, { recursive: true, force: true });
  };
  try {
    const target = await start(['--redis-url', redis.url]);
    return {
      ...target,
      name,
      redisPid: redis.pid,
      async stop() {
        try {
          await target.stop();
        } finally {
          await stopRedis();
        }
      },
    };
  } catch (err) {
    await stopRedis();
    throw err;
  }
}

/** A Sentinel topology of the target's own (test/support/redis-server.ts), stopped with the target. */
export async function withSentinel(
  name: TargetName,
  start: (redisArgs: readonly string[], topology: SentinelTopology) => Promise<Target>,
): Promise<Target> {
  const topology = await startSentinelTopology();
  topologies.add(topology);
  const stopTopology = async () => {
    await topology.stop();
    topologies.delete(topology);
  };
  try {
    const target = await start(['--redis-sentinel', topology.sentinelList], topology);
    return {
      ...target,
      name,
      redisPid: topology.primary.pid,
      async stop() {
        try {
          await target.stop();
        } finally {
          await stopTopology();
        }
      },
    };
  } catch (err) {
    await stopTopology();
    throw err;
  }
}

/**
 * Another checkout of Parley to measure instead of this one (BENCH_CHECKOUT=/path/to/clone, with its own
 * node_modules): rows of a change and of the commit before it, taken in turns within one sitting, tell the
 * change's effect from the machine's drift. Its server entry is found where either layout keeps it.
 */
function parleyCommand(): { command?: readonly string[]; cwd?: string } {
  const source = process.env.BENCH_CHECKOUT || repoRoot;
  const entry = ['src/cli/server-main.ts', 'src/cli.ts']
    .map((file) => join(source, file))
    .find((file) => existsSync(file));
  if (entry === undefined) throw new Error(`BENCH_CHECKOUT=${source}: no Parley server entry there`);
  return { command: [process.execPath, ...profileArgs(), '--import', 'tsx', entry], cwd: source };
}

/**
 * BENCH_PROFILE=/dir: each Parley server writes a `node --cpu-prof` profile there when it stops (NODE_OPTIONS may
 * not carry the flag, and would put it on the load generators too).
 */
function profileArgs(): readonly string[] {
  const dir = process.env.BENCH_PROFILE;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', resolve(dir)] : [];
}

/** Parley from its CLI; with `workers`, the primary's workers are found among its children once it listens. */
export async function startParley(
  name: TargetName,
  store: ParleyStore,
  extraArgs: readonly string[],
  workers = 0,
): Promise<Target> {
  const data = tempDir('parley-bench-');
  dataDirs.add(data);
  let server: ServerProcess | undefined;
  try {
    server = await spawnServer(['--store', store, '--data', data, ...parleyArgs, ...extraArgs], {}, parleyCommand());
    running.add(server.child);
    const pid = server.child.pid!;
    const children = workers > 0 ? nodeChildren(pid) : [];
    for (const child of children) descendants.set(child, startTime(child));
    if (children.length !== workers)
      throw new Error(`Parley with --workers ${workers} runs ${children.length} worker processes`);
    const started = server;
    return {
      name,
      url: server.url,
      streamUrls: [server.url],
      port: server.port,
      pid,
      pids: [pid, ...children],
      servers: workers > 0 ? children : [pid],
      async stop() {
        await stopChild(started.child, () => started.stop());
        // A worker that outlived its primary would hold its port and memory into the next row.
        for (const child of children) {
          killIfRunning(child, descendants.get(child));
          descendants.delete(child);
        }
        dataDirs.delete(data);
        rmSync(data, { recursive: true, force: true });
      },
    };
  } catch (err) {
    const started = server;
    if (started) await stopChild(started.child, () => started.stop());
    dataDirs.delete(data);
    rmSync(data, { recursive: true, force: true });
    throw err;
  }
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
    streamUrls: [url],
    port: Number(new URL(url).port),
    pid: child.pid!,
    pids: [child.pid!],
    servers: [child.pid!],
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
