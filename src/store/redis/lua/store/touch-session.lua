#!lua flags=no-cluster
-- Records when a session expires and was last used; an unknown session stays unknown.
-- Returns 0.
local token_hash, expires_at, last_used_at = ARGV[2], ARGV[3], ARGV[4]

local key = P .. 's:' .. token_hash
if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'e', expires_at, 'l', last_used_at) end
return 0
