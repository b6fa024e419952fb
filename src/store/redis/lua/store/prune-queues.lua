#!lua flags=no-cluster
-- Removes up to `batch` delivered queue entries sent before `older`, oldest first, user by user from the due
-- list, raising each user's pruned position.
-- Returns how many went.
local older, batch = ARGV[2], tonumber(ARGV[3])

local removed = 0
while removed < batch do
  local name = redis.call('ZRANGE', P .. 'due', '-inf', '(' .. older, 'BYSCORE', 'LIMIT', 0, 1)[1]
  if not name then break end
  local q = P .. 'q:' .. name
  local delivered = redis.call('ZSCORE', P .. 'delivered', name) or '0'
  local through
  for _, id in ipairs(redis.call('ZRANGE', q, '-inf', delivered, 'BYSCORE', 'LIMIT', 0, batch - removed)) do
    local m = P .. 'm:' .. id
    if num(redis.call('HGET', m, 's')) >= num(older) then break end
    through = id
    removed = removed + 1
    if redis.call('HINCRBY', m, 'r', -1) <= 0 then forget(id) end
  end
  if through then
    redis.call('ZREMRANGEBYSCORE', q, '-inf', through)
    redis.call('ZREMRANGEBYSCORE', P .. 'qe:' .. name, '-inf', through)
    redis.call('ZADD', P .. 'pruned', 'GT', through, name)
  end
  -- Its new head: due again, later, or not at all. Either way this user is not picked again for the same head.
  note_due(name)
end
return removed
