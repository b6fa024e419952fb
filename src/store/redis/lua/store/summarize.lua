#!lua flags=no-writes,no-cluster
-- Sums up a conversation for a reader, with three counts by position, whatever the number of unread messages:
-- the conversation, less its tombstones, less the reader's own.
-- Returns {readId, unread}.
local key, reader, name = ARGV[2], ARGV[3], ARGV[4] -- the conversation's key and name
local broadcasts = ARGV[5] == '1'
local window_after, window_through = ARGV[6], ARGV[7] -- in a group, the reader's window

local read = redis.call('ZSCORE', P .. 'read:' .. reader, name) or '0'
local floor = higher(read, window_after or '0')
if broadcasts then floor = higher(read, joined_of(reader)) end
local through = window_through or '+inf'
local all = redis.call('ZCOUNT', P .. 'v:' .. key, '(' .. floor, through)
local deleted = redis.call('ZCOUNT', P .. 'vx:' .. key, '(' .. floor, through)
local own = redis.call('ZCOUNT', P .. 'o:' .. key .. ':' .. reader, '(' .. floor, through)
return {read, all - deleted - own}
