#!lua flags=no-cluster
-- Sets a bot's outgoing webhook (P w:<bot>, a hash) and lists the bot (P webhooks). A new one starts after
-- from_id; one replaced keeps its position, its last success and its lease (P wl:<bot>), and forgets its errors.
-- Returns 1.
local bot, url, secret, set_at, from_id = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]

local key = P .. 'w:' .. bot
if redis.call('EXISTS', key) == 0 then redis.call('HSET', key, 'k', from_id) end
redis.call('HSET', key, 'u', url, 's', secret, 't', set_at, 'f', 0)
redis.call('HDEL', key, 'e', 'a')
redis.call('SADD', P .. 'webhooks', bot)
return 1
