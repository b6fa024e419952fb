#!lua flags=no-cluster
-- Stores an invite (P i:<code>, a hash, none of its uses taken) and lists it by when made (P invites, codes
-- scored by creation). Codes are random: one already stored is a bug, and the new invite replaces it.
-- Returns 1.
local code, created_by, created_at, uses = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local expires_at = ARGV[6] -- '' when it never expires
local note = ARGV[7] -- nil for none

local key = P .. 'i:' .. code
redis.call('DEL', key)
redis.call('HSET', key, 'b', created_by, 'c', created_at, 'u', uses, 'n', 0)
if expires_at ~= '' then redis.call('HSET', key, 'x', expires_at) end
if note then redis.call('HSET', key, 'l', note) end
redis.call('ZADD', P .. 'invites', created_at, code)
return 1
