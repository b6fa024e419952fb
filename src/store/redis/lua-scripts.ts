import { createHash } from 'node:crypto';

/**
 * The Lua scripts of the Redis store: each runs as one atomic step on the server. ARGV[1] is always the key
 * prefix; the keys under it (see src/store/redis/redis-store.ts) are built inside the scripts, since a message's
 * keys depend on the id the script assigns and on its recipients. That is fine on one Redis (with or without
 * replicas) and impossible on Redis Cluster, which the `no-cluster` flag makes explicit.
 */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/**
 * Helpers every script starts with. Positions and scores stay strings where they are passed back to Redis:
 * Lua prints a number of more than 14 digits as `1e+15`.
 */
const helpers = `
local P = ARGV[1]
local function num(s) return tonumber(s) or 0 end
local function higher(a, b) if num(a) >= num(b) then return a end return b end
local function sender(id) return redis.call('HGET', P .. 'm:' .. id, 'f') end
local function joined_of(name) return redis.call('HGET', P .. 'joined', name) or '0' end
local function taken(name)
  return redis.call('HEXISTS', P .. 'users', name) == 1 or redis.call('HEXISTS', P .. 'groups', name) == 1
end

-- The next message id (src/core/ids.ts): Redis's clock in microseconds since 2020-01-01, or one above the last
-- id where the clock is not past it. A Redis restarted from older files, or a replica promoted while it lagged,
-- has an older last id but a clock past every id handed out before: no id is ever handed out twice.
local function next_id()
  local t = redis.call('TIME')
  local id = (tonumber(t[1]) - 1577836800) * 1000000 + tonumber(t[2])
  local last = num(redis.call('GET', P .. 'id'))
  if id <= last then id = last + 1 end
  id = string.format('%d', id)
  redis.call('SET', P .. 'id', id)
  return id
end

-- The key of message id when an edit or a deletion may change it; nil when it is not retained, is an event or is
-- already deleted.
local function changeable(id)
  local m = P .. 'm:' .. id
  local state = redis.call('HMGET', m, 'k', 'd')
  if not state[1] or state[1] == 'event' or state[2] == '1' then return nil end
  return m
end

-- How far retention removed what a user reads: their own queue, and the broadcast log once it reached past
-- the position they registered at.
local function pruned_of(name, joined)
  local own = redis.call('ZSCORE', P .. 'pruned', name) or '0'
  local log = redis.call('GET', P .. 'bpruned') or '0'
  if num(joined) < num(log) then return higher(own, log) end
  return own
end

-- Up to limit members of the sorted set key, by score from start on, that keep (if any) accepts, read limit
-- at a time.
local function walk(key, start, limit, keep)
  local out = {}
  while limit > 0 do
    local ids = redis.call('ZRANGE', key, start, '+inf', 'BYSCORE', 'LIMIT', 0, limit)
    for _, id in ipairs(ids) do
      if keep == nil or keep(id) then
        out[#out + 1] = id
        if #out == limit then return out end
      end
    end
    if #ids < limit then break end
    start = '(' .. ids[#ids]
  end
  return out
end

-- Appends a message as eight fields: id, from, kind, group ('' for none), text, sentAt, editedAt ('' for
-- none), deleted ('1' or ''). An event has kind 'event', its type in the group field and its data as text.
local function push_row(out, id)
  local m = redis.call('HMGET', P .. 'm:' .. id, 'f', 'k', 'g', 't', 's', 'x', 'd', 'e')
  if not m[2] then return end
  out[#out + 1] = id
  out[#out + 1] = m[1] or ''
  out[#out + 1] = m[2]
  if m[2] == 'event' then out[#out + 1] = m[8] else out[#out + 1] = m[3] or '' end
  out[#out + 1] = m[4] or ''
  out[#out + 1] = m[5]
  out[#out + 1] = m[6] or ''
  out[#out + 1] = m[7] or ''
end


-- Undelivered direct and group messages of a user after a position: their queue less the events on it.
local function pending_of(name, delivered)
  local after = '(' .. delivered
  return redis.call('ZCOUNT', P .. 'q:' .. name, after, '+inf') - redis.call('ZCOUNT', P .. 'qe:' .. name, after, '+inf')
end

local function split(list)
  local out = {}
  for name in string.gmatch(list, '[^,]+') do out[#out + 1] = name end
  return out
end

-- Removes a message (or an event) and its places in its conversation, and the list of its edits.
local function forget(id)
  local m = P .. 'm:' .. id
  local filed = redis.call('HMGET', m, 'c', 'f')
  redis.call('DEL', m, P .. 'ed:' .. id)
  if not filed[1] then return end
  redis.call('ZREM', P .. 'v:' .. filed[1], id)
  redis.call('ZREM', P .. 'vx:' .. filed[1], id)
  redis.call('ZREM', P .. 'o:' .. filed[1] .. ':' .. filed[2], id)
end

-- Tells every process sharing this Redis what was just written, in the order Redis applies the writes (see
-- src/store/redis/feed-events.ts for the events): scripts run one at a time, and PUBLISH inside one is delivered
-- to subscribers in that order.
local function tell(event) redis.call('PUBLISH', P .. 'events', cjson.encode(event)) end

-- Appends an event on the queue of each recipient (ARGV from first on), with the next id unless the caller
-- took it already, and tells every process; its data (json) is stored once, referred to like a message's
-- text. Resolves with the id.
local function append_event(etype, json, at, first, taken_id)
  local id = taken_id or next_id()
  if #ARGV < first then return id end
  local m = P .. 'm:' .. id
  redis.call('HSET', m, 'k', 'event', 'e', etype, 't', json, 's', at, 'r', #ARGV - first + 1)
  local event = {'e', id, etype, json, at}
  for i = first, #ARGV do
    redis.call('ZADD', P .. 'q:' .. ARGV[i], id, id)
    redis.call('ZADD', P .. 'qe:' .. ARGV[i], id, id)
    redis.call('SADD', P .. 'cursors', ARGV[i])
    event[#event + 1] = ARGV[i]
  end
  tell(event)
  return id
end

-- Files a user under retention's due list, scored by when the oldest message on their queue was sent, while
-- that one is delivered; takes them off it otherwise.
local function note_due(name)
  local head = redis.call('ZRANGE', P .. 'q:' .. name, 0, 0)[1]
  local delivered = redis.call('ZSCORE', P .. 'delivered', name)
  if head and delivered and num(head) <= num(delivered) then
    redis.call('ZADD', P .. 'due', redis.call('HGET', P .. 'm:' .. head, 's') or '0', name)
  else
    redis.call('ZREM', P .. 'due', name)
  end
end
`;

