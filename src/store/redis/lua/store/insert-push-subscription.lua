#!lua flags=no-cluster
-- Stores a browser's push subscription (P ps:<id>, a hash of o, s, u, p, h, c: user, session, endpoint, p256dh, auth,
-- created; and as a webhook's, k, ok, f, e, a: acked id, last success, failures, last error and when), filed by
-- endpoint (P pse, a hash: endpoint -> id), by user (P psu:<user>, scored by creation), by the session that made
-- it (P pss:<token hash>) and among all (P push). An endpoint already stored is the same device: it keeps its id,
-- creation, position and lease (P psl:<id>), takes the new user, session and keys, and forgets its errors.
-- Returns {id, '1'} for a new subscription, {id, '0'} for an endpoint already stored, or 'too_many', writing
-- nothing, for a new endpoint of a user who already has `limit`.
local id, user, session, endpoint = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local p256dh, auth, created_at, acked_id = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local limit = tonumber(ARGV[10])

local known = redis.call('HGET', P .. 'pse', endpoint)
if known then
  local key = P .. 'ps:' .. known
  local was = redis.call('HMGET', key, 'o', 's', 'c')
  redis.call('ZREM', P .. 'psu:' .. was[1], known)
  redis.call('ZADD', P .. 'psu:' .. user, was[3], known)
  redis.call('SREM', P .. 'pss:' .. was[2], known)
  redis.call('SADD', P .. 'pss:' .. session, known)
  redis.call('HSET', key, 'o', user, 's', session, 'p', p256dh, 'h', auth, 'f', 0)
  redis.call('HDEL', key, 'e', 'a')
  return {known, '0'}
end
if redis.call('ZCARD', P .. 'psu:' .. user) >= limit then return 'too_many' end
redis.call('HSET', P .. 'ps:' .. id, 'o', user, 's', session, 'u', endpoint, 'p', p256dh, 'h', auth,
  'c', created_at, 'k', acked_id, 'f', 0)
redis.call('HSET', P .. 'pse', endpoint, id)
redis.call('ZADD', P .. 'psu:' .. user, created_at, id)
redis.call('SADD', P .. 'pss:' .. session, id)
redis.call('SADD', P .. 'push', id)
return {id, '1'}
