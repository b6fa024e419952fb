#!lua flags=no-writes,no-cluster
-- Reads a recipient's stream: their queue merged by id with the broadcasts after the position they registered
-- at, less their own.
-- Returns the recipient's pruned position, then up to `limit` rows (see push_row).
local name, after, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])

if redis.call('SISMEMBER', P .. 'cursors', name) == 0 then return {'0'} end
local joined = joined_of(name)
local out = {pruned_of(name, joined)}
local queued = walk(P .. 'q:' .. name, '(' .. after, limit)
local logged = walk(P .. 'v:b', '(' .. higher(after, joined), limit, function(id) return sender(id) ~= name end)
local i, j = 1, 1
for _ = 1, limit do
  local a, b = queued[i], logged[j]
  if a == nil and b == nil then break end
  if b == nil or (a ~= nil and num(a) < num(b)) then
    push_row(out, a)
    i = i + 1
  else
    push_row(out, b)
    j = j + 1
  end
end
return out
