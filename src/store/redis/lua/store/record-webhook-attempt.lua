#!lua flags=no-cluster
-- Records an attempt at posting a bot's events, if holder still holds the lease: a success moves the position
-- up (never down) and zeroes the failures, keeping the last error for the owner to read; a failure counts one
-- more and keeps why.
-- Returns 1, or 0 writing nothing when holder does not hold the lease (it lapsed, or the webhook was deleted).
local bot, holder, at = ARGV[2], ARGV[3], ARGV[4]
local failed, acked_id, error_text = ARGV[5] == '1', ARGV[6], ARGV[7] -- acked_id: on success; error: on failure

local key = P .. 'w:' .. bot
if redis.call('GET', P .. 'wl:' .. bot) ~= holder or redis.call('EXISTS', key) == 0 then return 0 end
if failed then
  redis.call('HINCRBY', key, 'f', 1)
  redis.call('HSET', key, 'e', error_text, 'a', at)
  return 1
end
redis.call('HSET', key, 'k', higher(redis.call('HGET', key, 'k') or '0', acked_id), 'ok', at, 'f', 0)
return 1
