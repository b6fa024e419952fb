#!lua flags=no-writes,no-cluster
-- Reads where users' streams stand.
-- Returns delivered, pruned and pending for each name, in order.
local first_name = 2 -- ARGV[2] and on: the names

local out = {}
for i = first_name, #ARGV do
  local name = ARGV[i]
  local delivered = redis.call('ZSCORE', P .. 'delivered', name) or '0'
  out[#out + 1] = delivered
  out[#out + 1] = pruned_of(name, joined_of(name))
  out[#out + 1] = pending_of(name, delivered)
end
return out
