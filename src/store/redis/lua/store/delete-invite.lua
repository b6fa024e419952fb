#!lua flags=no-cluster
-- Deletes an invite, and takes it out of the list of invites.
-- Returns 1, or 0 for an unknown code.
local code = ARGV[2]

redis.call('ZREM', P .. 'invites', code)
return redis.call('DEL', P .. 'i:' .. code)
