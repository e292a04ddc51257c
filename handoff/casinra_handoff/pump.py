"""Bus → socket for one conversation, the same for the player's socket and each of an agent's
chats: history exactly once and in order, the other side's typing, and the state frame whenever
it changes (for a queued player also when the queue moves).

Both loops survive a Redis outage (`sockets.resilient`): when they resume, or when the bus says
that messages may have been lost (`pubsub.RESYNC`), they catch up from Redis.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from pydantic import ValidationError

from . import frames as F
from .history import ReplayCursor
from .pubsub import RESYNC, Subscription
from .sockets import Connection, resilient
from .state import StateStore
from .tasks import cancel
from .views import Views

log = logging.getLogger("casinra.pump")
_parse_bus = functools.lru_cache(maxsize=256)(F.parse_bus)


class StateFeed:
    """Sends the conversation's state frame when it differs from the last one sent."""

    def __init__(self, views: Views, state: StateStore, conn: Connection, cid: str, *, for_agent: bool) -> None:
        self.views = views
        self.state = state
        self.conn = conn
        self.cid = cid
        self.for_agent = for_agent
        self.last: dict[str, Any] | None = None

    async def send(self) -> None:
        conv = await self.state.get(self.cid)
        if conv is None:
            return
        frame = await self.views.state_frame(conv, for_agent=self.for_agent)
        dumped = frame.model_dump()
        if dumped != self.last:
            self.last = dumped
            await self.conn.send(frame)

    @property
    def queued(self) -> bool:
        return self.last is not None and self.last.get("state") == "queued"


def parse_bus(raw: str) -> Any:
    """A typed bus frame, or None for one this version does not understand (logged, skipped).
    Every local subscriber of a channel (an agent's console tabs) gets the same raw frame: it is
    parsed once, and the frames are never changed after."""
    try:
        return _parse_bus(raw)
    except ValidationError:
        log.warning("unreadable bus frame skipped", extra={"size": len(raw)})
        return None


async def pump(conn: Connection, sub: Subscription, cursor: ReplayCursor, feed: StateFeed, *, viewer: str,
               give_up_s: float, queue_sub: Subscription | None = None) -> None:
    """Until cancelled. `viewer` ('player' or 'agent') does not get its own typing back."""
    typing_cid = feed.cid if feed.for_agent else None

    async def catch_up() -> None:
        for frame in await cursor.catch_up():
            await conn.send(frame)
        await feed.send()

    async def conversation_events(resumed: bool) -> None:
        if resumed:
            await catch_up()
        async for raw in sub:
            if raw == RESYNC:
                await catch_up()
                continue
            ev = parse_bus(raw)
            if isinstance(ev, F.BusHistory):
                for frame in await cursor.admit(ev.seq, ev.frame, ev.visibility):
                    await conn.send(frame)
            elif isinstance(ev, F.BusTyping) and ev.sender != viewer:
                await conn.send(F.TypingOut(conversation_id=typing_cid, sender=ev.sender, state=ev.state))
            elif isinstance(ev, F.BusState):
                await feed.send()

    async def queue_events(resumed: bool) -> None:
        assert queue_sub is not None
        if resumed:
            await feed.send()
        async for raw in queue_sub:
            if feed.queued or raw == RESYNC:
                await feed.send()

    tasks = [asyncio.create_task(resilient(conn, f"{viewer}-pump", conversation_events, give_up_s=give_up_s,
                                           conversation_id=feed.cid))]
    if queue_sub is not None:
        tasks.append(asyncio.create_task(resilient(conn, f"{viewer}-queue", queue_events, give_up_s=give_up_s,
                                                   conversation_id=feed.cid)))
    try:
        await asyncio.gather(*tasks)
    finally:
        await cancel(*tasks)
