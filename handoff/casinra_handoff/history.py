"""Per-conversation history in a Redis stream; each entry gets the next `seq` atomically.

Stream entry ids are `<seq>-1`, so `after_seq` replay is a plain XRANGE. A client id (the
player's or agent's frame `id`) is processed at most once per conversation. The append script also
publishes the new entry to the conversation's channel (a `BusHistory` frame): stored and announced
in one atomic step and one round trip, so a gateway that dies in between cannot store a message
its subscribers never hear of. For a chat message the same step counts the sender's quotas and
checks the conversation (it exists; the agent owns it; whether the bot answers): a relayed message
costs the sending gateway one round trip to Redis, and no check can go stale before the append.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import redis.asyncio as aioredis

from .frames import BusHistory, MessageOut
from .keys import Keys
from .quota import TAKE_FN, Take

# KEYS: seq counter, stream, client-id hash, conversation hash, outbox hash, outbox order zset, then
#       the quota counters a chat message counts against (quota.TAKE_FN; none for other messages)
# ARGV: data, visibility, client id ('' = none), ttl, pending bot turn ('' = none: a JSON object
#       that gets the turn id "<cid>:<seq>" as its key in the outbox), conversation id, now,
#       channel to announce on ('' = none), the BusHistory JSON without its seq and leading "{",
#       the states (csv) in which the pending turn is recorded ('' = any), the agent the conversation
#       must be assigned to ('' = no check), '1' when the conversation must exist, then the quota
#       counters' amount and (limit, window) per counter
# → {1, seq} stored, {2, seq} stored with its bot turn, {0, first seq} a repeated client id,
#   {-1, ms to wait} over a quota, {-2, 0} no such conversation, {-3, 0} not assigned to that agent
APPEND_LUA = TAKE_FN + """
if #KEYS > 6 then
  local wait = take(7, 13)
  if wait > 0 then return {-1, wait} end
end
local state = false
if ARGV[10] ~= '' or ARGV[11] ~= '' or ARGV[12] == '1' then state = redis.call('HGET', KEYS[4], 'state') end
if ARGV[12] == '1' and not state then return {-2, 0} end
if ARGV[11] ~= '' and (state ~= 'assigned' or redis.call('HGET', KEYS[4], 'agent') ~= ARGV[11]) then
  return {-3, 0}
end
if ARGV[3] ~= '' then
  local seen = redis.call('HGET', KEYS[3], ARGV[3])
  if seen then return {0, tonumber(seen)} end
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
local recorded = 0
if ARGV[5] ~= '' then
  local wanted = ARGV[10] == ''
  for s in string.gmatch(ARGV[10], '[^,]+') do if s == state then wanted = true end end
  if wanted then
    local turn = ARGV[6] .. ':' .. seq
    redis.call('HSET', KEYS[5], turn, ARGV[5])
    redis.call('ZADD', KEYS[6], ARGV[7], turn)
    recorded = 1
  end
end
if ARGV[8] ~= '' then
  redis.call('PUBLISH', ARGV[8], '{"seq":' .. seq .. ',' .. ARGV[9])
end
return {1 + recorded, seq}
"""
REFUSED = {-1: "rate_limited", -2: "not_found", -3: "not_assigned"}


@dataclass(frozen=True)
class Appended:
    """What became of a message given to `History.append`."""
    seq: int = 0  # its seq (a repeated client id: the first one's)
    new: bool = False
    turn: bool = False  # its pending bot turn was recorded with it
    refused: str | None = None  # rate_limited, not_found or not_assigned: nothing stored
    retry_after: float = 0.0  # seconds, when rate_limited


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
        turn: str | None = None, announce_on: str | None = None, turn_states: tuple[str, ...] = (),
        assigned_to: str | None = None, must_exist: bool = False, quota: Take | None = None,
    ) -> Appended:
        """Store `frame` (a repeated client_key: not again) in one atomic step and one round trip.

        `turn` (an `outbox.PendingTurn` as JSON) is recorded as a pending bot turn with it, when the
        conversation is in one of `turn_states` (any, when empty), so a message is never acknowledged
        without it (`outbox.py`). A new entry is published on the channel `announce_on` as a
        `BusHistory` frame. Before anything is stored, a chat message is counted against `quota` and
        checked: the conversation exists (`must_exist`), it is assigned to the agent `assigned_to`.
        The conversation itself lives as long as its history from now on."""
        data = frame.model_copy(update={"seq": None, "conversation_id": cid}).model_dump_json()
        announcement = ""
        if announce_on:
            full = frame.model_copy(update={"seq": None, "conversation_id": cid, "internal": visibility != "all"})
            # not validated: the seq is the script's to write
            announcement = BusHistory.model_construct(type="history", conversation_id=cid, visibility=visibility,
                                                      frame=full).model_dump_json(exclude={"seq"})[1:]
        code, value = await self._append(
            keys=[self.k.seq(cid), self.k.stream(cid), self.k.client_ids(cid), self.k.conv(cid),
                  self.k.outbox, self.k.outbox_order, *(quota.keys if quota else ())],
            args=[data, visibility, client_key or "", self.ttl, turn or "", cid, time.time(),
                  announce_on or "", announcement, ",".join(turn_states), assigned_to or "",
                  "1" if must_exist else "0", *(quota.args if quota else ())],
        )
        code, value = int(code), int(value)
        if code < 0:
            return Appended(refused=REFUSED[code], retry_after=round(value / 1000, 2) if code == -1 else 0.0)
        return Appended(seq=value, new=code > 0, turn=code == 2)

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
