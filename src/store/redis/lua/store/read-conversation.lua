#!lua flags=no-writes,no-cluster
-- Reads a page of a conversation's history, newest first; of the broadcasts, those appended after the reader
-- registered, which include every one they sent.
-- Returns up to `limit` rows (see push_row).
local key, before, limit, reader = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5] -- key: the conversation's
local broadcasts = ARGV[6] == '1'
local window_after = ARGV[7] -- in a group, the lower end of the reader's window

-- Above the reader's window in a group (when they joined), or for the broadcasts the position they registered at.
local floor = '(' .. (window_after or '0')
if broadcasts then floor = '(' .. joined_of(reader) end
local out = {}
local ids = redis.call('ZRANGE', P .. 'v:' .. key, '(' .. before, floor, 'BYSCORE', 'REV', 'LIMIT', 0, limit)
for _, id in ipairs(ids) do push_row(out, id) end
return out
