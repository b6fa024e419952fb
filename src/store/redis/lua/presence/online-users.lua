#!lua flags=no-writes,no-cluster
-- Lists who is online; takes no argument but the prefix.
-- Returns every user with a stream on a live process.

local out, seen = {}, {}
for _, p in ipairs(redis.call('ZRANGE', P .. 'procs', 0, -1)) do
  for _, name in ipairs(redis.call('HKEYS', P .. 'sc:' .. p)) do
    if not seen[name] then
      seen[name] = true
      out[#out + 1] = name
    end
  end
end
return out
