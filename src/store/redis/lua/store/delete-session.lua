#!lua flags=no-cluster
-- Ends a session with the push subscriptions it made, and tells every process, whose streams of it are told why.
-- Returns 1.
local token_hash, reason = ARGV[2], ARGV[3] -- reason: a SessionEndReason (exit, revoked, ...)

local user = redis.call('HGET', P .. 's:' .. token_hash, 'u')
redis.call('DEL', P .. 's:' .. token_hash)
drop_subscriptions_of_session(token_hash)
if user then
  redis.call('SREM', P .. 'us:' .. user, token_hash)
  tell({'x', user, token_hash, reason})
end
return 1
