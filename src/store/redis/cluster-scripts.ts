import { loadScripts } from './load-scripts.js';

/**
 * The scripts of the cluster state (src/store/redis/redis-cluster.ts), beside the store's: one file each in
 * lua/presence/, whose _helpers.lua lists the keys they keep.
 */
export const clusterScripts = loadScripts('presence', ['close-stream', 'heartbeat', 'leave', 'online-users', 'open-stream', 'restore-streams']);
