"""The Lua scripts of the streams adapter: each write and its change event in one step.

KEYS[1] is the (stream, group) hash, field = item id, value = item JSON.
ARGV[...] carries the pub/sub channel of the group. The event is published
inside the same script as the write, so subscribers see events in write order.
An event message is the JSON object ``{"type", "item_id", "data"}``.
"""

from __future__ import annotations

from stepkit.adapters.redis_common.scripts import LuaScript

SET = LuaScript(
    """
local existed = redis.call('HEXISTS', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local kind = 'create'
if existed == 1 then kind = 'update' end
redis.call('PUBLISH', ARGV[3], '{"type":"' .. kind .. '","item_id":' .. ARGV[4] .. ',"data":' .. ARGV[2] .. '}')
return existed
"""
)
"""ARGV: item id, item json, channel, item id as a JSON string. Returns 1 if it replaced an item."""

DELETE = LuaScript(
    """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('PUBLISH', ARGV[2], '{"type":"delete","item_id":' .. ARGV[3] .. ',"data":' .. old .. '}')
end
return old
"""
)
"""ARGV: item id, channel, item id as a JSON string. Returns the removed item's json or nil."""

CLEAR = LuaScript(
    """
local flat = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
for i = 1, #flat, 2 do
  local id = cjson.encode(flat[i])
  redis.call('PUBLISH', ARGV[1], '{"type":"delete","item_id":' .. id .. ',"data":' .. flat[i + 1] .. '}')
end
return #flat / 2
"""
)
"""ARGV: channel. Removes every item, one delete event each; returns how many."""

__all__ = ["CLEAR", "DELETE", "SET"]
