import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { StoreOpenError } from './sqlite/store-open-error.js';
import type { Store } from './store.js';

export interface StoreSettings {
  readonly kind: 'sqlite' | 'memory' | 'redis';
  /** Directory for the SQLite file. */
  readonly dataDir: string;
  /** The Redis of the redis store. @default 'redis://127.0.0.1:6379' */
  readonly redisUrl?: string;
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
      const url = settings.redisUrl ?? 'redis://127.0.0.1:6379';
      const [{ connectRedis, redacted }, { RedisStore }] = await Promise.all([import('./redis/connect-redis.js'), import('./redis/redis-store.js')]);
      let redis;
      try {
        redis = await connectRedis(url, log);
      } catch (err) {
        throw new StoreOpenError(`cannot reach Redis at ${redacted(url)}: ${(err as Error).message}; start it, or pass another --redis-url.`);
      }
      return new RedisStore({ redis, keyPrefix: settings.redisPrefix ?? 'parley:', log });
    }
  }
}
