#!lua flags=no-cluster
-- Sets (on '1') or clears a user's `admin` or `suspended` mark in their JSON; a cleared mark is left out.
-- Returns 1, or 0 for an unknown user.
local name, flag, on = ARGV[2], ARGV[3], ARGV[4] -- flag: 'admin' or 'suspended'

local json = redis.call('HGET', P .. 'users', name)
if not json then return 0 end
local user = cjson.decode(json)
if on == '1' then user[flag] = true else user[flag] = nil end
redis.call('HSET', P .. 'users', name, cjson.encode(user))
return 1
