#!lua flags=no-cluster
-- Replaces a message's text and appends the edit's event.
-- Returns the event's id, or -1 writing nothing for a message not retained or deleted.
local id, text, edited_at = ARGV[2], ARGV[3], ARGV[4]
local folded = ARGV[5] -- the text as search compares it, as append-message takes it
local event_data, event_at = ARGV[6], ARGV[7]
local first_recipient = 8 -- ARGV[8] and on: the event's recipients

local m = changeable(id)
if not m then return -1 end
redis.call('HSET', m, 't', text, 'x', edited_at)
if folded ~= '' then redis.call('HSET', m, 'z', folded) else redis.call('HDEL', m, 'z') end
local event_id = append_event('edited', event_data, event_at, first_recipient)
-- A deletion blanks the edits too: they hold texts of the message.
redis.call('SADD', P .. 'ed:' .. id, event_id)
return event_id
