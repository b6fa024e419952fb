#!lua flags=no-cluster
-- Gives back a use of an invite taken for a sign-up that then failed.
-- Returns 1, or 0 writing nothing for an unknown code or one with no use taken.
local code = ARGV[2]

local key = P .. 'i:' .. code
if num(redis.call('HGET', key, 'n')) <= 0 then return 0 end
redis.call('HINCRBY', key, 'n', -1)
return 1