export function script(name: string, access: 'reads' | 'writes', body: string): LuaScript {
  // A script that may write is refused as a whole when Redis is out of memory, never cut halfway.
  const flags = access === 'reads' ? 'no-writes,no-cluster' : 'no-cluster';
  const source = `#!lua flags=${flags}\n${helpers}\n${body}`;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** ARGV: prefix, name, user JSON. Resolves 1, or 0 writing nothing when a user or group has the name. */
export const insertUser = script(
  'insertUser',
  'writes',
  `
local name = ARGV[2]
if taken(name) then return 0 end
redis.call('HSET', P .. 'users', name, ARGV[3])
-- Broadcasts appended after this one reach the new user.
local joined = redis.call('GET', P .. 'id') or '0'
redis.call('HSET', P .. 'joined', name, joined)
redis.call('SADD', P .. 'cursors', name)
redis.call('ZADD', P .. 'floors', higher(joined, redis.call('ZSCORE', P .. 'delivered', name) or '0'), name)
tell({'u', name})
return 1
`,
);

/**
 * ARGV: prefix, name, group JSON, then optionally its event: data, at, recipients... Resolves with the event's
 * id ('0' without one), or -1 writing nothing when a user or group has the name.
 */
export const insertGroup = script(
  'insertGroup',
  'writes',
  `
local name = ARGV[2]
if taken(name) then return -1 end
redis.call('HSET', P .. 'groups', name, ARGV[3])
tell({'g', name, ARGV[3]})
if ARGV[4] == nil then return '0' end
return append_event('group', ARGV[4], ARGV[5], 6)
`,
);

/**
 * ARGV: prefix, name, expected members, members, owner, added, removed (each a comma-separated list), the
 * number of events n, n pairs of event data and at, then the recipients of all of them. Applies the change
 * only if the group still has exactly the expected members, recording when the added joined and the removed
 * left (the first event's id). Resolves with the events' ids, or -1 writing nothing.
 */
export const changeGroup = script(
  'changeGroup',
  'writes',
  `
local name = ARGV[2]
local json = redis.call('HGET', P .. 'groups', name)
if not json then return -1 end
local group = cjson.decode(json)
if table.concat(group.members, ',') ~= ARGV[3] then return -1 end
local count = tonumber(ARGV[8])
local first = 9 + 2 * count
local ids = {}
for i = 1, count do ids[i] = next_id() end
if type(group.joined) ~= 'table' then group.joined = {} end
if type(group.left) ~= 'table' then group.left = {} end
-- Positions stay strings: cjson would print a large id in exponent form.
for _, member in ipairs(split(ARGV[6])) do
  group.joined[member] = ids[1]
  group.left[member] = nil
end
for _, member in ipairs(split(ARGV[7])) do
  group.left[member] = ids[1]
  group.joined[member] = nil
end
group.members = split(ARGV[4])
group.owner = ARGV[5]
local updated = cjson.encode(group)
redis.call('HSET', P .. 'groups', name, updated)
tell({'g', name, updated})
for i = 1, count do append_event('group', ARGV[7 + 2 * i], ARGV[8 + 2 * i], first, ids[i]) end
return ids
`,
);

/** ARGV: prefix, id. Resolves with from, kind, group, text, sentAt, editedAt, deleted and conversation key, or an empty list. */
export const findMessage = script(
  'findMessage',
  'reads',
  `
local m = redis.call('HMGET', P .. 'm:' .. ARGV[2], 'f', 'k', 'g', 't', 's', 'x', 'd', 'c')
if not m[2] or m[2] == 'event' then return {} end
return {m[1], m[2], m[3] or '', m[4] or '', m[5], m[6] or '', m[7] or '', m[8] or ''}
`,
);

/**
 * ARGV: prefix, id, text, editedAt, then the event: data, at, recipients... Replaces the text and appends the
 * event. Resolves with the event's id, or -1 writing nothing for a message not
 * retained or deleted.
 */
export const editMessage = script(
  'editMessage',
  'writes',
  `
local m = changeable(ARGV[2])
if not m then return -1 end
redis.call('HSET', m, 't', ARGV[3], 'x', ARGV[4])
local id = append_event('edited', ARGV[5], ARGV[6], 7)
-- A deletion blanks the edits too: they hold texts of the message.
redis.call('SADD', P .. 'ed:' .. ARGV[2], id)
return id
`,
);

/**
 * ARGV: prefix, id, then the event: data, at, recipients... Overwrites the text (the message stays as a
 * tombstone), turns its earlier edits into deletions, and appends the event. Resolves like editMessage.
 */
export const deleteMessage = script(
  'deleteMessage',
  'writes',
  `
local m = changeable(ARGV[2])
if not m then return -1 end
redis.call('HSET', m, 't', '', 'd', '1')
redis.call('HDEL', m, 'x')
-- A tombstone stays in its conversation's history, and leaves its unread counts.
local filed = redis.call('HMGET', m, 'c', 'f')
if filed[1] then
  redis.call('ZADD', P .. 'vx:' .. filed[1], ARGV[2], ARGV[2])
  redis.call('ZREM', P .. 'o:' .. filed[1] .. ':' .. filed[2], ARGV[2])
end
for _, edit in ipairs(redis.call('SMEMBERS', P .. 'ed:' .. ARGV[2])) do
  local e = P .. 'm:' .. edit
  if redis.call('EXISTS', e) == 1 then redis.call('HSET', e, 'e', 'deleted', 't', ARGV[3]) end
end
redis.call('DEL', P .. 'ed:' .. ARGV[2])
return append_event('deleted', ARGV[3], ARGV[4], 5)
`,
);

/**
 * ARGV: prefix, reader, conversation name, upTo, then optionally the reader's event: data, at, recipients...
 * Moves the read mark forward (never back). Resolves with the event's id, or '0' without one.
 */
export const markRead = script(
  'markRead',
  'writes',
  `
redis.call('ZADD', P .. 'read:' .. ARGV[2], 'GT', ARGV[4], ARGV[3])
if ARGV[5] == nil then return '0' end
return append_event('read', ARGV[5], ARGV[6], 7)
`,
);

/** ARGV: prefix, now, token hashes... Returns those of the hashes that are unknown or expired at now. */
export const endedSessions = script(
  'endedSessions',
  'reads',
  `
local now = tonumber(ARGV[2])
local ended = {}
for i = 3, #ARGV do
  local expires = redis.call('HGET', P .. 's:' .. ARGV[i], 'e')
  if not expires or tonumber(expires) <= now then ended[#ended + 1] = ARGV[i] end
end
return ended
`,
);

/** ARGV: prefix, token hash, expiresAt, lastUsedAt. An unknown session stays unknown. */
export const touchSession = script(
  'touchSession',
  'writes',
  `
local key = P .. 's:' .. ARGV[2]
if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'e', ARGV[3], 'l', ARGV[4]) end
return 0
`,
);

/**
 * ARGV: prefix, kind, from, group ('' for none), text, sentAt, conversation key, queue limit (0: none),
 * Idempotency-Key ('' for none), how long the key is kept (ms), recipients... With a key the sender used before
 * (P ik:<sender>:<key>, which expires), resolves with {'again', id} of the message it stored, storing nothing.
 * Otherwise assigns the next id and stores the message, its place in its conversation and on every
 * recipient's queue (or in the broadcast log, which is the broadcasts' conversation), all in one step, and tells
 * every process. Resolves with the id; or, writing nothing, with {'full', names...} when recipients already have
 * `queue limit` undelivered messages (counted from the delivered positions, which lag by up to a second).
 */
export const appendMessage = script(
  'appendMessage',
  'writes',
  `
local kind, from, group, conversation, limit = ARGV[2], ARGV[3], ARGV[4], ARGV[7], tonumber(ARGV[8])
local idempotency = ''
if ARGV[9] ~= '' then idempotency = P .. 'ik:' .. from .. ':' .. ARGV[9] end
local first = 11
-- Kept as id:until:sentAt, until counted from sentAt as in the other backends; the expiry only clears it away later.
if idempotency ~= '' then
  local known = redis.call('GET', idempotency)
  if known then
    local at = string.find(known, ':', 1, true)
    local sent = string.find(known, ':', at + 1, true)
    if num(string.sub(known, at + 1, sent - 1)) > num(ARGV[6]) then
      return {'again', string.sub(known, 1, at - 1), string.sub(known, sent + 1)}
    end
  end
end
if limit > 0 then
  local full = {'full'}
  for i = first, #ARGV do
    local delivered = redis.call('ZSCORE', P .. 'delivered', ARGV[i]) or '0'
    if pending_of(ARGV[i], delivered) >= limit then full[#full + 1] = ARGV[i] end
  end
  if #full > 1 then return full end
end
local id = next_id()
if idempotency ~= '' then
  redis.call('SET', idempotency, id .. ':' .. string.format('%d', num(ARGV[6]) + num(ARGV[10])) .. ':' .. ARGV[6], 'PX', ARGV[10])
end
local recipients = #ARGV - first + 1
if kind ~= 'broadcast' and recipients == 0 then return id end
local event = {'m', id, kind, from, group, ARGV[5], ARGV[6]}
for i = first, #ARGV do event[#event + 1] = ARGV[i] end
tell(event)
local m = P .. 'm:' .. id
redis.call('HSET', m, 'f', from, 'k', kind, 't', ARGV[5], 's', ARGV[6], 'c', conversation)
if group ~= '' then redis.call('HSET', m, 'g', group) end
redis.call('ZADD', P .. 'v:' .. conversation, id, id)
redis.call('ZADD', P .. 'o:' .. conversation .. ':' .. from, id, id)
if kind == 'broadcast' then return id end
-- Queue entries still referring to the message: the last one retention removes takes the message with it.
redis.call('HSET', m, 'r', recipients)
if kind == 'direct' then
  redis.call('SADD', P .. 'peers:' .. from, ARGV[first])
  redis.call('SADD', P .. 'peers:' .. ARGV[first], from)
end
for i = first, #ARGV do
  redis.call('ZADD', P .. 'q:' .. ARGV[i], id, id)
  redis.call('SADD', P .. 'cursors', ARGV[i])
end
return id
`,
);

/**
 * ARGV: prefix, recipient, after, limit. Resolves with the recipient's pruned position, then up to `limit` rows
 * (see push_row): their queue merged by id with the broadcasts after the position they registered at, less
 * their own.
 */
export const readQueue = script(
  'readQueue',
  'reads',
  `
local name, after, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
if redis.call('SISMEMBER', P .. 'cursors', name) == 0 then return {'0'} end
local joined = joined_of(name)
local out = {pruned_of(name, joined)}
local queued = walk(P .. 'q:' .. name, '(' .. after, limit)
local logged = walk(P .. 'v:b', '(' .. higher(after, joined), limit, function(id) return sender(id) ~= name end)
local i, j = 1, 1
for _ = 1, limit do
  local a, b = queued[i], logged[j]
  if a == nil and b == nil then break end
  if b == nil or (a ~= nil and num(a) < num(b)) then
    push_row(out, a)
    i = i + 1
  else
    push_row(out, b)
    j = j + 1
  end
end
return out
`,
);

/**
 * ARGV: prefix, recipient, id. Resolves 1 when the id is a position this store gave the recipient (a retained
 * message they read, or one at or below their pruned position), 0 otherwise.
 */
export const knowsPosition = script(
  'knowsPosition',
  'reads',
  `
local name, id = ARGV[2], ARGV[3]
if redis.call('SISMEMBER', P .. 'cursors', name) == 0 then return 0 end
local joined = joined_of(name)
if num(id) <= num(pruned_of(name, joined)) then return 1 end
if redis.call('ZSCORE', P .. 'q:' .. name, id) then return 1 end
if num(id) > num(joined) and redis.call('ZSCORE', P .. 'v:b', id) and sender(id) ~= name then return 1 end
return 0
`,
);

/** ARGV: prefix, names... Resolves with delivered, pruned and pending for each name, in order. */
export const readCursors = script(
  'readCursors',
  'reads',
  `
local out = {}
for i = 2, #ARGV do
  local name = ARGV[i]
  local delivered = redis.call('ZSCORE', P .. 'delivered', name) or '0'
  out[#out + 1] = delivered
  out[#out + 1] = pruned_of(name, joined_of(name))
  out[#out + 1] = pending_of(name, delivered)
end
return out
`,
);

/**
 * ARGV: prefix, conversation key, before, limit, reader, '1' for the broadcasts, the group window's lower end. Resolves with up to `limit`
 * rows, newest first; of the broadcasts, those appended after the reader registered, which include every one
 * they sent.
 */
export const readConversation = script(
  'readConversation',
  'reads',
  `
local key, before, limit, reader = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
-- Above the reader's window in a group (when they joined), or for the broadcasts the position they registered at.
local floor = '(' .. (ARGV[7] or '0')
if ARGV[6] == '1' then floor = '(' .. joined_of(reader) end
local out = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'v:' .. key, '(' .. before, floor, 'BYSCORE', 'REV', 'LIMIT', 0, limit)) do
  push_row(out, id)
end
return out
`,
);

/**
 * ARGV: prefix, conversation key, reader, the conversation's name, '1' for the broadcasts, the group window
 * (after, through). Resolves with
 * {readId, unread}: three counts by position, whatever the number of unread messages: the conversation, less
 * its tombstones, less the reader's own.
 */
export const summarize = script(
  'summarize',
  'reads',
  `
local key, reader = ARGV[2], ARGV[3]
local read = redis.call('ZSCORE', P .. 'read:' .. reader, ARGV[4]) or '0'
local floor = higher(read, ARGV[6] or '0')
if ARGV[5] == '1' then floor = higher(read, joined_of(reader)) end
local through = ARGV[7] or '+inf'
local all = redis.call('ZCOUNT', P .. 'v:' .. key, '(' .. floor, through)
local deleted = redis.call('ZCOUNT', P .. 'vx:' .. key, '(' .. floor, through)
local own = redis.call('ZCOUNT', P .. 'o:' .. key .. ':' .. reader, '(' .. floor, through)
return {read, all - deleted - own}
`,
);

/** ARGV: prefix, then name and id pairs. Moves each delivered position forward, never back. */
export const markDelivered = script(
  'markDelivered',
  'writes',
  `
for i = 2, #ARGV, 2 do
  local name, id = ARGV[i], ARGV[i + 1]
  redis.call('SADD', P .. 'cursors', name)
  redis.call('ZADD', P .. 'delivered', 'GT', id, name)
  redis.call('ZADD', P .. 'floors', 'XX', 'GT', id, name)
  note_due(name)
end
return 0
`,
);

/**
 * ARGV: prefix, olderThan, batch. Removes up to `batch` delivered queue entries sent before `olderThan`, oldest
 * first, user by user from the due list, raising each user's pruned position. Resolves with how many went.
 */
export const pruneQueues = script(
  'pruneQueues',
  'writes',
  `
local older, batch = ARGV[2], tonumber(ARGV[3])
local removed = 0
while removed < batch do
  local name = redis.call('ZRANGE', P .. 'due', '-inf', '(' .. older, 'BYSCORE', 'LIMIT', 0, 1)[1]
  if not name then break end
  local q = P .. 'q:' .. name
  local delivered = redis.call('ZSCORE', P .. 'delivered', name) or '0'
  local through
  for _, id in ipairs(redis.call('ZRANGE', q, '-inf', delivered, 'BYSCORE', 'LIMIT', 0, batch - removed)) do
    local m = P .. 'm:' .. id
    if num(redis.call('HGET', m, 's')) >= num(older) then break end
    through = id
    removed = removed + 1
    if redis.call('HINCRBY', m, 'r', -1) <= 0 then forget(id) end
  end
  if through then
    redis.call('ZREMRANGEBYSCORE', q, '-inf', through)
    redis.call('ZREMRANGEBYSCORE', P .. 'qe:' .. name, '-inf', through)
    redis.call('ZADD', P .. 'pruned', 'GT', through, name)
  end
  -- Its new head: due again, later, or not at all. Either way this user is not picked again for the same head.
  note_due(name)
end
return removed
`,
);

/**
 * ARGV: prefix, room. Resolves with the number of floors (0 to 2), the two lowest user floors as name and
 * floor, then the oldest `room` broadcasts as id, from and sentAt.
 */
export const broadcastCandidates = script(
  'broadcastCandidates',
  'reads',
  `
local floors = redis.call('ZRANGE', P .. 'floors', 0, 1, 'WITHSCORES')
local out = {#floors / 2}
for _, v in ipairs(floors) do out[#out + 1] = v end
for _, id in ipairs(redis.call('ZRANGE', P .. 'v:b', 0, tonumber(ARGV[2]) - 1)) do
  local m = redis.call('HMGET', P .. 'm:' .. id, 'f', 's')
  out[#out + 1] = id
  out[#out + 1] = m[1] or ''
  out[#out + 1] = m[2] or '0'
end
return out
`,
);

/** ARGV: prefix, through. Removes the broadcasts up to `through` and records how far; resolves with how many went. */
export const forgetBroadcasts = script(
  'forgetBroadcasts',
  'writes',
  `
local through = ARGV[2]
local ids = redis.call('ZRANGE', P .. 'v:b', '-inf', through, 'BYSCORE')
for _, id in ipairs(ids) do forget(id) end
if num(through) > num(redis.call('GET', P .. 'bpruned')) then redis.call('SET', P .. 'bpruned', through) end
return #ids
`,
);


/**
 * ARGV: prefix, token hash, user, created, expires, last used, then the user agent if there is one. Files the
 * session under its user too, for listing and revoking a user's sessions.
 */
export const insertSession = script(
  'insertSession',
  'writes',
  `
local key = P .. 's:' .. ARGV[2]
redis.call('DEL', key)
redis.call('HSET', key, 'u', ARGV[3], 'c', ARGV[4], 'e', ARGV[5], 'l', ARGV[6])
if ARGV[7] then redis.call('HSET', key, 'a', ARGV[7]) end
redis.call('SADD', P .. 'us:' .. ARGV[3], ARGV[2])
return 1
`,
);

/** ARGV: prefix, token hash, why it ended (exit or revoked: what its streams are told on every process). */
export const deleteSession = script(
  'deleteSession',
  'writes',
  `
local user = redis.call('HGET', P .. 's:' .. ARGV[2], 'u')
redis.call('DEL', P .. 's:' .. ARGV[2])
if user then
  redis.call('SREM', P .. 'us:' .. user, ARGV[2])
  tell({'x', user, ARGV[2], ARGV[3]})
end
return 1
`,
);

/** ARGV: prefix, user. Resolves with how many sessions went. */
export const deleteSessionsOf = script(
  'deleteSessionsOf',
  'writes',
  `
local tokens = redis.call('SMEMBERS', P .. 'us:' .. ARGV[2])
for _, token in ipairs(tokens) do redis.call('DEL', P .. 's:' .. token) end
redis.call('DEL', P .. 'us:' .. ARGV[2])
tell({'X', ARGV[2]})
return #tokens
`,
);

/** ARGV: prefix, name, password hash. Resolves 1, or 0 for an unknown user. */
export const setPasswordHash = script(
  'setPasswordHash',
  'writes',
  `
local json = redis.call('HGET', P .. 'users', ARGV[2])
if not json then return 0 end
local user = cjson.decode(json)
user.passwordHash = ARGV[3]
redis.call('HSET', P .. 'users', ARGV[2], cjson.encode(user))
return 1
`,
);

/**
 * ARGV: prefix, name. Deletes a user: account, sessions, queue (a text only they held goes with it), positions,
 * peers, their direct conversations' history and read marks, and their place in every group (a group left empty
 * goes). Resolves 1, or 0 if unknown.
 */
export const deleteUser = script(
  'deleteUser',
  'writes',
  `
local name = ARGV[2]
if redis.call('HDEL', P .. 'users', name) == 0 then return 0 end
for _, token in ipairs(redis.call('SMEMBERS', P .. 'us:' .. name)) do redis.call('DEL', P .. 's:' .. token) end
for _, id in ipairs(redis.call('ZRANGE', P .. 'q:' .. name, 0, -1)) do
  if redis.call('HINCRBY', P .. 'm:' .. id, 'r', -1) <= 0 then forget(id) end
end
for _, peer in ipairs(redis.call('SMEMBERS', P .. 'peers:' .. name)) do
  redis.call('SREM', P .. 'peers:' .. peer, name)
  redis.call('ZREM', P .. 'read:' .. peer, name)
  -- The conversation leaves history; its messages stay on the queues that hold them.
  local c = 'd:' .. name .. ':' .. peer
  if peer < name then c = 'd:' .. peer .. ':' .. name end
  redis.call('DEL', P .. 'v:' .. c, P .. 'vx:' .. c, P .. 'o:' .. c .. ':' .. name, P .. 'o:' .. c .. ':' .. peer)
end
redis.call('DEL', P .. 'us:' .. name, P .. 'q:' .. name, P .. 'qe:' .. name, P .. 'peers:' .. name, P .. 'read:' .. name)
for _, set in ipairs({ 'delivered', 'pruned', 'floors', 'due' }) do redis.call('ZREM', P .. set, name) end
redis.call('HDEL', P .. 'joined', name)
redis.call('SREM', P .. 'cursors', name)
tell({'X', name})
local groups = redis.call('HGETALL', P .. 'groups')
for i = 1, #groups, 2 do
  local group = cjson.decode(groups[i + 1])
  local members, found = {}, false
  for _, member in ipairs(group.members) do
    if member == name then found = true else members[#members + 1] = member end
  end
  if found and #members == 0 then
    redis.call('HDEL', P .. 'groups', groups[i])
  elseif found then
    group.members = members
    redis.call('HSET', P .. 'groups', groups[i], cjson.encode(group))
  end
end
tell({'d', name})
return 1
`,
);

export const allScripts: readonly LuaScript[] = [
  insertUser,
  insertGroup,
  changeGroup,
  findMessage,
  editMessage,
  deleteMessage,
  markRead,
  touchSession,
  endedSessions,
  appendMessage,
  knowsPosition,
  readQueue,
  readCursors,
  readConversation,
  summarize,
  markDelivered,
  pruneQueues,
  broadcastCandidates,
  forgetBroadcasts,
  insertSession,
  deleteSession,
  deleteSessionsOf,
  setPasswordHash,
  deleteUser,
];
