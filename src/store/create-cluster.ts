import type { Logger } from 'pino';
import type { Cluster } from '../core/cluster.js';
import type { SharedCounters } from '../limits/rate-budgets.js';
import type { RedisClusterOptions } from './redis/redis-cluster.js';
import type { StoreSettings } from './create-store.js';
import type { Store } from './store.js';

// Only a store several processes can share has a cluster and shared counters beside it: the Redis code loads
// for a Redis store alone, so that a server on SQLite or memory never loads the Redis client.

/** The Redis store's class, if `store` may be one: loaded only when the configured kind is redis. */
async function redisStoreOf(store: Store, kind: StoreSettings['kind']) {
  if (kind !== 'redis') return undefined;
  const { RedisStore } = await import('./redis/redis-store.js');
  return store instanceof RedisStore ? store : undefined;
}

/** The cluster state beside a store several processes can share; undefined for one that belongs to one process. */
export async function createCluster(store: Store, kind: StoreSettings['kind'], options: RedisClusterOptions, log: Logger): Promise<Cluster | undefined> {
  const redisStore = await redisStoreOf(store, kind);
  if (!redisStore) return undefined;
  const { RedisCluster } = await import('./redis/redis-cluster.js');
  return new RedisCluster(redisStore.connection, redisStore.keyPrefix, log, options, redisStore.writeConfirmer);
}

/** Where the rate limits of every process sharing the store count: its Redis; undefined: in this process. */
export async function sharedCounters(store: Store, kind: StoreSettings['kind']): Promise<SharedCounters | undefined> {
  const redisStore = await redisStoreOf(store, kind);
  return redisStore && { redis: redisStore.connection.client, keyPrefix: redisStore.keyPrefix };
}
