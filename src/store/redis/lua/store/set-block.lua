#!lua flags=no-cluster
-- Blocks (on '1') or unblocks a user, and appends the blocker's `blocks` event. P bl:<blocker> holds whom they
-- block, P blb:<blocked> who blocks them (a deleted user's blocks go both ways), P blockers who blocks anyone.
-- Returns the event's id, or -1 writing nothing when the block was already as asked.
local blocker, blocked, on = ARGV[2], ARGV[3], ARGV[4]
local event_data, event_at = ARGV[5], ARGV[6]
local first_recipient = 7 -- ARGV[7] and on: the event's recipients

local mine = P .. 'bl:' .. blocker
if on == '1' then
  if redis.call('SADD', mine, blocked) == 0 then return -1 end
  redis.call('SADD', P .. 'blb:' .. blocked, blocker)
  redis.call('SADD', P .. 'blockers', blocker)
else
  if redis.call('SREM', mine, blocked) == 0 then return -1 end
  redis.call('SREM', P .. 'blb:' .. blocked, blocker)
  if redis.call('EXISTS', mine) == 0 then redis.call('SREM', P .. 'blockers', blocker) end
end
return append_event('blocks', event_data, event_at, first_recipient)
