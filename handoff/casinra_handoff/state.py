"""Per-conversation state kept in a Redis hash; every transition is one atomic Lua script.

`machine.py` decides which transitions happen; this module only stores them.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Literal

import redis.asyncio as aioredis
from casinra_contracts.handoff import Handoff
from pydantic import BaseModel

from .keys import Keys

# KEYS: conv hash, queue zset, assigned set
# ARGV: cid, expected states (csv, '' = any), expected agent ('' = any), queue op (add|rem|''),
#       score, assigned op (add|rem|''), require queued member (1|0), ttl, then field/value pairs
#       (an empty value deletes the field).
TRANSITION_LUA = """
local cid = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local state = redis.call('HGET', KEYS[1], 'state')
if ARGV[2] ~= '' then
  local ok = false
  for s in string.gmatch(ARGV[2], '[^,]+') do if s == state then ok = true end end
  if not ok then return 0 end
end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[1], 'agent') ~= ARGV[3] then return 0 end
if ARGV[7] == '1' and not redis.call('ZSCORE', KEYS[2], cid) then return 0 end
if ARGV[4] == 'add' then redis.call('ZADD', KEYS[2], ARGV[5], cid)
elseif ARGV[4] == 'rem' then redis.call('ZREM', KEYS[2], cid) end
if ARGV[6] == 'add' then redis.call('SADD', KEYS[3], cid)
elseif ARGV[6] == 'rem' then redis.call('SREM', KEYS[3], cid) end
for i = 9, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i])
  else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[8]))
return 1
"""

StateName = Literal["bot", "queued", "assigned", "resolved"]


class Conversation(BaseModel):
    id: str
    state: StateName = "bot"
    player_id: str | None = None
    player_name: str | None = None
    created_at: float = 0.0
    # the bot's hand-off request (casinra_contracts.handoff.Handoff), kept for the views
    topic: str | None = None
    reason: str | None = None
    priority: str | None = None
    summary: str | None = None
    intent: str | None = None
    risk: str | None = None
    language: str | None = None
    references: list[str] = []
    queued_at: float | None = None
    handoff_at: float | None = None
    requeued: bool = False
    team: str | None = None
    agent: str | None = None
    agent_display: str | None = None
    assigned_at: float | None = None
    offline_since: float | None = None
    resolved_at: float | None = None
    rasa_paused: bool = False

    @property
    def guest(self) -> bool:
        return not self.player_id

    @property
    def handoff(self) -> Handoff | None:
        """The hand-off request this conversation was queued with (None before any)."""
        if not self.reason:
            return None
        return Handoff.from_dict({
            "topic": self.topic, "reason": self.reason, "priority": self.priority, "summary": self.summary,
            "intent": self.intent, "risk": self.risk, "language": self.language, "references": self.references,
        })


def handoff_fields(handoff: Handoff) -> dict[str, object]:
    """The conversation fields that store a hand-off request (None clears an earlier value)."""
    return handoff.to_dict()


def new_conversation_id() -> str:
    return "c_" + uuid.uuid4().hex


class StateStore:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_s: int, idle_ttl_s: int | None = None) -> None:
        self.r = redis
        self.k = keys
        self.ttl = ttl_s
        self.idle_ttl = min(idle_ttl_s or ttl_s, ttl_s)
        self._transition = redis.register_script(TRANSITION_LUA)

    async def create(self, player_id: str | None, player_name: str | None) -> Conversation:
        """A new conversation; it lives `idle_ttl` until its first message (history.append then
        gives it the full TTL), so sockets that are opened and left cost next to nothing."""
        conv = Conversation(
            id=new_conversation_id(), player_id=player_id, player_name=player_name, created_at=time.time()
        )
        fields = {k: _enc(v) for k, v in conv.model_dump().items() if v is not None}
        async with self.r.pipeline(transaction=True) as p:
            p.hset(self.k.conv(conv.id), mapping=fields)
            p.expire(self.k.conv(conv.id), self.idle_ttl)
            await p.execute()
        return conv

    async def get(self, cid: str) -> Conversation | None:
        return _conversation(await self.r.hgetall(self.k.conv(cid)))

    async def get_many(self, cids: list[str]) -> list[Conversation | None]:
        """`get` of each, in one round trip."""
        if not cids:
            return []
        async with self.r.pipeline(transaction=False) as p:
            for cid in cids:
                p.hgetall(self.k.conv(cid))
            return [_conversation(data) for data in await p.execute()]

    async def transition(
        self,
        cid: str,
        *,
        expect: tuple[str, ...] = (),
        expect_agent: str | None = None,
        queue_op: str = "",
        score: float = 0.0,
        assigned_op: str = "",
        require_queued: bool = False,
        **fields: object,
    ) -> bool:
        args: list[object] = [
            cid, ",".join(expect), expect_agent or "", queue_op, repr(float(score)), assigned_op,
            "1" if require_queued else "0", self.ttl,
        ]
        for k, v in fields.items():
            args += [k, "" if v is None else _enc(v)]
        res = await self._transition(keys=[self.k.conv(cid), self.k.queue, self.k.assigned], args=args)
        return int(res) == 1

    async def set_fields(self, cid: str, **fields: object) -> None:
        mapping = {k: _enc(v) for k, v in fields.items() if v is not None}
        gone = [k for k, v in fields.items() if v is None]
        async with self.r.pipeline(transaction=True) as p:
            if mapping:
                p.hset(self.k.conv(cid), mapping=mapping)
            if gone:
                p.hdel(self.k.conv(cid), *gone)
            await p.execute()

    async def assigned_ids(self) -> list[str]:
        return sorted(await self.r.smembers(self.k.assigned))

    async def forget_assigned(self, cid: str) -> None:
        """Drop a stale member of the assigned set (its conversation expired or moved on)."""
        await self.r.srem(self.k.assigned, cid)

    # buttons the bot offered in this conversation: payload -> title
    async def offer_buttons(self, cid: str, buttons: list[tuple[str, str]]) -> None:
        if not buttons:
            return
        key = self.k.buttons(cid)
        await self.r.hset(key, mapping={p: t for t, p in buttons})
        await self.r.expire(key, self.ttl)

    async def offered_title(self, cid: str, payload: str) -> str | None:
        return await self.r.hget(self.k.buttons(cid), payload)


def _conversation(data: dict[str, str]) -> Conversation | None:
    if not data:
        return None
    return Conversation.model_validate({k: _dec(k, v) for k, v in data.items()})


def _enc(v: object) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (list, tuple)):
        return json.dumps(list(v), ensure_ascii=False)
    return str(v)


def _dec(key: str, v: str) -> object:
    if key in ("requeued", "rasa_paused"):
        return v == "1"
    if key == "references":
        return json.loads(v)
    return v
