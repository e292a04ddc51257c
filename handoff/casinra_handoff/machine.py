"""The hand-off state machine.

    bot ──enqueue──▶ queued ──claim──▶ assigned ──resolve──▶ resolved ──▶ bot
     ▲                 │ ▲                │
     │  no agent       │ └── requeue (the agent's grace period ran out) / transfer to a team
     └── online ◀──────┘                  └── transfer to an agent: stays assigned, new owner

Each step is one atomic transition in Redis (`state.py`), so any number of replicas can race on
it: exactly one wins. A step that changes who sees the chat tells the player (`notices.py`), the
agents' sockets (`chat.py`) and the audit log. Talking to the bot is not done here: the callers
(`service.py`, `sweeper.py`) hand the outcome to the Rasa bridge.
"""
from __future__ import annotations

import asyncio
import logging
import time

from casinra_contracts.handoff import Handoff

from . import frames as F
from . import notices
from .archive import Archive
from .audit import Audit
from .auth import AgentIdentity
from .backoffice import BackOffice
from .chat import Chat
from .hours import open_at
from .metrics import Metrics
from .presence import Presence
from .queue import Queue, score
from .settings import Settings
from .state import Conversation, StateStore, handoff_fields

log = logging.getLogger("casinra.machine")

NOT_ASSIGNED = {"agent": None, "agent_display": None, "assigned_at": None, "offline_since": None}


