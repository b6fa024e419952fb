#!lua flags=no-writes,no-cluster
-- Reads what decides which broadcasts retention may remove: the lowest user floors and the oldest broadcasts.
-- Returns the number of floors (0 to 2), the two lowest user floors as name and floor, then the oldest `room`
-- broadcasts as id, from and sentAt.
local room = tonumber(ARGV[2])

local floors = redis.call('ZRANGE', P .. 'floors', 0, 1, 'WITHSCORES')
local out = {#floors / 2}
for _, v in ipairs(floors) do out[#out + 1] = v end
for _, id in ipairs(redis.call('ZRANGE', P .. 'v:b', 0, room - 1)) do
  local m = redis.call('HMGET', P .. 'm:' .. id, 'f', 's')
  out[#out + 1] = id
  out[#out + 1] = m[1] or ''
  out[#out + 1] = m[2] or '0'
end
return out
