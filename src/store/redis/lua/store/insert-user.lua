#!lua flags=no-cluster
-- Registers a user, unless a user or a group has the name.
-- Returns 1, or 0 writing nothing when the name is taken.
local name, user_json = ARGV[2], ARGV[3]

if taken(name) then return 0 end
redis.call('HSET', P .. 'users', name, user_json)
-- Broadcasts appended after this one reach the new user.
local joined = redis.call('GET', P .. 'id') or '0'
redis.call('HSET', P .. 'joined', name, joined)
redis.call('SADD', P .. 'cursors', name)
redis.call('ZADD', P .. 'floors', higher(joined, redis.call('ZSCORE', P .. 'delivered', name) or '0'), name)
tell({'u', name})
return 1
