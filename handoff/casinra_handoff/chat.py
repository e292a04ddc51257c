"""What happens in a conversation, told to every replica: history entries, notices, typing,
state changes and the agent events, each a typed frame on Redis pub/sub."""
from __future__ import annotations

import time
from typing import Any, Literal

from . import frames as F
from .history import Appended, History
from .keys import Keys
from .metrics import Metrics
from .pubsub import PubSub


class Chat:
    def __init__(self, history: History, bus: PubSub, keys: Keys, metrics: Metrics) -> None:
        self.history = history
        self.bus = bus
        self.keys = keys
        self.metrics = metrics

    async def publish(self, channel: str, frame: F.Frame) -> None:
        await self.bus.publish(channel, frame.model_dump_json())

    async def add(self, cid: str, frame: F.MessageOut, *, visibility: str = "all", **checks: Any) -> Appended:
        """Store a message and announce it (one atomic step, `history.py`); a repeated client key
        returns the first seq, not new. `checks`: `History.append`'s (the client key, the bot turn
        this message starts, the sender's quota and what the conversation must be)."""
        done = await self.history.append(cid, frame, visibility=visibility, announce_on=self.keys.ch_conv(cid), **checks)
        if done.new:
            self.metrics.messages.labels(frame.sender if visibility == "all" else "note").inc()
        return done

    async def notice(self, cid: str, text: str) -> None:
        """A system message (the texts are in `notices.py`)."""
        await self.add(cid, F.MessageOut(sender="system", text=text, ts=time.time()))

    async def typing(self, cid: str, sender: str, state: bool) -> None:
        await self.publish(self.keys.ch_conv(cid), F.BusTyping(type="typing", conversation_id=cid, sender=sender, state=state))  # type: ignore[arg-type]

    async def state_changed(self, cid: str, *, queue: bool = True) -> None:
        await self.publish(self.keys.ch_conv(cid), F.BusState(type="state_changed", conversation_id=cid))
        if queue:
            await self.queue_changed()

    async def queue_changed(self) -> None:
        await self.publish(self.keys.ch_queue, F.BusQueueChanged(type="queue_changed"))

    async def open_for(self, username: str, cid: str) -> None:
        """Every socket of this agent attaches to the conversation."""
        await self.publish(self.keys.ch_agent(username), F.BusAgentOpen(type="agent_open", conversation_id=cid))

    async def release(self, username: str, cid: str, reason: Literal["resolved", "transferred", "requeued"]) -> None:
        """Every socket of this agent lets the conversation go."""
        await self.publish(self.keys.ch_agent(username),
                           F.BusAgentRelease(type="agent_release", conversation_id=cid, reason=reason))
