-- The Redis scripts (src/store/redis/lua/), linted by `npm run lint:lua` (scripts/lint-lua.ts) as Redis runs
-- them: each with the helpers it is given prepended, so that a name the helpers define is known and one they
-- do not is not. Luacheck run on a file alone knows none of the helpers.

-- Lua 5.1 as Redis 7 embeds it: no io, os, require or print, and its own libraries instead.
std = 'lua51'
not_globals = { 'arg', 'debug', 'dofile', 'getfenv', 'io', 'loadfile', 'module', 'newproxy', 'os', 'package', 'print', 'require', 'setfenv' }
read_globals = {
  'KEYS',
  'ARGV',
  redis = {
    fields = {
      'LOG_DEBUG', 'LOG_NOTICE', 'LOG_VERBOSE', 'LOG_WARNING', 'REDIS_VERSION', 'REDIS_VERSION_NUM', 'REPL_ALL',
      'REPL_AOF', 'REPL_NONE', 'REPL_REPLICA', 'REPL_SLAVE', 'acl_check_cmd', 'breakpoint', 'call', 'debug',
      'error_reply', 'log', 'pcall', 'replicate_commands', 'set_repl', 'setresp', 'sha1hex', 'status_reply',
    },
  },
  cjson = {
    fields = {
      'decode', 'decode_invalid_numbers', 'decode_max_depth', 'encode', 'encode_invalid_numbers', 'encode_keep_buffer',
      'encode_max_depth', 'encode_number_precision', 'encode_sparse_array', 'new', 'null',
    },
  },
  cmsgpack = { fields = { 'pack', 'unpack', 'unpack_limit', 'unpack_one' } },
  bit = { fields = { 'arshift', 'band', 'bnot', 'bor', 'bswap', 'bxor', 'lshift', 'rol', 'ror', 'rshift', 'tobit', 'tohex' } },
  struct = { fields = { 'pack', 'size', 'unpack' } },
}
max_line_length = 120
