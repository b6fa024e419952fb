#!lua flags=no-cluster
-- Gives up the lease on posting a bot's events, if holder holds it, so that another process takes over at once.
-- Returns 1.
local bot, holder = ARGV[2], ARGV[3]

local lease = P .. 'wl:' .. bot
if redis.call('GET', lease) == holder then redis.call('DEL', lease) end
return 1
