"""Resolved chats go to the back-office: the whole transcript (notes included, personal data
masked) and, later, the player's rating."""
from __future__ import annotations

import asyncio
import logging

from .backoffice import BackOffice
from .history import History
from .state import Conversation

log = logging.getLogger("casinra.archive")


class Archive:
    def __init__(self, history: History, backoffice: BackOffice) -> None:
        self.history = history
        self.backoffice = backoffice

    async def save(self, conv: Conversation, agent_username: str | None, resolved_at: float) -> None:
        entries = await self.history.read(conv.id, 0, include_internal=True)
        transcript = [
            {"seq": e.seq, "sender": e.frame.sender, "text": e.frame.text, "ts": e.frame.ts,
             "internal": e.visibility != "all",
             "agent": e.frame.agent.display_name if e.frame.agent else None,
             "attachment": e.frame.attachment.model_dump() if e.frame.attachment else None}
            for e in entries
        ]
        try:
            await asyncio.to_thread(
                self.backoffice.archive, conversation_id=conv.id, player_id=conv.player_id,
                agent_username=agent_username, topic=conv.topic, priority=conv.priority,
                started_at=conv.handoff_at or conv.created_at, resolved_at=resolved_at, transcript=transcript,
            )
        except Exception:
            log.exception("archive failed", extra={"conversation_id": conv.id})

    async def rate(self, cid: str, score: int) -> None:
        """The player's 1–5 rating of the last resolved hand-off."""
        await asyncio.to_thread(self.backoffice.set_rating, cid, score)
