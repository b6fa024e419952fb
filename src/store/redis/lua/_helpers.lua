-- Prepended to every script, right after its first line, by src/store/redis/load-scripts.ts: Redis scripts
-- cannot require one another, so what they share is in scope by being part of each. A folder's own _*.lua
-- files follow this one in the scripts of that folder.
--
-- ARGV[1] is always the key prefix, P below; each script names the rest of its ARGV at its top. The keys under
-- P (see src/store/redis/redis-store.ts) are built inside the scripts and none is passed in KEYS, since a
-- message's keys depend on the id the script assigns and on its recipients. That is fine on one Redis (with or
-- without replicas) and impossible on Redis Cluster, which every script's `no-cluster` flag makes explicit.
--
-- Each script's first line declares its flags: with them, Redis refuses a script that may write as a whole when
-- it is out of memory, never cuts it halfway; `no-writes` marks those that only read.
--
-- Positions and scores stay strings where they are passed back to Redis: Lua prints a number of more than 14
-- digits as `1e+15`.
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

-- Appends a message as fourteen fields: id, from, kind, group ('' for none), text, sentAt, editedAt ('' for
-- none), deleted ('1' or ''), bot ('1' or ''), display name (false, a nil reply, for none: '' is a name),
-- mentions (a JSON list, '' for none), and the quote of a reply: the id it answers ('' for none), that one's
-- sender, and its quoted text (false once it was deleted). An event has kind 'event', its type in the group
-- field and its data as text.
local function push_row(out, id)
  local m = redis.call('HMGET', P .. 'm:' .. id, 'f', 'k', 'g', 't', 's', 'x', 'd', 'e', 'b', 'n', 'a', 'ri', 'rf',
    'rt')
  if not m[2] then return end
  out[#out + 1] = id
  out[#out + 1] = m[1] or ''
  out[#out + 1] = m[2]
  if m[2] == 'event' then out[#out + 1] = m[8] else out[#out + 1] = m[3] or '' end
  out[#out + 1] = m[4] or ''
  out[#out + 1] = m[5]
  out[#out + 1] = m[6] or ''
  out[#out + 1] = m[7] or ''
  out[#out + 1] = m[9] or ''
  out[#out + 1] = m[10]
  out[#out + 1] = m[11] or ''
  out[#out + 1] = m[12] or ''
  out[#out + 1] = m[13] or ''
  out[#out + 1] = m[14]
end


-- Undelivered direct and group messages of a user after a position: their queue less the events on it.
local function pending_of(name, delivered)
  local after = '(' .. delivered
  local queued = redis.call('ZCOUNT', P .. 'q:' .. name, after, '+inf')
  return queued - redis.call('ZCOUNT', P .. 'qe:' .. name, after, '+inf')
end

local function split(list)
  local out = {}
  for name in string.gmatch(list, '[^,]+') do out[#out + 1] = name end
  return out
end

-- Removes the reactions on a message: P re:<id> holds its emoji, P rx:<id>:<emoji> who reacts with each.
local function drop_reactions(id)
  local emoji = P .. 're:' .. id
  for _, e in ipairs(redis.call('SMEMBERS', emoji)) do redis.call('DEL', P .. 'rx:' .. id .. ':' .. e) end
  redis.call('DEL', emoji)
end

-- Takes a reply off the list of replies (P rp:<original>) whose quotes a deletion of its original blanks;
-- `original` is its 'ri' field, false for a message that answers none.
local function unfile_reply(id, original)
  if original then redis.call('SREM', P .. 'rp:' .. original, id) end
end

-- Removes a message (or an event) and its places in its conversation, the list of its edits, its reactions and
-- the list of its replies.
local function forget(id)
  local m = P .. 'm:' .. id
  local filed = redis.call('HMGET', m, 'c', 'f', 'ri')
  redis.call('DEL', m, P .. 'ed:' .. id, P .. 'rp:' .. id)
  drop_reactions(id)
  unfile_reply(id, filed[3])
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
-- text. Returns the id.
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

-- Removes a push subscription with its lease and its places by endpoint, user, session and among all. Returns 1,
-- or 0 for one not stored.
local function drop_subscription(id)
  local key = P .. 'ps:' .. id
  local filed = redis.call('HMGET', key, 'o', 's', 'u')
  if not filed[1] then return 0 end
  redis.call('DEL', key, P .. 'psl:' .. id)
  redis.call('HDEL', P .. 'pse', filed[3])
  redis.call('ZREM', P .. 'psu:' .. filed[1], id)
  redis.call('SREM', P .. 'pss:' .. filed[2], id)
  redis.call('SREM', P .. 'push', id)
  return 1
end

-- A session ended: the push subscriptions it made go with it.
local function drop_subscriptions_of_session(token_hash)
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'pss:' .. token_hash)) do drop_subscription(id) end
end
