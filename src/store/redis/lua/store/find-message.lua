#!lua flags=no-writes,no-cluster
-- Reads a retained message; an event is not one.
-- Returns from, kind, group, text, sentAt, editedAt, deleted, conversation key, bot, display name (a nil
-- reply for none), mentions ('' for none), and the reply's quote (id, from, text) as in push_row, or an empty
-- list.
local id = ARGV[2]

local m = redis.call('HMGET', P .. 'm:' .. id, 'f', 'k', 'g', 't', 's', 'x', 'd', 'c', 'b', 'n', 'a', 'ri', 'rf',
  'rt')
if not m[2] or m[2] == 'event' then return {} end
return {m[1], m[2], m[3] or '', m[4] or '', m[5], m[6] or '', m[7] or '', m[8] or '', m[9] or '', m[10], m[11] or '',
  m[12] or '', m[13] or '', m[14]}
