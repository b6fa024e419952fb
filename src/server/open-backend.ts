import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Backup, BudgetFactory, Feed, Store } from '../core/ports/index.js';
import { createRateBudgets } from '../limits/rate-budgets.js';
import type { RedisLink } from '../store/redis/redis-link.js';
import type { ReplicasToWait, WriteConfirmer } from '../store/redis/write-confirmer.js';
import { StoreOpenError } from '../store/store-open-error.js';

/** What the configuration says about the store, and nothing else (see backendSettings). */
export interface BackendSettings {
  readonly kind: Config['store'];
  /** Directory for the SQLite file. */
  readonly dataDir: string;
  readonly redisUrl: string;
  /** Sentinels (`HOST:PORT,...`) that name the primary, instead of redisUrl; empty: redisUrl. */
  readonly redisSentinel: string;
  readonly redisSentinelName: string;
  /** Replicas that must hold a write before it resolves; '': all with Sentinel, 0 with a URL. */
  readonly redisWaitReplicas: ReplicasToWait | '';
  readonly redisWaitTimeoutMs: number;
  /** At start, how long to wait for the replicas of redisWaitReplicas to come in sync (ms; 0: not at all). */
  readonly redisSyncWaitMs: number;
  /** Every key of the redis store starts with it. */
  readonly redisPrefix: string;
  /** A process on the same Redis not heard from for this long is taken for dead (ms). */
  readonly processTimeoutMs: number;
  /** Told of every commit of a durable backend (monitoring): its duration (ms) and the writes it carried. */
  readonly onCommit?: (durationMs: number, batchSize: number) => void;
}

/**
 * Everything the server needs from its backend, opened together: the store, the feed that tells of its writes,
 * the counters rate budgets keep in it, and what only some backends have.
 */
export interface Backend {
  readonly store: Store;
  readonly feed: Feed;
  readonly budgets: BudgetFactory;
  /** The database file, for a backend that has one (the operator socket lives beside it). */
  readonly file?: string;
  /** A consistent copy while serving, for a backend with a file. */
  readonly backup?: Backup;
  /**
   * Sessions a process may keep in memory: only one that is its store's sole writer sees every revocation
   * (see AccountsOptions.sessionCache); 0 where processes share the store.
   */
  readonly sessionCache: number;
}

/** The settings of the configured backend, read from the configuration in this one place. */
export function backendSettings(config: Config, onCommit?: BackendSettings['onCommit']): BackendSettings {
  return {
    kind: config.store,
    dataDir: config.data,
    redisUrl: config.redisUrl,
    redisSentinel: config.redisSentinel,
    redisSentinelName: config.redisSentinelName,
    redisWaitReplicas: config.redisWaitReplicas,
    redisWaitTimeoutMs: config.redisWaitTimeoutMs,
    redisSyncWaitMs: config.redisSyncWaitMs,
    redisPrefix: config.redisPrefix,
    processTimeoutMs: config.processTimeoutMs,
    onCommit,
  };
}

/** How many sessions a process alone on its store keeps in memory. */
const soleWriterSessions = 10_000;

/**
 * The one place that switches on the configured store kind. Each kind loads its backend (and its driver) when
 * chosen, so that a server loads the code of its own store alone: a server on SQLite or memory never loads the
 * Redis client. Throws StoreOpenError with what to fix. `stopped`: a stop asked for while it opens, which ends a
 * wait for Redis replicas at once.
 */
export async function openBackend(settings: BackendSettings, log: Logger, stopped?: AbortSignal): Promise<Backend> {
  switch (settings.kind) {
    case 'memory': {
      const [{ MemoryStore }, { LocalFeed }] = await Promise.all([
        import('../store/memory/memory-store.js'),
        import('../store/local-feed.js'),
      ]);
      const feed = new LocalFeed();
      return { store: new MemoryStore(feed), feed, budgets: createRateBudgets(), sessionCache: soleWriterSessions };
    }
    case 'sqlite':
      return openSqlite(settings, log);
    case 'redis':
      return openRedis(settings, log, stopped);
  }
}

