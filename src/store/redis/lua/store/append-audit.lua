#!lua flags=no-cluster
-- Appends an entry to the audit list (P audit), scored by when it was done. Its member is a sequence number
-- (P auditn), zero-padded, a colon and the entry's JSON: entries of one millisecond keep the order appended, and
-- two alike stay two.
-- Returns 1.
local at, entry_json = ARGV[2], ARGV[3]

local n = redis.call('INCR', P .. 'auditn')
redis.call('ZADD', P .. 'audit', at, string.format('%015d', n) .. ':' .. entry_json)
return 1
