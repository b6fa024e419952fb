#!lua flags=no-cluster
-- Deletes an incoming hook, and takes it out of its owner's list.
-- Returns 1, or 0 for an unknown hook.
local id = ARGV[2]

local key = P .. 'h:' .. id
local owner = redis.call('HGET', key, 'o')
if not owner then return 0 end
redis.call('DEL', key)
redis.call('ZREM', P .. 'ho:' .. owner, id)
return 1
