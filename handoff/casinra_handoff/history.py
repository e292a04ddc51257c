"""Per-conversation history in a Redis stream; each entry gets the next `seq` atomically.

Stream entry ids are `<seq>-1`, so `after_seq` replay is a plain XRANGE. A client id (the
player's or agent's frame `id`) is processed at most once per conversation. The append script also
publishes the new entry to the conversation's channel (a `BusHistory` frame): stored and announced
in one atomic step and one round trip, so a gateway that dies in between cannot store a message
its subscribers never hear of.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import redis.asyncio as aioredis

from .frames import BusHistory, MessageOut
from .keys import Keys

# KEYS: seq counter, stream, client-id hash, conversation hash, outbox hash, outbox order zset
# ARGV: data, visibility, client id ('' = none), ttl, pending bot turn ('' = none: a JSON object
#       that gets the turn id "<cid>:<seq>" as its key in the outbox), conversation id, now,
#       channel to announce on ('' = none), the BusHistory JSON without its seq and leading "{"
APPEND_LUA = """
if ARGV[3] ~= '' then
  local seen = redis.call('HGET', KEYS[3], ARGV[3])
  if seen then return -tonumber(seen) end
end
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], seq .. '-1', 'vis', ARGV[2], 'data', ARGV[1])
local ttl = tonumber(ARGV[4])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('EXPIRE', KEYS[4], ttl) end
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[3], ARGV[3], seq)
  redis.call('EXPIRE', KEYS[3], ttl)
end
if ARGV[5] ~= '' then
  local turn = ARGV[6] .. ':' .. seq
  redis.call('HSET', KEYS[5], turn, ARGV[5])
  redis.call('ZADD', KEYS[6], ARGV[7], turn)
end
if ARGV[8] ~= '' then
  redis.call('PUBLISH', ARGV[8], '{"seq":' .. seq .. ',' .. ARGV[9])
end
return seq
"""


@dataclass(frozen=True)
class Entry:
    seq: int
    visibility: str
    frame: MessageOut


class History:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_s: int) -> None:
        self.r = redis
        self.k = keys
        self.ttl = ttl_s
        self._append = redis.register_script(APPEND_LUA)

    async def append(
        self, cid: str, frame: MessageOut, *, visibility: str = "all", client_key: str | None = None,
        turn: str | None = None, announce_on: str | None = None,
    ) -> tuple[int, bool]:
        """Store `frame`; returns (seq, is_new). A repeated client_key returns the first seq.

        `turn` (an `outbox.PendingTurn` as JSON) is recorded as a pending bot turn in the same
        atomic step, so a message is never acknowledged without it (`outbox.py`). A new entry is
        published on the channel `announce_on` as a `BusHistory` frame. The conversation itself
        lives as long as its history from now on."""
        data = frame.model_copy(update={"seq": None, "conversation_id": cid}).model_dump_json()
        announcement = ""
        if announce_on:
            full = frame.model_copy(update={"seq": None, "conversation_id": cid, "internal": visibility != "all"})
            # not validated: the seq is the script's to write
            announcement = BusHistory.model_construct(type="history", conversation_id=cid, visibility=visibility,
                                                      frame=full).model_dump_json(exclude={"seq"})[1:]
        res = int(
            await self._append(
                keys=[self.k.seq(cid), self.k.stream(cid), self.k.client_ids(cid), self.k.conv(cid),
                      self.k.outbox, self.k.outbox_order],
                args=[data, visibility, client_key or "", self.ttl, turn or "", cid, time.time(),
                      announce_on or "", announcement],
            )
        )
        return (abs(res), res > 0)

    async def read(
        self, cid: str, after_seq: int = 0, *, upto_seq: int | None = None, include_internal: bool = False
    ) -> list[Entry]:
        start = f"{max(0, after_seq) + 1}-0"
        end = f"{upto_seq}-1" if upto_seq is not None else "+"
        out: list[Entry] = []
        for entry_id, fields in await self.r.xrange(self.k.stream(cid), start, end):
            seq = int(entry_id.split("-")[0])
            vis = fields.get("vis", "all")
            if vis != "all" and not include_internal:
                continue
            frame = MessageOut.model_validate_json(fields["data"]).model_copy(update={"seq": seq})
            out.append(Entry(seq, vis, frame))
        return out

    async def last_seq(self, cid: str) -> int:
        v = await self.r.get(self.k.seq(cid))
        return int(v) if v else 0


class ReplayCursor:
    """Exactly-once, in-order delivery of live history frames after a replay.

    Live frames may arrive out of order (two replicas publishing at once) or after a gap (frames
    a subscriber may not see, such as internal notes). `admit` returns the frames to send now,
    filling gaps from the stream.
    """

    def __init__(self, history: History, cid: str, last: int, include_internal: bool) -> None:
        self.history = history
        self.cid = cid
        self.last = last
        self.include_internal = include_internal

    async def admit(self, seq: int, frame: MessageOut, visibility: str) -> list[MessageOut]:
        if seq <= self.last:
            return []
        if seq == self.last + 1:
            self.last = seq
            if visibility != "all" and not self.include_internal:
                return []
            return [frame]
        entries = await self.history.read(
            self.cid, self.last, upto_seq=seq, include_internal=self.include_internal
        )
        self.last = seq
        return [e.frame for e in entries]

    async def catch_up(self) -> list[MessageOut]:
        """Every frame stored after the last one admitted (after pub/sub messages may have been
        lost: a Redis restart, a reconnect)."""
        entries = await self.history.read(self.cid, self.last, include_internal=True)
        if entries:
            self.last = max(self.last, entries[-1].seq)
        return [e.frame for e in entries if e.visibility == "all" or self.include_internal]
