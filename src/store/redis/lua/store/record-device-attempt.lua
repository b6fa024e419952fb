#!lua flags=no-cluster
-- Records an attempt at delivering to a device (kind and keys as in lease-device.lua), if holder still holds the
-- lease: a success moves the position (k) up, never down, sets the last success (ok) and zeroes the failures (f),
-- keeping the last error for the owner to read; a failure counts one more and keeps why (e) and when (a).
-- Returns 1, or 0 writing nothing when holder does not hold the lease (it lapsed, or the device was deleted).
local kind, id, holder, at = ARGV[2], ARGV[3], ARGV[4], ARGV[5] -- kind: 'w' or 'ps'
local failed, acked_id, error_text = ARGV[6] == '1', ARGV[7], ARGV[8] -- acked_id: on success; error: on failure

local key = P .. kind .. ':' .. id
if redis.call('GET', P .. kind .. 'l:' .. id) ~= holder or redis.call('EXISTS', key) == 0 then return 0 end
if failed then
  redis.call('HINCRBY', key, 'f', 1)
  redis.call('HSET', key, 'e', error_text, 'a', at)
  return 1
end
redis.call('HSET', key, 'k', higher(redis.call('HGET', key, 'k') or '0', acked_id), 'ok', at, 'f', 0)
return 1
