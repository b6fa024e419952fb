import type { Logger } from 'pino';
import type { Cluster } from '../core/cluster.js';
import { RedisCluster, type RedisClusterOptions } from './redis/redis-cluster.js';
import { RedisStore } from './redis/redis-store.js';
import type { Store } from './store.js';

/** The cluster state beside a store several processes can share; undefined for one that belongs to one process. */
export function createCluster(store: Store, options: RedisClusterOptions, log: Logger): Cluster | undefined {
  return store instanceof RedisStore ? new RedisCluster(store.connection, store.keyPrefix, log, options, store.writeConfirmer) : undefined;
}
