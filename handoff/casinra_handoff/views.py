"""The frames that show a conversation: its state (player and agent), the agents' queue, and the
whole conversation with what the bot knew and the player's back-office context.

Topics, intents, reasons, priorities and risks go out as contract ids with their Turkish labels
(`casinra_contracts.topics`); a player is shown labels only.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from casinra_contracts.handoff import Handoff
from casinra_contracts.topics import (
    intent_label, priority_band, priority_label, reason_label, risk_label, topic_label,
)

from . import frames as F
from .backoffice import BackOffice
from .history import History
from .metrics import Metrics
from .presence import Presence
from .queue import Queue
from .rasa import RasaClient, RasaError, tracker_context
from .state import Conversation, StateStore

log = logging.getLogger("casinra.views")


def handoff_view(h: Handoff) -> F.HandoffView:
    return F.HandoffView(
        topic=h.topic, topic_label=topic_label(h.topic), intent=h.intent, intent_label=intent_label(h.intent),
        reason=h.reason, reason_label=reason_label(h.reason), priority=h.priority,
        priority_label=priority_label(h.priority), risk=h.risk, risk_label=risk_label(h.risk),
        summary=h.summary, language=h.language, references=list(h.references),
    )


def player_ref(conv: Conversation) -> F.PlayerRef | None:
    return F.PlayerRef(id=conv.player_id, name=conv.player_name or conv.player_id) if conv.player_id else None


class Views:
    def __init__(self, state: StateStore, queue: Queue, presence: Presence, history: History, rasa: RasaClient,
                 backoffice: BackOffice, metrics: Metrics) -> None:
        self.state = state
        self.queue = queue
        self.presence = presence
        self.history = history
        self.rasa = rasa
        self.backoffice = backoffice
        self.metrics = metrics

    async def state_frame(self, conv: Conversation, *, for_agent: bool = False) -> F.StateOut:
        """Queue position and ETA while queued, the agent's name while assigned, the topic while
        either; agents also get the conversation id and the priority."""
        frame = F.StateOut(conversation_id=conv.id if for_agent else None, state=conv.state)
        if conv.state == "queued":
            frame.position = await self.queue.position(conv.id)
            frame.eta_seconds = await self.queue.eta(frame.position, len(await self.presence.online()))
        if conv.state == "assigned" and conv.agent_display:
            frame.agent = F.AgentRef(display_name=conv.agent_display)
        handoff = conv.handoff
        if handoff and conv.state in ("queued", "assigned"):
            frame.topic, frame.topic_label = handoff.topic, topic_label(handoff.topic)
            if for_agent:
                frame.priority, frame.priority_label = handoff.priority, priority_label(handoff.priority)
        return frame

    async def queue_snapshot(self, languages: tuple[str, ...] | None = None) -> F.QueueOut:
        """The queue in priority order; for an agent (`languages`), within each priority the chats
        in a language the agent serves come first and are marked (`in_my_language`)."""
        now = time.time()
        items = []
        ids = await self.queue.ids()
        for pos, (cid, conv) in enumerate(zip(ids, await self.state.get_many(ids)), start=1):
            handoff = conv.handoff if conv else None
            if conv is None or conv.state != "queued" or handoff is None:
                continue
            queued_at = float(conv.queued_at or now)
            items.append(F.QueueItem(
                **handoff_view(handoff).model_dump(), conversation_id=cid, position=pos, player=player_ref(conv),
                guest=conv.guest, queued_at=queued_at, waiting_seconds=round(max(0.0, now - queued_at), 1),
                team=conv.team, requeued=conv.requeued,
            ))
        if languages:
            for item in items:
                item.in_my_language = item.language in languages
            items.sort(key=lambda i: (priority_band(i.priority), not i.in_my_language, i.position))
        online = await self.presence.online()
        self.metrics.queue_length.set(len(items))
        return F.QueueOut(agents_online=len(online), items=items)

    async def conversation_snapshot(self, cid: str) -> F.ConversationOut | None:
        conv = await self.state.get(cid)
        if conv is None:
            return None
        entries = await self.history.read(cid, 0, include_internal=True)
        transcript = [e.frame.model_copy(update={"internal": e.visibility != "all"}) for e in entries]
        context: dict[str, Any] = {"intents": [], "slots": {}, "profile": None, "kyc": None, "transactions": []}
        try:
            context.update(tracker_context(await self.rasa.tracker(cid)))
        except RasaError:
            log.warning("tracker unavailable for agent context", extra={"conversation_id": cid})
        if conv.player_id:
            context.update(await self._player_context(conv.player_id))
        handoff = conv.handoff
        return F.ConversationOut(
            conversation_id=cid, state=conv.state,
            agent=F.AgentRef(display_name=conv.agent_display, username=conv.agent) if conv.agent and conv.agent_display else None,
            player=player_ref(conv), guest=conv.guest, handoff=handoff_view(handoff) if handoff else None,
            transcript=transcript, context=context,
        )

    async def _player_context(self, player_id: str) -> dict[str, Any]:
        """Profile, KYC and recent transactions; nothing when the back-office is unreachable."""
        try:
            return dict(await asyncio.to_thread(self.backoffice.players.context, player_id))
        except Exception:
            log.exception("back-office lookup failed", extra={"player_id": player_id})
            return {}
