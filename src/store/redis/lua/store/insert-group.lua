#!lua flags=no-cluster
-- Creates a group, unless a user or a group has the name, with its event if there is one.
-- Returns the event's id ('0' without one), or -1 writing nothing when the name is taken.
local name, group_json = ARGV[2], ARGV[3]
local event_data, event_at = ARGV[4], ARGV[5] -- nil without an event
local first_recipient = 6 -- ARGV[6] and on: the event's recipients

if taken(name) then return -1 end
redis.call('HSET', P .. 'groups', name, group_json)
tell({'g', name, group_json})
if event_data == nil then return '0' end
return append_event('group', event_data, event_at, first_recipient)
