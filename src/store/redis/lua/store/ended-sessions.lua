#!lua flags=no-writes,no-cluster
-- Picks the sessions that have ended out of some.
-- Returns those of the token hashes that are unknown or expired at now.
local now = tonumber(ARGV[2])
local first_hash = 3 -- ARGV[3] and on: the token hashes

local ended = {}
for i = first_hash, #ARGV do
  local expires = redis.call('HGET', P .. 's:' .. ARGV[i], 'e')
  if not expires or tonumber(expires) <= now then ended[#ended + 1] = ARGV[i] end
end
return ended
