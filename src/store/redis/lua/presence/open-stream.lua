#!lua flags=no-cluster
-- Counts a stream a process opens for a user, unless the user already has `limit` streams open.
-- Returns 1 having counted the stream, or 0 when the user is at the limit.
local pid, name, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])

local open = num(redis.call('HGET', P .. 'sc:' .. pid, name)) + streams_elsewhere(name, pid)
if open >= limit then return 0 end
redis.call('HINCRBY', P .. 'sc:' .. pid, name, 1)
if open == 0 then tell({'p', name, '1'}) end
return 1
