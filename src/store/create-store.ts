import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { RedisLink } from './redis/redis-link.js';
import type { ReplicasToWait, WriteConfirmer } from './redis/write-confirmer.js';
import { StoreOpenError } from './sqlite/store-open-error.js';
import type { Store } from './store.js';

export interface StoreSettings {
  readonly kind: 'sqlite' | 'memory' | 'redis';
  /** Directory for the SQLite file. */
  readonly dataDir: string;
  /** The Redis of the redis store. @default 'redis://127.0.0.1:6379' */
  readonly redisUrl?: string;
  /** Sentinels (`HOST:PORT,...`) that name the primary, instead of redisUrl; empty or absent: redisUrl. */
  readonly redisSentinel?: string;
  /** The name the sentinels monitor the primary under. @default 'mymaster' */
  readonly redisSentinelName?: string;
  /** Replicas that must hold a write before it resolves; '' or absent: all with Sentinel, 0 with a URL. */
  readonly redisWaitReplicas?: ReplicasToWait | '';
  /** How long a write waits for them (ms). @default 1_000 */
  readonly redisWaitTimeoutMs?: number;
  /** Every key of the redis store starts with it. @default 'parley:' */
  readonly redisPrefix?: string;
  /** Told of every commit of a durable backend (monitoring): its duration (ms) and the writes it carried. */
  readonly onCommit?: (durationMs: number, batchSize: number) => void;
}

/** The file a durable backend keeps its data in; undefined for the memory store. */
export function storeFile(settings: StoreSettings): string | undefined {
  return settings.kind === 'sqlite' ? join(resolve(settings.dataDir), 'parley.db') : undefined;
}

/**
 * The one place that switches on the configured store kind. Each kind loads its backend (and its driver) when
 * chosen, so that a server loads the code of its own store alone.
 */
export async function createStore(settings: StoreSettings, log: Logger): Promise<Store> {
  switch (settings.kind) {
    case 'memory': {
      const { MemoryStore } = await import('./memory/memory-store.js');
      return new MemoryStore();
    }
    case 'sqlite': {
      const [{ default: Database }, { SqliteStore }] = await Promise.all([import('better-sqlite3'), import('./sqlite/sqlite-store.js')]);
      const dir = resolve(settings.dataDir);
      try {
        mkdirSync(dir, { recursive: true });
      } catch (err) {
        throw new StoreOpenError(`cannot create the data directory ${dir}: ${(err as Error).message}; pass another --data.`);
      }
      // No busy wait: a database held by another process is an error to report at once, not to wait for.
      let db: Database;
      try {
        db = new Database(join(dir, 'parley.db'), { timeout: 0 });
      } catch (err) {
        throw new StoreOpenError(`cannot open ${join(dir, 'parley.db')}: ${(err as Error).message}`);
      }
      try {
        return SqliteStore.open({ db, log }, { onCommit: settings.onCommit });
      } catch (err) {
        db.close();
        throw err;
      }
    }
    case 'redis': {
      // node-redis (@redis/client, the core of the `redis` package without its module commands): the client
      // Redis itself maintains, typed, with auto-pipelining on one connection (calls go out, run and resolve in
      // call order) and an offline queue that can be turned off, so that writes fail at once while Redis is away.
      // With Sentinel, its own Sentinel client, which follows the primary through a failover.
      const sentinel = settings.redisSentinel ?? '';
      const url = settings.redisUrl ?? 'redis://127.0.0.1:6379';
      const [{ connectRedis, connectSentinel, parseSentinels, redacted }, { RedisStore }, { inspectTopology, topologyProblem }, { WriteConfirmer }] = await Promise.all([
        import('./redis/connect-redis.js'),
        import('./redis/redis-store.js'),
        import('./redis/redis-topology.js'),
        import('./redis/write-confirmer.js'),
      ]);
      const where = sentinel === '' ? redacted(url) : `the sentinels ${sentinel} (${settings.redisSentinelName ?? 'mymaster'})`;
      let redis: RedisLink;
      try {
        redis = sentinel === '' ? await connectRedis(url, log) : await connectSentinel(parseSentinels(sentinel), settings.redisSentinelName ?? 'mymaster', log);
      } catch (err) {
        const fix = sentinel === '' ? 'pass another --redis-url' : 'check --redis-sentinel and --redis-sentinel-name';
        throw new StoreOpenError(`cannot reach Redis at ${where}: ${(err as Error).message}; start it, or ${fix}.`);
      }
      const replicas = waitReplicas(settings);
      const keyPrefix = settings.redisPrefix ?? 'parley:';
      let confirmer: WriteConfirmer | undefined;
      try {
        const topology = await inspectTopology(redis);
        log.info({ redis: redis.description, ...topology, waitReplicas: replicas }, 'connected to Redis');
        const problem = topologyProblem(topology, replicas, where);
        if (problem) throw new StoreOpenError(problem);
        if (replicas !== 0) {
          const link = await redis.duplicate();
          confirmer = new WriteConfirmer(link, keyPrefix, replicas, settings.redisWaitTimeoutMs ?? 1_000, log);
          confirmer.onClose(() => link.destroy());
        }
      } catch (err) {
        redis.destroy();
        throw err;
      }
      return new RedisStore({ redis, keyPrefix, log, confirmer });
    }
  }
}

/**
 * --redis-wait-replicas, its empty default resolved: behind Sentinel every replica in sync (a replica that
 * lacks a 202 may be the one promoted), on a URL none.
 */
export function waitReplicas(settings: Pick<StoreSettings, 'redisSentinel' | 'redisWaitReplicas'>): ReplicasToWait {
  const asked = settings.redisWaitReplicas ?? '';
  if (asked !== '') return asked;
  return (settings.redisSentinel ?? '') === '' ? 0 : 'all';
}
