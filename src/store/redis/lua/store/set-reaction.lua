#!lua flags=no-cluster
-- Adds (on '1') or takes back a user's emoji reaction on a message, and appends its `reaction` event. P re:<id>
-- holds the emoji on the message, P rx:<id>:<emoji> the users who react with it, scored by the id of the event
-- that recorded each (the oldest orders the emoji).
-- Returns the event's id; or, writing nothing, -1 for a message not retained, an event or deleted, -2 when the
-- reaction was already as asked, -3 for an emoji new to a message that has `max` of them already.
local id, emoji, user, on, max = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local event_data, event_at = ARGV[7], ARGV[8]
local first_recipient = 9 -- ARGV[9] and on: the event's recipients

if not changeable(id) then return -1 end
local emojis, users = P .. 're:' .. id, P .. 'rx:' .. id .. ':' .. emoji
local reacted = redis.call('ZSCORE', users, user) ~= false
if reacted == (on == '1') then return -2 end
if on == '1' then
  if redis.call('SISMEMBER', emojis, emoji) == 0 and redis.call('SCARD', emojis) >= max then return -3 end
  local event_id = next_id()
  redis.call('ZADD', users, event_id, user)
  redis.call('SADD', emojis, emoji)
  return append_event('reaction', event_data, event_at, first_recipient, event_id)
end
redis.call('ZREM', users, user)
if redis.call('EXISTS', users) == 0 then redis.call('SREM', emojis, emoji) end
return append_event('reaction', event_data, event_at, first_recipient)
