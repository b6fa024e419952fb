#!lua flags=no-cluster
-- Sets a user's notification level for one conversation (P nl:<user>, a hash: conversation name -> level) and
-- appends the user's `notifications` event.
-- Returns the event's id.
local user, conversation, level = ARGV[2], ARGV[3], ARGV[4] -- level: all, mentions or none
local event_data, event_at = ARGV[5], ARGV[6]
local first_recipient = 7 -- ARGV[7] and on: the event's recipients

redis.call('HSET', P .. 'nl:' .. user, conversation, level)
return append_event('notifications', event_data, event_at, first_recipient)
