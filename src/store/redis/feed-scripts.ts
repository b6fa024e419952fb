import { loadScripts } from './load-scripts.js';

/**
 * The scripts of the feed (src/store/redis/redis-feed.ts): who holds streams on which process, beside the store's: one file each in
 * lua/presence/, whose _helpers.lua lists the keys they keep.
 */
export const feedScripts = loadScripts('presence', [
  'close-stream',
  'heartbeat',
  'leave',
  'online-users',
  'open-stream',
  'restore-streams',
]);
