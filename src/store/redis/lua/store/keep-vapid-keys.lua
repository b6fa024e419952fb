#!lua flags=no-cluster
-- Keeps the server's VAPID key pair (P vapid, its JSON) unless one is kept already: of processes starting at once,
-- every one gets the pair of the first.
-- Returns the JSON of the pair kept.
local pair = ARGV[2] -- JSON

redis.call('SET', P .. 'vapid', pair, 'NX')
return redis.call('GET', P .. 'vapid')
