#!lua flags=no-cluster
-- Takes a process that stops off the books.
-- Returns 0.
local pid = ARGV[2]

forget_process(pid)
return 0
