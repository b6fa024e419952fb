#!lua flags=no-writes,no-cluster
-- Tells whether an id is a position this store gave the recipient: a retained message they read or sent, or one
-- at or below their pruned position.
-- Returns 1 if so, 0 otherwise.
local name, id = ARGV[2], ARGV[3]

if redis.call('SISMEMBER', P .. 'cursors', name) == 0 then return 0 end
local joined = joined_of(name)
if num(id) <= num(pruned_of(name, joined)) then return 1 end
if redis.call('ZSCORE', P .. 'q:' .. name, id) then return 1 end
if sender(id) == name then return 1 end
if num(id) > num(joined) and redis.call('ZSCORE', P .. 'v:b', id) then return 1 end
return 0
