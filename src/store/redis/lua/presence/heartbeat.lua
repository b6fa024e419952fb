#!lua flags=no-cluster
-- Records that a process is alive, and takes every process silent for longer than `silence` for dead.
-- Returns 1 when this process was not on the books (new, or taken for dead while it could not reach Redis), so
-- that it restores its streams, else 0.
local pid, silence = ARGV[2], tonumber(ARGV[3]) -- silence: ms

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local new = redis.call('ZADD', P .. 'procs', string.format('%d', now), pid)
local silent = redis.call('ZRANGE', P .. 'procs', '-inf', '(' .. string.format('%d', now - silence), 'BYSCORE')
for _, gone in ipairs(silent) do forget_process(gone) end
return new