async function openSqlite(settings: BackendSettings, log: Logger): Promise<Backend> {
  const [{ default: Database }, { SqliteStore }, { LocalFeed }] = await Promise.all([
    import('better-sqlite3'),
    import('../store/sqlite/sqlite-store.js'),
    import('../store/local-feed.js'),
  ]);
  const dir = resolve(settings.dataDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new StoreOpenError(
      `cannot create the data directory ${dir}: ${(err as Error).message}; pass another --data.`,
    );
  }
  const file = join(dir, 'parley.db');
  // No busy wait: a database held by another process is an error to report at once, not to wait for.
  let db: Database;
  try {
    // It holds password hashes and every message: created for its owner only, as the backup is. SQLite gives
    // the -wal and -shm files it makes beside it the database file's mode. An existing file keeps its own.
    closeSync(openSync(file, 'a', 0o600));
    db = new Database(file, { timeout: 0 });
  } catch (err) {
    throw new StoreOpenError(`cannot open ${file}: ${(err as Error).message}`);
  }
  const feed = new LocalFeed();
  let store: ReturnType<typeof SqliteStore.open>;
  try {
    store = SqliteStore.open({ db, log, feed }, { onCommit: settings.onCommit });
  } catch (err) {
    db.close();
    throw err;
  }
  return { store, feed, budgets: createRateBudgets(), file, backup: store, sessionCache: soleWriterSessions };
}

/**
 * node-redis (@redis/client, the core of the `redis` package without its module commands): the client Redis
 * itself maintains, typed, with auto-pipelining on one connection (calls go out, run and resolve in call order)
 * and an offline queue that can be turned off, so that writes fail at once while Redis is away. With Sentinel,
 * its own Sentinel client, which follows the primary through a failover.
 */
async function openRedis(settings: BackendSettings, log: Logger, stopped?: AbortSignal): Promise<Backend> {
  const [
    { connectRedis, connectSentinel, parseSentinels, redacted },
    { RedisStore },
    { RedisFeed },
    { syncedTopology, topologyProblem },
    { WriteConfirmer },
  ] = await Promise.all([
    import('../store/redis/connect-redis.js'),
    import('../store/redis/redis-store.js'),
    import('../store/redis/redis-feed.js'),
    import('../store/redis/redis-topology.js'),
    import('../store/redis/write-confirmer.js'),
  ]);
  const sentinel = settings.redisSentinel;
  const where =
    sentinel === '' ? redacted(settings.redisUrl) : `the sentinels ${sentinel} (${settings.redisSentinelName})`;
  let redis: RedisLink;
  try {
    redis =
      sentinel === ''
        ? await connectRedis(settings.redisUrl, log)
        : await connectSentinel(parseSentinels(sentinel), settings.redisSentinelName, log);
  } catch (err) {
    const fix = sentinel === '' ? 'pass another --redis-url' : 'check --redis-sentinel and --redis-sentinel-name';
    throw new StoreOpenError(`cannot reach Redis at ${where}: ${(err as Error).message}; start it, or ${fix}.`);
  }
  const replicas = waitReplicas(settings);
  const keyPrefix = settings.redisPrefix;
  let confirmer: WriteConfirmer | undefined;
  try {
    const waitMs = replicas === 0 ? 0 : settings.redisSyncWaitMs;
    const topology = await syncedTopology(redis, replicas, { waitMs, log, stopped });
    log.info({ redis: redis.description, ...topology, waitReplicas: replicas }, 'connected to Redis');
    const problem = topologyProblem(topology, replicas, where);
    if (problem && stopped?.aborted) throw new StoreOpenError('stopped while waiting for the replicas of Redis');
    if (problem) {
      const waited = waitMs === 0 ? '' : `; still so after waiting ${waitMs / 1000} s (--redis-sync-wait-ms)`;
      throw new StoreOpenError(problem + waited);
    }
    if (replicas !== 0) {
      const link = await redis.duplicate();
      confirmer = new WriteConfirmer(link, keyPrefix, replicas, settings.redisWaitTimeoutMs, log);
      confirmer.onClose(() => link.destroy());
    }
  } catch (err) {
    redis.destroy();
    throw err;
  }
  const store = new RedisStore({ redis, keyPrefix, log, confirmer });
  const feed = new RedisFeed(
    redis,
    keyPrefix,
    log.child({ module: 'feed' }),
    { processTimeoutMs: settings.processTimeoutMs },
    confirmer,
  );
  // Limits hold across every process on this Redis: their counters live in it too.
  const budgets = createRateBudgets({ redis: redis.client, keyPrefix });
  return { store, feed, budgets, sessionCache: 0 };
}

/**
 * --redis-wait-replicas, its empty default resolved: behind Sentinel every replica in sync (a replica that
 * lacks a 202 may be the one promoted), on a URL none.
 */
export function waitReplicas(settings: Pick<BackendSettings, 'redisSentinel' | 'redisWaitReplicas'>): ReplicasToWait {
  if (settings.redisWaitReplicas !== '') return settings.redisWaitReplicas;
  return settings.redisSentinel === '' ? 0 : 'all';
}
