#!lua flags=no-cluster
-- Changes a group's members and owner, only if it still has exactly the expected members, recording when the
-- added joined and the removed left (the first event's id), and appends the change's events.
-- Returns the events' ids, or -1 writing nothing for an unknown group or one whose members changed meanwhile.
local name = ARGV[2]
local expected, members, owner = ARGV[3], ARGV[4], ARGV[5] -- member lists comma-separated
local added, removed = ARGV[6], ARGV[7] -- comma-separated
local count = tonumber(ARGV[8]) -- events
local first_event = 9 -- ARGV[9] and on: count pairs of event data and at
local first_recipient = first_event + 2 * count -- then the recipients of every event

local json = redis.call('HGET', P .. 'groups', name)
if not json then return -1 end
local group = cjson.decode(json)
if table.concat(group.members, ',') ~= expected then return -1 end
local ids = {}
for i = 1, count do ids[i] = next_id() end
if type(group.joined) ~= 'table' then group.joined = {} end
if type(group.left) ~= 'table' then group.left = {} end
-- Positions stay strings: cjson would print a large id in exponent form.
for _, member in ipairs(split(added)) do
  group.joined[member] = ids[1]
  group.left[member] = nil
end
-- A former member keeps the window they had: from when they joined (kept) until now.
for _, member in ipairs(split(removed)) do group.left[member] = ids[1] end
group.members = split(members)
group.owner = owner
local updated = cjson.encode(group)
redis.call('HSET', P .. 'groups', name, updated)
tell({'g', name, updated})
for i = 1, count do
  local pair = first_event + 2 * (i - 1)
  append_event('group', ARGV[pair], ARGV[pair + 1], first_recipient, ids[i])
end
return ids
