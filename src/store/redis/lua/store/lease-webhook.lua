#!lua flags=no-cluster
-- Takes the lease on posting a bot's events (P wl:<bot>: the holder, expiring), or renews it for its holder.
-- The ttl runs on Redis's clock, which every process shares, so that their own clocks need not agree.
-- Returns 1, or 0 writing nothing while another holder's lease runs or when the bot has no webhook.
local bot, holder, ttl_ms = ARGV[2], ARGV[3], ARGV[4]

if redis.call('EXISTS', P .. 'w:' .. bot) == 0 then return 0 end
local lease = P .. 'wl:' .. bot
local current = redis.call('GET', lease)
if current and current ~= holder then return 0 end
redis.call('SET', lease, holder, 'PX', ttl_ms)
return 1
