#!lua flags=no-writes,no-cluster
-- Reads the reactions on messages as one reader sees them: each emoji with how many react with it and whether
-- the reader does, in the order of its oldest reaction (the lowest score of its P rx:<id>:<emoji>).
-- Returns for each message that has any: its id, how many emoji, then emoji, count, '1' or '0' for each.
local reader = ARGV[2]
local first_message = 3 -- ARGV[3] and on: the messages' ids

local out = {}
for i = first_message, #ARGV do
  local id = ARGV[i]
  local found = {}
  for _, emoji in ipairs(redis.call('SMEMBERS', P .. 're:' .. id)) do
    local users = P .. 'rx:' .. id .. ':' .. emoji
    local oldest = redis.call('ZRANGE', users, 0, 0, 'WITHSCORES')
    local me = '0'
    if redis.call('ZSCORE', users, reader) then me = '1' end
    found[#found + 1] = { emoji = emoji, since = num(oldest[2]), count = redis.call('ZCARD', users), me = me }
  end
  if #found > 0 then
    table.sort(found, function(a, b) return a.since < b.since end)
    out[#out + 1] = id
    out[#out + 1] = #found
    for _, r in ipairs(found) do
      out[#out + 1] = r.emoji
      out[#out + 1] = r.count
      out[#out + 1] = r.me
    end
  end
end
return out