class HandoffMachine:
    def __init__(self, settings: Settings, state: StateStore, queue: Queue, presence: Presence, chat: Chat,
                 audit: Audit, archive: Archive, backoffice: BackOffice, metrics: Metrics) -> None:
        self.settings = settings
        self.state = state
        self.queue = queue
        self.presence = presence
        self.chat = chat
        self.audit = audit
        self.archive = archive
        self.backoffice = backoffice
        self.metrics = metrics

    # ------------------------------------------------------------------ bot → queued
    async def enqueue(self, cid: str, handoff: Handoff) -> str | None:
        """Queue the chat for an agent. Returns why nobody can take it ('out_of_hours', 'offline')
        instead; the chat then stays with the bot."""
        self.metrics.handoffs.labels(handoff.topic, handoff.priority).inc()
        if not open_at(self.settings.support_hours):
            return "out_of_hours"
        if not await self.presence.online():
            return "offline"
        now = time.time()
        ok = await self.state.transition(
            cid, expect=("bot", "resolved"), queue_op="add", score=score(handoff.priority, now), assigned_op="rem",
            state="queued", **handoff_fields(handoff), queued_at=now, handoff_at=now, requeued=False, team=None,
            **NOT_ASSIGNED,
        )
        if ok:
            self.metrics.outcomes.labels("queued").inc()
            log.info("handoff queued", extra={"conversation_id": cid, "topic": handoff.topic, "priority": handoff.priority})
            await self.chat.notice(cid, notices.QUEUED.get(handoff.language, notices.QUEUED["tr"]))
            await self.chat.state_changed(cid)
        return None

    # ------------------------------------------------------------------ queued → assigned
    async def claim(self, agent: AgentIdentity, cid: str) -> F.ErrorOut | None:
        conv = await self.state.get(cid)
        if conv is None:
            return F.error("not_found", conversation_id=cid)
        now = time.time()
        ok = await self.state.transition(
            cid, expect=("queued",), require_queued=True, queue_op="rem", assigned_op="add",
            state="assigned", agent=agent.username, agent_display=agent.display_name, assigned_at=now,
            offline_since=None,
        )
        if not ok:
            return F.error("not_queued", conversation_id=cid)
        waited = max(0.0, now - float(conv.queued_at or now))
        self.metrics.wait.observe(waited)
        self.metrics.outcomes.labels("claimed").inc()
        await self.audit(agent, "claim", cid, waited_s=round(waited, 1))
        await self.chat.notice(cid, notices.JOINED.format(name=agent.display_name))
        await self.chat.state_changed(cid)
        await self.chat.open_for(agent.username, cid)
        return None

    # ------------------------------------------------------------------ assigned → another owner
    async def transfer(self, agent: AgentIdentity, frame: F.TransferIn) -> F.ErrorOut | None:
        cid = frame.conversation_id
        if await self.owned(agent, cid) is None:
            return F.error("not_assigned", conversation_id=cid)
        if bool(frame.to_agent) == bool(frame.to_team):
            return F.error("invalid_frame", "to_agent veya to_team alanlarından tam olarak biri gerekli.", conversation_id=cid)
        if frame.to_agent == agent.username:
            return F.error("invalid_frame", "Sohbet zaten sizde.", conversation_id=cid)
        if frame.note:
            await self.chat.add(cid, F.MessageOut(sender="agent", text=frame.note, ts=time.time(), internal=True,
                                                  agent=F.AgentRef(display_name=agent.display_name)),
                                visibility="agents")
        err = await (self._to_agent(agent, cid, frame.to_agent) if frame.to_agent else
                     self._to_team(agent, cid, frame.to_team or ""))
        if err is None:
            self.metrics.outcomes.labels("transferred").inc()
        return err

    async def _to_agent(self, agent: AgentIdentity, cid: str, username: str) -> F.ErrorOut | None:
        target = await asyncio.to_thread(self.backoffice.find_agent, username)
        if not target or not target.get("active") or not await self.presence.is_online(username):
            return F.error("agent_offline", conversation_id=cid)
        ok = await self.state.transition(
            cid, expect=("assigned",), expect_agent=agent.username, agent=target["username"],
            agent_display=target["display_name"], assigned_at=time.time(), offline_since=None,
        )
        if not ok:
            return F.error("not_assigned", conversation_id=cid)
        await self.audit(agent, "transfer", cid, to_agent=target["username"])
        await self.chat.notice(cid, notices.TRANSFERRED_TO_AGENT.format(name=target["display_name"]))
        await self.chat.release(agent.username, cid, "transferred")
        await self.chat.open_for(target["username"], cid)
        await self.chat.state_changed(cid, queue=False)
        return None

    async def _to_team(self, agent: AgentIdentity, cid: str, team: str) -> F.ErrorOut | None:
        if not await self._back_to_queue(cid, agent.username, team=team):
            return F.error("not_assigned", conversation_id=cid)
        await self.audit(agent, "transfer", cid, to_team=team)
        await self.chat.notice(cid, notices.TRANSFERRED_TO_TEAM)
        await self.chat.release(agent.username, cid, "transferred")
        await self.chat.state_changed(cid)
        return None

    # ------------------------------------------------------------------ assigned → queued (agent gone)
    async def requeue(self, conv: Conversation) -> bool:
        """The owner's grace period ran out: back to the front of the queue."""
        if not await self._back_to_queue(conv.id, conv.agent or ""):
            return False
        self.metrics.outcomes.labels("requeued").inc()
        log.info("agent grace expired, re-queued", extra={"conversation_id": conv.id, "agent": conv.agent})
        await self.audit(None, "requeue", conv.id, from_agent=conv.agent)
        await self.chat.notice(conv.id, notices.REQUEUED)
        if conv.agent:
            await self.chat.release(conv.agent, conv.id, "requeued")
        await self.chat.state_changed(conv.id)
        return True

    async def _back_to_queue(self, cid: str, owner: str, *, team: str | None = None) -> bool:
        """To the front of its priority band; a team hint stays until another transfer replaces it."""
        conv = await self.state.get(cid)
        return conv is not None and await self.state.transition(
            cid, expect=("assigned",), expect_agent=owner, queue_op="add", assigned_op="rem", state="queued",
            score=score(conv.priority, time.time(), front=True), requeued=True, **NOT_ASSIGNED,
            **({"team": team} if team else {}),
        )

    # ------------------------------------------------------------------ assigned → resolved → bot
    async def resolve(self, agent: AgentIdentity, cid: str) -> F.ErrorOut | None:
        """End the chat: archive it and give it back to the bot (the caller then resumes Rasa)."""
        conv = await self.owned(agent, cid)
        if conv is None:
            return F.error("not_assigned", conversation_id=cid)
        now = time.time()
        ok = await self.state.transition(
            cid, expect=("assigned",), expect_agent=agent.username, assigned_op="rem", state="resolved", resolved_at=now,
        )
        if not ok:
            return F.error("not_assigned", conversation_id=cid)
        self.metrics.outcomes.labels("resolved").inc()
        await self.chat.notice(cid, notices.RESOLVED)
        await self.chat.state_changed(cid)
        await self.chat.release(agent.username, cid, "resolved")
        await self.queue.record_handle_time(now - float(conv.assigned_at or now))
        await self.archive.save(conv, agent.username, now)
        await self.audit(agent, "resolve", cid)
        await self.state.transition(cid, expect=("resolved",), state="bot", agent=None, agent_display=None)
        await self.chat.state_changed(cid, queue=False)
        return None

    # ------------------------------------------------------------------ queued → bot (nobody online)
    async def release_queue(self) -> list[str]:
        """Every queued chat goes back to the bot; returns their ids (the bot then says why)."""
        released = []
        for cid in await self.queue.ids():
            if await self.state.transition(cid, expect=("queued",), queue_op="rem", state="bot"):
                await self.chat.state_changed(cid)
                released.append(cid)
        return released

    # ------------------------------------------------------------------ ownership
    async def owned(self, agent: AgentIdentity, cid: str) -> Conversation | None:
        """The conversation when it is assigned to `agent` (a message checks this in its append)."""
        conv = await self.state.get(cid)
        if conv is None or conv.state != "assigned" or conv.agent != agent.username:
            return None
        return conv

    async def assigned_to(self, username: str) -> list[str]:
        return (await self.assigned_by_agent()).get(username, [])

    async def assigned_by_agent(self) -> dict[str, list[str]]:
        """Every agent's assigned chats, read in one pass over the assigned set."""
        cids = await self.state.assigned_ids()
        out: dict[str, list[str]] = {}
        for cid, conv in zip(cids, await self.state.get_many(cids)):
            if conv and conv.state == "assigned" and conv.agent:
                out.setdefault(conv.agent, []).append(cid)
        return out
