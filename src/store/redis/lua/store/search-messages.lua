#!lua flags=no-writes,no-cluster
-- Searches conversations as one, newest first: the messages whose text, as search compares it, holds every
-- term. Examines at most `budget` messages (one HMGET each), whatever is retained, and stops at `limit` hits.
-- The caller decided what the reader may read: only the conversations and windows given are examined.
-- Returns {next, hits...}: next is '' when everything in range was examined, else the id to go on below (every
-- message at or above it was examined); each hit is the (1-based) index of its conversation among those given,
-- then the fields of push_row (see redis-replies.ts rowFields).
local reader, limit, budget = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local from = ARGV[5] -- only this sender's messages; '' for anyone's
local sent_from, sent_before = ARGV[6], ARGV[7] -- sentAt in [sent_from, sent_before); '' for no bound
local term_count = tonumber(ARGV[8])
local first_term = 9 -- ARGV[9] and on: the terms, folded (src/core/search/fold.ts)
local first_conversation = first_term + term_count -- then per conversation: key, 'b' or '', above, below

-- A conversation is its key, 'b' for the broadcasts (read above where the reader registered) or '', and the ids
-- examined, in (above, below).

local terms = {}
for i = 1, term_count do terms[i] = ARGV[first_term + i - 1] end

-- A read of each conversation at a time, through its sorted set (one sender's when from is given): a few ids at
-- first, since a scan that stops at its limit reaches few of hundreds of conversations, then twice as many.
local sources = {}
local function read(source, below)
  source.ids = redis.call('ZRANGE', source.set, '(' .. below, '(' .. source.above, 'BYSCORE', 'REV', 'LIMIT', 0,
    source.asked)
  source.at = 1
end
for i = first_conversation, #ARGV, 4 do
  local key, above = ARGV[i], ARGV[i + 2]
  if ARGV[i + 1] == 'b' then above = higher(above, joined_of(reader)) end
  local set = P .. 'v:' .. key
  if from ~= '' then set = P .. 'o:' .. key .. ':' .. from end
  local source = {set = set, above = above, index = (i - first_conversation) / 4 + 1, asked = 4}
  read(source, ARGV[i + 3])
  if #source.ids > 0 then sources[#sources + 1] = source end
end

-- A heap of the conversations by their newest unread message, so that each step costs log(conversations).
local function head(source) return tonumber(source.ids[source.at]) end
local heap = {}
local function sink(at)
  local n = #heap
  while true do
    local left, best = 2 * at, at
    if left <= n and head(heap[left]) > head(heap[best]) then best = left end
    if left + 1 <= n and head(heap[left + 1]) > head(heap[best]) then best = left + 1 end
    if best == at then return end
    heap[at], heap[best] = heap[best], heap[at]
    at = best
  end
end
for _, source in ipairs(sources) do heap[#heap + 1] = source end
for at = math.floor(#heap / 2), 1, -1 do sink(at) end

-- The text as search compares it: kept folded (z) where string.lower would not fold it alike. A deleted
-- message's text is '', which holds no term.
local function is_hit(id)
  local m = redis.call('HMGET', P .. 'm:' .. id, 't', 'z', 's')
  if not m[1] then return false end
  if sent_from ~= '' and num(m[3]) < num(sent_from) then return false end
  if sent_before ~= '' and num(m[3]) >= num(sent_before) then return false end
  local text = m[2] or string.lower(m[1])
  for _, term in ipairs(terms) do
    if not string.find(text, term, 1, true) then return false end
  end
  return true
end

local out = {''}
local found, examined = 0, 0
local last = nil
while #heap > 0 do
  if examined >= budget then
    out[1] = last
    return out
  end
  local source = heap[1]
  local id = source.ids[source.at]
  examined = examined + 1
  last = id
  if is_hit(id) then
    out[#out + 1] = tostring(source.index)
    push_row(out, id)
    found = found + 1
    if found >= limit then
      out[1] = id
      return out
    end
  end
  source.at = source.at + 1
  if source.at > #source.ids then
    local ended = #source.ids < source.asked
    source.asked = math.min(256, source.asked * 2)
    if ended then source.ids = {} else read(source, id) end
  end
  if #source.ids == 0 then
    heap[1] = heap[#heap]
    heap[#heap] = nil
  end
  if #heap > 0 then sink(1) end
end
return out
