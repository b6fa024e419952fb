#!lua flags=no-cluster
-- Counts a stream of a user's that a process closed.
-- Returns 0.
local pid, name = ARGV[2], ARGV[3]

local key = P .. 'sc:' .. pid
if redis.call('HINCRBY', key, name, -1) > 0 then return 0 end
redis.call('HDEL', key, name)
if streams_elsewhere(name, pid) == 0 then tell({'p', name, '0'}) end
return 0
