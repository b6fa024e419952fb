#!lua flags=no-cluster
-- Sets until when a user is quiet (P quiet, a hash: user -> epoch ms; '0' removes the user from it) and appends the
-- user's `quiet` event.
-- Returns the event's id.
local user, quiet_until = ARGV[2], ARGV[3]
local event_data, event_at = ARGV[4], ARGV[5]
local first_recipient = 6 -- ARGV[6] and on: the event's recipients

if quiet_until == '0' then
  redis.call('HDEL', P .. 'quiet', user)
else
  redis.call('HSET', P .. 'quiet', user, quiet_until)
end
return append_event('quiet', event_data, event_at, first_recipient)
