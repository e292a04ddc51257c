"""Bus → socket for one conversation, the same for the player's socket and each of an agent's
chats: history exactly once and in order, the other side's typing, and the state frame whenever
it changes (for a queued player also when the queue moves)."""
from __future__ import annotations

import asyncio
from typing import Any

from . import frames as F
from .history import ReplayCursor
from .pubsub import Subscription
from .sockets import Connection
from .state import StateStore
from .views import Views


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


async def pump(conn: Connection, sub: Subscription, cursor: ReplayCursor, feed: StateFeed, *, viewer: str,
               queue_sub: Subscription | None = None) -> None:
    """Until cancelled. `viewer` ('player' or 'agent') does not get its own typing back."""
    typing_cid = feed.cid if feed.for_agent else None

    async def conversation_events() -> None:
        async for raw in sub:
            ev = F.parse_bus(raw)
            if isinstance(ev, F.BusHistory):
                for frame in await cursor.admit(ev.seq, ev.frame, ev.visibility):
                    await conn.send(frame)
            elif isinstance(ev, F.BusTyping) and ev.sender != viewer:
                await conn.send(F.TypingOut(conversation_id=typing_cid, sender=ev.sender, state=ev.state))
            elif isinstance(ev, F.BusState):
                await feed.send()

    async def queue_events(queue: Subscription) -> None:
        async for _ in queue:
            if feed.queued:
                await feed.send()

    async with asyncio.TaskGroup() as group:
        group.create_task(conversation_events())
        if queue_sub is not None:
            group.create_task(queue_events(queue_sub))
