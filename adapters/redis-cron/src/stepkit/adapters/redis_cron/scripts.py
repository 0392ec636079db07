"""The Lua scripts of the cron adapter; all times come from the Redis server clock.

A lock is the string key ``KEYS[1]`` holding
``lock_id \\n token \\n acquired_ms \\n expires_ms \\n instance_id`` with a
``PX`` expiry equal to its ttl. The namespace's index is a sorted set of
encoded job names scored by ``expires_ms``; the per-job fencing counter is a
plain integer key that is never deleted.
"""

from __future__ import annotations

from stepkit.adapters.redis_common.scripts import LuaScript

_NOW = (
    "local clock = redis.call('TIME')\nlocal now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)\n"
)

ACQUIRE = LuaScript(
    _NOW
    + """
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
local ttl = tonumber(ARGV[2])
local expires = now + ttl
local value = ARGV[1] .. '\\n' .. token .. '\\n' .. now .. '\\n' .. expires .. '\\n' .. ARGV[3]
redis.call('SET', KEYS[1], value, 'NX', 'PX', ttl)
redis.call('ZADD', KEYS[3], expires, ARGV[4])
return {token, now, expires}
"""
)
"""KEYS: lock, fence counter, index. ARGV: lock_id, ttl_ms, instance_id, job member.

Returns ``{token, acquired_ms, expires_ms}``, or nil when the job is held
(then no token is consumed).
"""

RELEASE = LuaScript(
    """
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1] + 1) == ARGV[1] .. '\\n' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 1
end
return 0
"""
)
"""KEYS: lock, index. ARGV: lock_id, job member. 1 when that lock_id held it and is now gone."""

RENEW = LuaScript(
    _NOW
    + """
local value = redis.call('GET', KEYS[1])
if not value or string.sub(value, 1, #ARGV[1] + 1) ~= ARGV[1] .. '\\n' then return 0 end
local field = '([^\\n]*)\\n'
local id, token, acquired, _, instance = string.match(value, '^' .. field .. field .. field .. field .. '(.*)$')
local ttl = tonumber(ARGV[2])
local expires = now + ttl
local renewed = id .. '\\n' .. token .. '\\n' .. acquired .. '\\n' .. expires .. '\\n' .. instance
redis.call('SET', KEYS[1], renewed, 'PX', ttl)
redis.call('ZADD', KEYS[2], expires, ARGV[3])
return expires
"""
)
"""KEYS: lock, index. ARGV: lock_id, ttl_ms, job member. New expires_ms, or 0 when not held."""

ACTIVE = LuaScript(
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, member in ipairs(members) do
  local value = redis.call('GET', ARGV[1] .. member)
  if value then
    out[#out + 1] = member
    out[#out + 1] = value
  else
    redis.call('ZREM', KEYS[1], member)
  end
end
return out
"""
)
"""KEYS: index. ARGV: lock key prefix (``P:lock:``). Flat ``member, value`` pairs of live locks.

Lock keys are derived from index members inside the script; they share the
namespace's hash tag with the index, so they live in the same slot.
"""

__all__ = ["ACQUIRE", "ACTIVE", "RELEASE", "RENEW"]
