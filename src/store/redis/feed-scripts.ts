import { script, type LuaScript } from './lua-scripts.js';

/**
 * The scripts of the cluster state (src/store/redis/redis-cluster.ts), beside the store's:
 *
 *   P procs        sorted set, process id -> when it was last heard from (Redis's clock, ms)
 *   P sc:<process> hash, user -> streams that process has open for them
 *
 * A user is online while any process in `procs` counts a stream of theirs. Every change of that is told as a
 * presence event, once, by the script that makes it.
 */
const common = `
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
`;

const clusterScript = (name: string, access: 'reads' | 'writes', body: string): LuaScript => script(name, access, `${common}\n${body}`);

/** ARGV: prefix, process, user, limit. Resolves 1 having counted the stream, or 0 when the user is at the limit. */
export const openStream = clusterScript(
  'openStream',
  'writes',
  `
local pid, name, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local open = num(redis.call('HGET', P .. 'sc:' .. pid, name)) + streams_elsewhere(name, pid)
if open >= limit then return 0 end
redis.call('HINCRBY', P .. 'sc:' .. pid, name, 1)
if open == 0 then tell({'p', name, '1'}) end
return 1
`,
);

/** ARGV: prefix, process, user. */
export const closeStream = clusterScript(
  'closeStream',
  'writes',
  `
local pid, name = ARGV[2], ARGV[3]
local key = P .. 'sc:' .. pid
if redis.call('HINCRBY', key, name, -1) > 0 then return 0 end
redis.call('HDEL', key, name)
if streams_elsewhere(name, pid) == 0 then tell({'p', name, '0'}) end
return 0
`,
);

/**
 * ARGV: prefix, process, then user and count pairs: every stream the process holds. Replaces what Redis counted
 * for it (after an outage, or after others took it for dead), telling the presence changes that makes.
 */
export const restoreStreams = clusterScript(
  'restoreStreams',
  'writes',
  `
local pid = ARGV[2]
local key = P .. 'sc:' .. pid
local before, now = {}, {}
for _, name in ipairs(redis.call('HKEYS', key)) do before[name] = true end
redis.call('DEL', key)
for i = 3, #ARGV, 2 do
  local name = ARGV[i]
  now[name] = true
  redis.call('HSET', key, name, ARGV[i + 1])
  if not before[name] and streams_elsewhere(name, pid) == 0 then tell({'p', name, '1'}) end
end
for name in pairs(before) do
  if not now[name] and streams_elsewhere(name, pid) == 0 then tell({'p', name, '0'}) end
end
return 0
`,
);

/**
 * ARGV: prefix, process, silence (ms). Records that the process is alive, and takes every process silent for
 * longer than `silence` for dead. Resolves with 1 when this process was not on the books (new, or taken for dead
 * while it could not reach Redis), so that it restores its streams, else 0.
 */
export const heartbeat = clusterScript(
  'heartbeat',
  'writes',
  `
local pid = ARGV[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local new = redis.call('ZADD', P .. 'procs', string.format('%d', now), pid)
for _, gone in ipairs(redis.call('ZRANGE', P .. 'procs', '-inf', '(' .. string.format('%d', now - tonumber(ARGV[3])), 'BYSCORE')) do
  forget_process(gone)
end
return new
`,
);

/** ARGV: prefix, process. A process that stops takes itself off the books. */
export const leave = clusterScript(
  'leave',
  'writes',
  `
forget_process(ARGV[2])
return 0
`,
);

/** ARGV: prefix. Resolves with every user with a stream on a live process. */
export const onlineUsers = clusterScript(
  'onlineUsers',
  'reads',
  `
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
`,
);

export const clusterScripts: readonly LuaScript[] = [openStream, closeStream, restoreStreams, heartbeat, leave, onlineUsers];
