#!lua flags=no-cluster
-- Stores an incoming hook (P h:<id>, a hash) and files it under its owner (P ho:<owner>, ids scored by when
-- made). Ids are random: one already stored is a bug, and the new hook replaces it, in its owner's list too.
-- Returns 1.
local id, owner, to, secret_hash, created_at = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local name = ARGV[7] -- nil for none

local key = P .. 'h:' .. id
local previous = redis.call('HGET', key, 'o')
if previous then redis.call('ZREM', P .. 'ho:' .. previous, id) end
redis.call('DEL', key)
redis.call('HSET', key, 'o', owner, 't', to, 's', secret_hash, 'c', created_at, 'f', 0)
if name then redis.call('HSET', key, 'n', name) end
redis.call('ZADD', P .. 'ho:' .. owner, created_at, id)
return 1
