#!lua flags=no-cluster
-- Removes the broadcasts up to `through` and records how far.
-- Returns how many went.
local through = ARGV[2]

local ids = redis.call('ZRANGE', P .. 'v:b', '-inf', through, 'BYSCORE')
for _, id in ipairs(ids) do forget(id) end
if num(through) > num(redis.call('GET', P .. 'bpruned')) then redis.call('SET', P .. 'bpruned', through) end
return #ids
