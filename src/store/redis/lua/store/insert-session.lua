#!lua flags=no-cluster
-- Stores a session, filed under its user too, for listing and revoking a user's sessions.
-- Returns 1.
local token_hash, user = ARGV[2], ARGV[3]
local created_at, expires_at, last_used_at = ARGV[4], ARGV[5], ARGV[6]
local user_agent = ARGV[7] -- nil for none

local key = P .. 's:' .. token_hash
redis.call('DEL', key)
redis.call('HSET', key, 'u', user, 'c', created_at, 'e', expires_at, 'l', last_used_at)
if user_agent then redis.call('HSET', key, 'a', user_agent) end
redis.call('SADD', P .. 'us:' .. user, token_hash)
return 1
