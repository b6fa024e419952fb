#!lua flags=no-cluster
-- Deletes a user: account, sessions, queue (a text only they held goes with it), positions, peers, their direct
-- conversations' history and read marks, their incoming hooks, their webhook (a bot's) with its lease, every block
-- they made or are the object of, their notification levels, quiet time and push subscriptions (with their
-- leases), and their place in every group (a group left empty goes).
-- Returns 1, or 0 for an unknown user.
local name = ARGV[2]

if redis.call('HDEL', P .. 'users', name) == 0 then return 0 end
for _, token in ipairs(redis.call('SMEMBERS', P .. 'us:' .. name)) do redis.call('DEL', P .. 's:' .. token) end
-- Every subscription its sessions made is the user's (one moved to another user went to that user's session).
for _, id in ipairs(redis.call('ZRANGE', P .. 'psu:' .. name, 0, -1)) do drop_subscription(id) end
redis.call('DEL', P .. 'nl:' .. name)
redis.call('HDEL', P .. 'quiet', name)
for _, id in ipairs(redis.call('ZRANGE', P .. 'q:' .. name, 0, -1)) do
  if redis.call('HINCRBY', P .. 'm:' .. id, 'r', -1) <= 0 then forget(id) end
end
for _, peer in ipairs(redis.call('SMEMBERS', P .. 'peers:' .. name)) do
  redis.call('SREM', P .. 'peers:' .. peer, name)
  redis.call('ZREM', P .. 'read:' .. peer, name)
  -- The conversation leaves history; its messages stay on the queues that hold them.
  local c = 'd:' .. name .. ':' .. peer
  if peer < name then c = 'd:' .. peer .. ':' .. name end
  redis.call('DEL', P .. 'v:' .. c, P .. 'vx:' .. c, P .. 'o:' .. c .. ':' .. name, P .. 'o:' .. c .. ':' .. peer)
end
redis.call('DEL', P .. 'us:' .. name, P .. 'q:' .. name, P .. 'qe:' .. name,
  P .. 'peers:' .. name, P .. 'read:' .. name)
for _, set in ipairs({ 'delivered', 'pruned', 'floors', 'due' }) do redis.call('ZREM', P .. set, name) end
redis.call('HDEL', P .. 'joined', name)
for _, id in ipairs(redis.call('ZRANGE', P .. 'ho:' .. name, 0, -1)) do redis.call('DEL', P .. 'h:' .. id) end
redis.call('DEL', P .. 'ho:' .. name, P .. 'w:' .. name, P .. 'wl:' .. name)
redis.call('SREM', P .. 'webhooks', name)
redis.call('SREM', P .. 'cursors', name)
for _, blocked in ipairs(redis.call('SMEMBERS', P .. 'bl:' .. name)) do
  redis.call('SREM', P .. 'blb:' .. blocked, name)
end
for _, blocker in ipairs(redis.call('SMEMBERS', P .. 'blb:' .. name)) do
  local theirs = P .. 'bl:' .. blocker
  redis.call('SREM', theirs, name)
  if redis.call('EXISTS', theirs) == 0 then redis.call('SREM', P .. 'blockers', blocker) end
end
redis.call('DEL', P .. 'bl:' .. name, P .. 'blb:' .. name)
redis.call('SREM', P .. 'blockers', name)
tell({'X', name})
local groups = redis.call('HGETALL', P .. 'groups')
for i = 1, #groups, 2 do
  local group = cjson.decode(groups[i + 1])
  local members, found = {}, false
  for _, member in ipairs(group.members) do
    if member == name then found = true else members[#members + 1] = member end
  end
  if found and #members == 0 then
    redis.call('HDEL', P .. 'groups', groups[i])
  elseif found then
    group.members = members
    redis.call('HSET', P .. 'groups', groups[i], cjson.encode(group))
  end
end
tell({'d', name})
return 1
