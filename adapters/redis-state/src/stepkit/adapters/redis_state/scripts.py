"""The Lua scripts of the state adapter (each one atomic on the server).

KEYS[1] is the group's hash, KEYS[2] the namespace's set of group ids; the
group id itself is passed as an argument so that the set member is the raw id.
Every script keeps the invariant: a group id is in the set exactly when its
hash exists (is non-empty).
"""

from __future__ import annotations

from stepkit.adapters.redis_common.scripts import LuaScript

SET = LuaScript(
    """
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""
)
"""ARGV: group, key, json."""

SET_MANY = LuaScript(
    """
local n = #ARGV
local i = 2
while i <= n do
  local last = math.min(i + 1999, n)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
  i = last + 1
end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""
)
"""ARGV: group, key1, json1, key2, json2, ... (applied all at once)."""

DELETE = LuaScript(
    """
local old = redis.call('HGET', KEYS[1], ARGV[2])
if old then
  redis.call('HDEL', KEYS[1], ARGV[2])
  if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('SREM', KEYS[2], ARGV[1])
  end
end
return old
"""
)
"""ARGV: group, key. Returns the previous json or nil."""

CLEAR = LuaScript(
    """
redis.call('UNLINK', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
"""
)
"""ARGV: group."""

COMPARE_AND_SET = LuaScript(
    """
local current = redis.call('HGET', KEYS[1], ARGV[2])
if ARGV[3] == '0' then
  if current then return 0 end
elseif current ~= ARGV[4] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[5])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""
)
"""ARGV: group, key, '0' (expect absent) or '1' (expect ARGV[4]), expected json, new json.

Returns 1 when written, 0 when the stored value changed since it was read.
"""

__all__ = ["CLEAR", "COMPARE_AND_SET", "DELETE", "SET", "SET_MANY"]
