#!lua flags=no-writes,no-cluster
-- Reads every block at once.
-- Returns blocker, blocked, blocker, blocked... (no order).

local out = {}
for _, blocker in ipairs(redis.call('SMEMBERS', P .. 'blockers')) do
  for _, blocked in ipairs(redis.call('SMEMBERS', P .. 'bl:' .. blocker)) do
    out[#out + 1] = blocker
    out[#out + 1] = blocked
  end
end
return out
