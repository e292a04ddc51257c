"""Resolved chats go to the back-office: the whole transcript (notes included, personal data
masked) and one `chat_handoffs` row per resolved hand-off with the times the supervisor's figures
need. Ratings are not stored here: the bot's action stores them once, in the `feedback` table."""
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
        queued_at = conv.handoff_at or conv.queued_at or conv.created_at
        spoken = [e for e in entries if e.visibility == "all" and (e.frame.ts or 0) >= (queued_at or 0)]
        first_answer = next((e.frame.ts for e in spoken if e.frame.sender == "agent"), None)
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
        try:
            await asyncio.to_thread(
                self.backoffice.save_handoff, handoff_id=handoff_id(conv), conversation_id=conv.id,
                player_id=conv.player_id, agent_username=agent_username, topic=conv.topic, priority=conv.priority,
                reason=conv.reason, intent=conv.intent, risk=conv.risk, queued_at=queued_at,
                assigned_at=conv.assigned_at, first_response_at=first_answer, resolved_at=resolved_at,
                agent_messages=sum(1 for e in spoken if e.frame.sender == "agent"),
                player_messages=sum(1 for e in spoken if e.frame.sender == "player"),
            )
        except Exception:
            log.exception("hand-off record failed", extra={"conversation_id": conv.id})


def handoff_id(conv: Conversation) -> str:
    """One hand-off of a conversation: its id and when it was queued (ms). The bot gets it with
    `EXTERNAL_handoff_resolved`, so the rating names the hand-off it rates."""
    return f"{conv.id}@{int(float(conv.handoff_at or conv.queued_at or 0) * 1000)}"
