import { loadScripts } from './load-scripts.js';

/**
 * The store's Lua scripts, one file each in lua/store/, each run as one atomic step on the server. What a script
 * does, returns and takes is at its top; what they share, and why they build every key themselves, is in
 * lua/_helpers.lua. Named here so that callers are checked: a file missing stops the start.
 */
export const luaScripts = loadScripts('store', [
  'append-audit',
  'append-message',
  'broadcast-candidates',
  'change-group',
  'delete-hook',
  'delete-invite',
  'delete-message',
  'delete-session',
  'delete-sessions-of',
  'delete-user',
  'delete-webhook',
  'edit-message',
  'ended-sessions',
  'find-message',
  'forget-broadcasts',
  'insert-group',
  'insert-hook',
  'insert-invite',
  'insert-session',
  'insert-user',
  'knows-position',
  'lease-device',
  'load-blocks',
  'mark-delivered',
  'mark-read',
  'prune-queues',
  'read-conversation',
  'read-cursors',
  'read-queue',
  'record-hook-use',
  'record-device-attempt',
  'release-device',
  'return-invite',
  'set-block',
  'set-password-hash',
  'set-user-flag',
  'set-webhook',
  'summarize',
  'take-invite',
  'touch-session',
]);
