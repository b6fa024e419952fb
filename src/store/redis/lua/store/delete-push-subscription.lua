#!lua flags=no-cluster
-- Deletes a push subscription with its lease: whoever pushed to it records nothing more.
-- Returns 1, or 0 for one not stored.
local id = ARGV[2]

return drop_subscription(id)
