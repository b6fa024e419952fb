#!lua flags=no-cluster
-- Gives up the lease on delivering to a device (kind and keys as in lease-device.lua), if holder holds it, so
-- that another process takes over at once.
-- Returns 1.
local kind, id, holder = ARGV[2], ARGV[3], ARGV[4] -- kind: 'w' or 'ps'

local lease = P .. kind .. 'l:' .. id
if redis.call('GET', lease) == holder then redis.call('DEL', lease) end
return 1
