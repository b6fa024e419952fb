#!lua flags=no-cluster
-- Ends every session of a user with the push subscriptions they made, and tells every process.
-- Returns how many sessions went.
local user = ARGV[2]

local tokens = redis.call('SMEMBERS', P .. 'us:' .. user)
for _, token in ipairs(tokens) do
  redis.call('DEL', P .. 's:' .. token)
  drop_subscriptions_of_session(token)
end
redis.call('DEL', P .. 'us:' .. user)
tell({'X', user})
return #tokens
