#!lua flags=no-cluster
-- Deletes a bot's outgoing webhook with its lease: whoever delivered it records nothing more.
-- Returns 1, or 0 when the bot had none.
local bot = ARGV[2]

redis.call('DEL', P .. 'wl:' .. bot)
redis.call('SREM', P .. 'webhooks', bot)
return redis.call('DEL', P .. 'w:' .. bot)
