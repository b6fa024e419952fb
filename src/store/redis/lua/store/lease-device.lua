#!lua flags=no-cluster
-- Takes the lease on delivering to a device that is not a stream, or renews it for its holder: a bot's webhook
-- (kind 'w': P w:<bot>, its lease P wl:<bot>) or a push subscription (kind 'ps': P ps:<id>, its lease P psl:<id>).
-- The lease is the holder, expiring; the ttl runs on Redis's clock, which every process shares, so that their own
-- clocks need not agree.
-- Returns 1, or 0 writing nothing while another holder's lease runs or when the device is not stored.
local kind, id, holder, ttl_ms = ARGV[2], ARGV[3], ARGV[4], ARGV[5] -- kind: 'w' or 'ps'

if redis.call('EXISTS', P .. kind .. ':' .. id) == 0 then return 0 end
local lease = P .. kind .. 'l:' .. id
local current = redis.call('GET', lease)
if current and current ~= holder then return 0 end
redis.call('SET', lease, holder, 'PX', ttl_ms)
return 1
