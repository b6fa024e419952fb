#!lua flags=no-cluster
-- Deletes a message: overwrites its text (the message stays as a tombstone), turns its earlier edits into
-- deletions, blanks the quotes of the replies to it, removes its reactions and its own quote of what it answered,
-- and appends the deletion's event.
-- Returns the event's id, or -1 writing nothing for a message not retained or already deleted.
local id = ARGV[2]
local event_data, event_at = ARGV[3], ARGV[4]
local first_recipient = 5 -- ARGV[5] and on: the event's recipients

local m = changeable(id)
if not m then return -1 end
redis.call('HSET', m, 't', '', 'd', '1')
unfile_reply(id, redis.call('HGET', m, 'ri'))
redis.call('HDEL', m, 'x', 'z', 'ri', 'rf', 'rt')
-- A tombstone stays in its conversation's history, and leaves its unread counts.
local filed = redis.call('HMGET', m, 'c', 'f')
if filed[1] then
  redis.call('ZADD', P .. 'vx:' .. filed[1], id, id)
  redis.call('ZREM', P .. 'o:' .. filed[1] .. ':' .. filed[2], id)
end
for _, edit in ipairs(redis.call('SMEMBERS', P .. 'ed:' .. id)) do
  local e = P .. 'm:' .. edit
  if redis.call('EXISTS', e) == 1 then redis.call('HSET', e, 'e', 'deleted', 't', event_data) end
end
redis.call('DEL', P .. 'ed:' .. id)
-- A quote without its text ('rt') is one of a deleted message.
for _, reply in ipairs(redis.call('SMEMBERS', P .. 'rp:' .. id)) do redis.call('HDEL', P .. 'm:' .. reply, 'rt') end
redis.call('DEL', P .. 'rp:' .. id)
drop_reactions(id)
return append_event('deleted', event_data, event_at, first_recipient)
