#!lua flags=no-cluster
-- Takes one use of an invite: counts it when one is left and the invite had not expired at `now`. Scripts run
-- one at a time, so of concurrent takes of the last use, from any number of processes, exactly one counts it.
-- Returns 'taken', or, writing nothing, 'unknown', 'expired' or 'used'.
local code, now = ARGV[2], ARGV[3]

local key = P .. 'i:' .. code
local invite = redis.call('HMGET', key, 'u', 'n', 'x')
if not invite[1] then return 'unknown' end
if invite[3] and num(invite[3]) <= num(now) then return 'expired' end
if num(invite[2]) >= num(invite[1]) then return 'used' end
redis.call('HINCRBY', key, 'n', 1)
return 'taken'
