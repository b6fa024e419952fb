#!lua flags=no-cluster
-- Moves a reader's read mark in a conversation forward (never back), with the reader's event if there is one.
-- Returns the event's id, or '0' without one.
local reader, conversation, up_to = ARGV[2], ARGV[3], ARGV[4] -- conversation: its name
local event_data, event_at = ARGV[5], ARGV[6] -- nil without an event
local first_recipient = 7 -- ARGV[7] and on: the event's recipients

redis.call('ZADD', P .. 'read:' .. reader, 'GT', up_to, conversation)
if event_data == nil then return '0' end
return append_event('read', event_data, event_at, first_recipient)
