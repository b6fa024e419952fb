#!lua flags=no-cluster
-- Records one post to an incoming hook: stored (failures back to 0, when last used) or refused (one more failure
-- in a row, and why). An unknown hook (deleted meanwhile) is not brought back.
-- Returns the failures in a row after it; 0 for an unknown hook.
local id, at, refused, error_text = ARGV[2], ARGV[3], ARGV[4] == '1', ARGV[5]

local key = P .. 'h:' .. id
if redis.call('EXISTS', key) == 0 then return 0 end
if not refused then
  redis.call('HSET', key, 'u', at, 'f', 0)
  redis.call('HDEL', key, 'e', 'a')
  return 0
end
redis.call('HSET', key, 'e', error_text, 'a', at)
return redis.call('HINCRBY', key, 'f', 1)
