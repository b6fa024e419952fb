#!lua flags=no-cluster
-- Stores a message under the next id, with its place in its conversation and on every recipient's queue (or in
-- the broadcast log, which is the broadcasts' conversation), all in one step, and tells every process. With an
-- Idempotency-Key the sender used before (P ik:<sender>:<key>, which expires), stores nothing.
-- Returns the id; {'again', id, sentAt} of the message stored under that Idempotency-Key; or, writing nothing,
-- {'full', names...} when recipients already have `limit` undelivered messages (counted from the delivered
-- positions, which lag by up to a second), or {'unauthorized'} when the sender's session to check has ended.
local kind, from, group, text, sent_at = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6] -- group: '' for none
local conversation = ARGV[7] -- its key
local limit = tonumber(ARGV[8]) -- 0: none
local idempotency_key, keep_ms = ARGV[9], ARGV[10] -- '' for none; how long the key is kept
local bot = ARGV[11] -- '1': sent by a bot or through a hook; '' otherwise
local has_display_name, display_name = ARGV[12] == '1', ARGV[13] -- a hook payload's name to show ('' is one)
local mentions = ARGV[14] -- the names the text calls, a JSON list; '' for none
local reply_id, reply_from, reply_text = ARGV[15], ARGV[16], ARGV[17] -- what it answers; reply_id '' for none
local folded = ARGV[18] -- the text as search compares it, when string.lower does not fold it alike; '' otherwise
local session = ARGV[19] -- the sender's token hash, to check here ('' when the process read it for this send)
local first_recipient = 20 -- ARGV[20] and on: the recipients

-- A session revoked through another process since this one read it: nothing is written.
if session ~= '' then
  local fields = redis.call('HMGET', P .. 's:' .. session, 'u', 'e')
  if fields[1] ~= from or not fields[2] or num(fields[2]) <= num(sent_at) then return {'unauthorized'} end
end

local idempotency = ''
if idempotency_key ~= '' then idempotency = P .. 'ik:' .. from .. ':' .. idempotency_key end
-- Kept as id:until:sentAt, until counted from sentAt as in the other backends; the expiry only clears it away later.
if idempotency ~= '' then
  local known = redis.call('GET', idempotency)
  if known then
    local at = string.find(known, ':', 1, true)
    local sent = string.find(known, ':', at + 1, true)
    if num(string.sub(known, at + 1, sent - 1)) > num(sent_at) then
      return {'again', string.sub(known, 1, at - 1), string.sub(known, sent + 1)}
    end
  end
end
if limit > 0 then
  local full = {'full'}
  for i = first_recipient, #ARGV do
    local delivered = redis.call('ZSCORE', P .. 'delivered', ARGV[i]) or '0'
    if pending_of(ARGV[i], delivered) >= limit then full[#full + 1] = ARGV[i] end
  end
  if #full > 1 then return full end
end
local id = next_id()
if idempotency ~= '' then
  local expires = string.format('%d', num(sent_at) + num(keep_ms))
  redis.call('SET', idempotency, id .. ':' .. expires .. ':' .. sent_at, 'PX', keep_ms)
end
local recipients = #ARGV - first_recipient + 1
if kind ~= 'broadcast' and recipients == 0 then return id end
-- A message with a bot mark or a display name is told as 'M', with both before the recipients, one with
-- mentions as 'N', with them after those, and a reply as 'R', with its quote after the mentions: a process of an
-- older version skips an event it does not know, where it would take them for recipients.
local event = {'m', id, kind, from, group, text, sent_at}
local name = false -- told as JSON false for none: '' is a name
if has_display_name then name = display_name end
if reply_id ~= '' then
  event = {'R', id, kind, from, group, text, sent_at, bot, name, mentions, reply_id, reply_from, reply_text}
elseif mentions ~= '' then
  event = {'N', id, kind, from, group, text, sent_at, bot, name, mentions}
elseif bot == '1' or has_display_name then
  event = {'M', id, kind, from, group, text, sent_at, bot, name}
end
for i = first_recipient, #ARGV do event[#event + 1] = ARGV[i] end
tell(event)
local m = P .. 'm:' .. id
redis.call('HSET', m, 'f', from, 'k', kind, 't', text, 's', sent_at, 'c', conversation)
if group ~= '' then redis.call('HSET', m, 'g', group) end
if bot == '1' then redis.call('HSET', m, 'b', '1') end
if has_display_name then redis.call('HSET', m, 'n', display_name) end
if mentions ~= '' then redis.call('HSET', m, 'a', mentions) end
if reply_id ~= '' then
  redis.call('HSET', m, 'ri', reply_id, 'rf', reply_from, 'rt', reply_text)
  -- The deletion of the original blanks this quote.
  redis.call('SADD', P .. 'rp:' .. reply_id, id)
end
if folded ~= '' then redis.call('HSET', m, 'z', folded) end
redis.call('ZADD', P .. 'v:' .. conversation, id, id)
redis.call('ZADD', P .. 'o:' .. conversation .. ':' .. from, id, id)
if kind == 'broadcast' then return id end
-- Queue entries still referring to the message: the last one retention removes takes the message with it.
redis.call('HSET', m, 'r', recipients)
if kind == 'direct' then
  local to = ARGV[first_recipient]
  redis.call('SADD', P .. 'peers:' .. from, to)
  redis.call('SADD', P .. 'peers:' .. to, from)
end
for i = first_recipient, #ARGV do
  redis.call('ZADD', P .. 'q:' .. ARGV[i], id, id)
  redis.call('SADD', P .. 'cursors', ARGV[i])
end
return id
