#!lua flags=no-cluster
-- Moves each user's delivered position forward, never back.
-- Returns 0.
local first_pair = 2 -- ARGV[2] and on: pairs of name and id

for i = first_pair, #ARGV, 2 do
  local name, id = ARGV[i], ARGV[i + 1]
  redis.call('SADD', P .. 'cursors', name)
  redis.call('ZADD', P .. 'delivered', 'GT', id, name)
  redis.call('ZADD', P .. 'floors', 'XX', 'GT', id, name)
  note_due(name)
end
return 0
