"""Pending bot turns, so that an accepted player turn reaches the bot even if the gateway that
acknowledged it dies.

A player message that goes to the bot is stored in the same atomic step as its history entry
(`history.APPEND_LUA`): a hash `outbox` (turn id "<cid>:<seq>" → the turn with its owner) and a
sorted set by acceptance time. The owner sends it to Rasa and deletes it when the bot's answer is
in the history. Every replica keeps a liveness key (`gateway:<instance>`, a few seconds' TTL) and
sweeps the outbox: a turn whose owner is gone — or its own turn that nothing is working on (a
Redis error cut it short) — is claimed atomically by one replica and sent again, oldest first.

Exactly once at the bot: the turn id is the message id Rasa gets; the Rasa channel
(`bot/channel.py`) processes a message id once and answers a repeat with the first answer, and the
bot's messages are stored under client keys derived from it, so a repeat shows nothing twice.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Awaitable, Callable

import redis.asyncio as aioredis
from pydantic import BaseModel

from .keys import Keys
from .outage import TRANSIENT

log = logging.getLogger("casinra.outbox")

# KEYS: outbox hash, order zset; ARGV: turn id, me, liveness key prefix, orphan age (s), now
CLAIM_LUA = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return false
end
local t = cjson.decode(raw)
local now = tonumber(ARGV[5])
if t.owner == ARGV[2] then
  if now - tonumber(t.at) < tonumber(ARGV[4]) then return false end
elseif redis.call('EXISTS', ARGV[3] .. t.owner) == 1 then
  return false
end
t.owner = ARGV[2]
t.at = now
t.claims = (t.claims or 0) + 1
raw = cjson.encode(t)
redis.call('HSET', KEYS[1], ARGV[1], raw)
return raw
"""


class PendingTurn(BaseModel):
    cid: str
    message: str
    kind: str  # "text" | "button"
    owner: str
    at: float
    claims: int = 0


Run = Callable[[str, PendingTurn], Awaitable[None]]


class Outbox:
    def __init__(self, redis: aioredis.Redis, keys: Keys, *, live_ttl_s: float = 5.0, orphan_after_s: float = 45.0) -> None:
        self.r = redis
        self.k = keys
        self.instance = uuid.uuid4().hex[:12]
        self.live_ttl_s = live_ttl_s
        self.orphan_after_s = orphan_after_s  # own turns nothing works on (longer than a Rasa call)
        self.working: set[str] = set()  # turn ids this process is sending now
        self._claim = redis.register_script(CLAIM_LUA)

    def record(self, cid: str, message: str, kind: str) -> str:
        """The JSON of a new pending turn owned by this process (`Chat.add(turn=…)` stores it)."""
        return PendingTurn(cid=cid, message=message, kind=kind, owner=self.instance, at=time.time()).model_dump_json()

    async def done(self, turn_id: str) -> None:
        async with self.r.pipeline(transaction=True) as p:
            p.hdel(self.k.outbox, turn_id)
            p.zrem(self.k.outbox_order, turn_id)
            await p.execute()

    async def pending(self) -> int:
        return int(await self.r.hlen(self.k.outbox))

    async def alive(self) -> None:
        await self.r.set(self.k.gateway(self.instance), "1", px=int(self.live_ttl_s * 1000))

    async def leave(self) -> None:
        await self.r.delete(self.k.gateway(self.instance))

    async def recover(self, run: Run, batch: int = 50) -> list[str]:
        """Claim the turns left behind (oldest first) and start them; returns their ids."""
        claimed = []
        for turn_id in await self.r.zrange(self.k.outbox_order, 0, batch - 1):
            if turn_id in self.working:
                continue
            raw = await self._claim(keys=[self.k.outbox, self.k.outbox_order],
                                    args=[turn_id, self.instance, self.k.gateway(""), self.orphan_after_s, time.time()])
            if raw:
                turn = PendingTurn.model_validate_json(raw)
                log.warning("resuming a pending bot turn", extra={"turn": turn_id, "conversation_id": turn.cid,
                                                                   "claims": turn.claims})
                claimed.append(turn_id)
                await run(turn_id, turn)
        return claimed

    async def run(self, run: Run, interval_s: float = 1.0) -> None:
        """Forever: keep this process alive in Redis and pick up turns left behind."""
        while True:
            try:
                await self.alive()
                await self.recover(run)
            except asyncio.CancelledError:
                raise
            except TRANSIENT as exc:
                log.warning("outbox sweep skipped: redis unavailable", extra={"error": str(exc)})
            except Exception:
                log.exception("outbox sweep failed")
            await asyncio.sleep(interval_s)
