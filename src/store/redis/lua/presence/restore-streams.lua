#!lua flags=no-cluster
-- Replaces what Redis counted for a process with every stream it holds (after an outage, or after others took
-- it for dead), telling the presence changes that makes.
-- Returns 0.
local pid = ARGV[2]
local first_pair = 3 -- ARGV[3] and on: pairs of user and count

local key = P .. 'sc:' .. pid
local before, now = {}, {}
for _, name in ipairs(redis.call('HKEYS', key)) do before[name] = true end
redis.call('DEL', key)
for i = first_pair, #ARGV, 2 do
  local name, count = ARGV[i], ARGV[i + 1]
  now[name] = true
  redis.call('HSET', key, name, count)
  if not before[name] and streams_elsewhere(name, pid) == 0 then tell({'p', name, '1'}) end
end
for name in pairs(before) do
  if not now[name] and streams_elsewhere(name, pid) == 0 then tell({'p', name, '0'}) end
end
return 0
