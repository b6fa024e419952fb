-- Prepended to the scripts of this folder, after ../_helpers.lua. They keep who is online across the processes
-- sharing this Redis (src/store/redis/redis-feed.ts):
--
--   P procs        sorted set, process id -> when it was last heard from (Redis's clock, ms)
--   P sc:<process> hash, user -> streams that process has open for them
--
-- A user is online while any process in `procs` counts a stream of theirs. Every change of that is told as a
-- presence event, once, by the script that makes it.

-- Streams of name on the live processes other than pid.
local function streams_elsewhere(name, pid)
  local n = 0
  for _, p in ipairs(redis.call('ZRANGE', P .. 'procs', 0, -1)) do
    if p ~= pid then n = n + num(redis.call('HGET', P .. 'sc:' .. p, name)) end
  end
  return n
end

-- Takes a process off the books; its users with no stream elsewhere go offline.
local function forget_process(pid)
  redis.call('ZREM', P .. 'procs', pid)
  local key = P .. 'sc:' .. pid
  local names = redis.call('HKEYS', key)
  redis.call('DEL', key)
  for _, name in ipairs(names) do
    if streams_elsewhere(name, pid) == 0 then tell({'p', name, '0'}) end
  end
end
