#!lua flags=no-cluster
-- Replaces a user's password hash.
-- Returns 1, or 0 for an unknown user.
local name, password_hash = ARGV[2], ARGV[3]

local json = redis.call('HGET', P .. 'users', name)
if not json then return 0 end
local user = cjson.decode(json)
user.passwordHash = password_hash
redis.call('HSET', P .. 'users', name, cjson.encode(user))
return 1
