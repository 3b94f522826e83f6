"""The gate in Redis, shared by every web process: one hash per sale (``left``, a
``u:<buyer>`` count per buyer, a ``k:<buyer>:<key>`` mark per winning idempotency key),
changed only by Lua scripts, so a take is one atomic step however many processes race."""

from __future__ import annotations

from redis import asyncio as redis

from app.commerce.stock_gate.base import GateState, Taken, Verdict

TIMEOUT = 1.0  # seconds a gate call waits for Redis before the database answers instead

# KEYS[1] the sale's hash; ARGV: buyer, key, quantity, limit.
# Returns {verdict, left, held}.
TAKE = """
local left = redis.call('HGET', KEYS[1], 'left')
if not left then return {-2, 0, 0} end
left = tonumber(left)
local held = tonumber(redis.call('HGET', KEYS[1], 'u:' .. ARGV[1]) or '0')
if redis.call('HEXISTS', KEYS[1], 'k:' .. ARGV[1] .. ':' .. ARGV[2]) == 1 then
  return {2, left, held}
end
local quantity = tonumber(ARGV[3])
if left < quantity then return {0, left, held} end
if held + quantity > tonumber(ARGV[4]) then return {-1, left, held} end
redis.call('HINCRBY', KEYS[1], 'left', -quantity)
redis.call('HINCRBY', KEYS[1], 'u:' .. ARGV[1], quantity)
redis.call('HSET', KEYS[1], 'k:' .. ARGV[1] .. ':' .. ARGV[2], quantity)
return {1, left - quantity, held + quantity}
"""

# KEYS[1] the sale's hash; ARGV: buyer, quantity, key ('' for none).
GIVE_BACK = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'left', ARGV[2])
local held = redis.call('HINCRBY', KEYS[1], 'u:' .. ARGV[1], -tonumber(ARGV[2]))
if held <= 0 then redis.call('HDEL', KEYS[1], 'u:' .. ARGV[1]) end
if ARGV[3] ~= '' then redis.call('HDEL', KEYS[1], 'k:' .. ARGV[1] .. ':' .. ARGV[3]) end
return 1
"""

# KEYS[1] the sale's hash; ARGV: replace (1/0), ttl in ms, then field, value pairs.
LOAD = """
if ARGV[1] == '0' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""


class RedisGate:
    def __init__(self, url: str, prefix: str) -> None:
        self.prefix = prefix
        self.client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
        self._take = self.client.register_script(TAKE)
        self._give_back = self.client.register_script(GIVE_BACK)
        self._load = self.client.register_script(LOAD)

    def _key(self, sale: str) -> str:
        return f"{self.prefix}:flash-gate:{sale}"

    async def take(self, sale: str, buyer: int, key: str, quantity: int, limit: int) -> Taken:
        verdict, left, held = await self._take(
            keys=[self._key(sale)], args=[buyer, key, quantity, limit]
        )
        return Taken(Verdict(int(verdict)), int(left), int(held))

    async def give_back(self, sale: str, buyer: int, key: str | None, quantity: int) -> None:
        await self._give_back(keys=[self._key(sale)], args=[buyer, quantity, key or ""])

    async def load(self, sale: str, state: GateState, ttl: float, replace: bool) -> bool:
        fields: list[str | int] = ["left", state.remaining]
        for buyer, units in state.held.items():
            fields += [f"u:{buyer}", units]
        for buyer, key in state.keys:
            fields += [f"k:{buyer}:{key}", 1]
        ttl_ms = max(1000, int(ttl * 1000))
        done = await self._load(keys=[self._key(sale)], args=[int(replace), ttl_ms, *fields])
        return bool(done)

    async def read(self, sale: str) -> GateState | None:
        raw = await self.client.hgetall(self._key(sale))
        if not raw:
            return None
        state = GateState(remaining=0)
        for name, value in raw.items():
            # bytes (the client does not decode responses); redis types the keys bytes | str.
            field = name.decode() if isinstance(name, bytes) else name
            number = int(value)
            if field == "left":
                state.remaining = number
            elif field.startswith("u:"):
                state.held[int(field[2:])] = number
            elif field.startswith("k:"):
                buyer, _, key = field[2:].partition(":")
                state.keys.add((int(buyer), key))
        return state

    async def drop(self, sale: str) -> None:
        await self.client.delete(self._key(sale))

    async def close(self) -> None:
        await self.client.aclose()
