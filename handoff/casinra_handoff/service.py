"""The hand-off state machine and every conversation operation, shared by the socket routes.

Stateless between calls: all state is in Redis (state, queue, history, presence), frames between
replicas go over pub/sub, and the back-office DB receives audit entries and archived transcripts.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any, Awaitable, Callable

import redis.asyncio as aioredis

from . import frames as F
from .auth import AgentIdentity, AgentSessions
from .backoffice import BackOffice
from .canned import CannedTopic
from .history import History
from .keys import Keys
from .metrics import Metrics
from .presence import Presence
from .pubsub import PubSub
from .queue import Queue, score
from .rasa import RasaClient, RasaError, tracker_context
from .settings import Settings
from .state import Conversation, StateStore

log = logging.getLogger("casinra.gateway")

RATING_RE = re.compile(r'^/rate\{\s*"rating"\s*:\s*"?([1-5])"?\s*\}$')
PRIORITIES = ("urgent", "high", "normal")

SYS_QUEUED = "Sizi canlı destek sırasına aldım. Bir temsilci kısa süre içinde sizinle olacak."
SYS_JOINED = "{name} sohbete katıldı."
SYS_TRANSFERRED_AGENT = "Sohbetiniz {name} adlı temsilcimize aktarıldı."
SYS_TRANSFERRED_TEAM = "Sohbetiniz ilgili ekibe aktarıldı; sıranın başına alındınız."
SYS_REQUEUED = "Temsilcimizin bağlantısı koptu; sohbetiniz sıranın başına alındı."
SYS_RESOLVED = "Canlı destek görüşmesi sona erdi."
SYS_BOT_DOWN = "Asistan şu anda yanıt veremiyor. Lütfen biraz sonra tekrar deneyin."
SYS_UNAVAILABLE = {
    "offline": "Şu anda çevrim içi temsilcimiz yok. Bize e-posta ile ulaşabilir veya geri arama isteyebilirsiniz.",
    "out_of_hours": "Canlı destek şu anda mesai saatleri dışında. Bize e-posta ile ulaşabilir veya geri arama isteyebilirsiniz.",
}

Notify = Callable[[F.OutFrame], Awaitable[None]] | None


class Gateway:
    def __init__(
        self, settings: Settings, redis: aioredis.Redis, bus: PubSub, rasa: RasaClient, backoffice: BackOffice,
        metrics: Metrics, canned: list[CannedTopic],
    ) -> None:
        self.settings = settings
        self.redis = redis
        self.bus = bus
        self.rasa = rasa
        self.backoffice = backoffice
        self.metrics = metrics
        self.canned = canned
        self.keys = Keys(settings.key_prefix)
        self.state = StateStore(redis, self.keys, settings.conversation_ttl_s)
        self.history = History(redis, self.keys, settings.conversation_ttl_s)
        self.queue = Queue(redis, self.keys, settings.default_handle_time_s)
        self.presence = Presence(redis, self.keys, settings.presence_ttl_s)
        self.sessions = AgentSessions(redis, self.keys, settings.agent_session_ttl_s)
        self.background: set[asyncio.Task[Any]] = set()
        self._turn_locks: dict[str, asyncio.Lock] = {}

    # ------------------------------------------------------------------ plumbing
    def spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self.background.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self.background.discard(task)
        if not task.cancelled() and task.exception():
            log.error("background task failed", exc_info=task.exception(), extra={"task": task.get_name()})

    async def publish(self, channel: str, frame: F.Frame) -> None:
        await self.bus.publish(channel, frame.model_dump_json())

    async def add_message(
        self, cid: str, frame: F.MessageOut, *, visibility: str = "all", client_key: str | None = None
    ) -> tuple[int, bool]:
        seq, new = await self.history.append(cid, frame, visibility=visibility, client_key=client_key)
        if new:
            full = frame.model_copy(update={"seq": seq, "conversation_id": cid, "internal": visibility != "all"})
            await self.publish(self.keys.ch_conv(cid), F.BusHistory(
                type="history", conversation_id=cid, seq=seq, visibility=visibility, frame=full))
            self.metrics.messages.labels(frame.sender if visibility == "all" else "note").inc()
        return seq, new

    async def system_message(self, cid: str, text: str) -> None:
        await self.add_message(cid, F.MessageOut(sender="system", text=text, ts=time.time()))

    async def typing(self, cid: str, sender: str, state: bool) -> None:
        await self.publish(self.keys.ch_conv(cid), F.BusTyping(type="typing", conversation_id=cid, sender=sender, state=state))  # type: ignore[arg-type]

    async def state_changed(self, cid: str, *, queue: bool = True) -> None:
        await self.publish(self.keys.ch_conv(cid), F.BusState(type="state_changed", conversation_id=cid))
        if queue:
            await self.publish(self.keys.ch_queue, F.BusQueueChanged(type="queue_changed"))

    async def audit(self, agent: AgentIdentity | None, action: str, target: str | None, **details: Any) -> None:
        try:
            await asyncio.to_thread(
                self.backoffice.audit, "agent" if agent else "system", agent.username if agent else "gateway",
                action, target, details,
            )
        except Exception:
            log.exception("audit write failed", extra={"action": action})
        log.info("audit", extra={"actor": agent.username if agent else "system", "action": action, "target": target})

    # ------------------------------------------------------------------ views
    async def state_frame(self, conv: Conversation, *, with_id: bool = False) -> F.StateOut:
        position = eta = None
        agent = None
        if conv.state == "queued":
            position = await self.queue.position(conv.id)
            online = len(await self.presence.online())
            eta = await self.queue.eta(position, online)
        if conv.state == "assigned" and conv.agent_display:
            agent = F.AgentRef(display_name=conv.agent_display)
        return F.StateOut(
            conversation_id=conv.id if with_id else None, state=conv.state, position=position, eta_seconds=eta,
            agent=agent, topic=conv.topic if conv.state in ("queued", "assigned") else None,
            priority=conv.priority if conv.state in ("queued", "assigned") else None,
        )

    async def queue_snapshot(self) -> F.QueueOut:
        ids = await self.queue.ids()
        now = time.time()
        items = []
        for pos, cid in enumerate(ids, start=1):
            conv = await self.state.get(cid)
            if conv is None or conv.state != "queued":
                continue
            queued_at = float(conv.queued_at or now)
            items.append(F.QueueItem(
                conversation_id=cid, position=pos, priority=conv.priority or "normal", topic=conv.topic,
                reason=conv.reason, summary=conv.summary,
                player=F.PlayerRef(id=conv.player_id, name=conv.player_name or conv.player_id) if conv.player_id else None,
                guest=conv.guest, queued_at=queued_at, waiting_seconds=round(max(0.0, now - queued_at), 1),
                team=conv.team, requeued=conv.requeued,
            ))
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
            context.update(await asyncio.to_thread(self.backoffice.player_context, conv.player_id))
        handoff = None
        if conv.reason or conv.topic:
            handoff = {"reason": conv.reason, "topic": conv.topic, "priority": conv.priority, "summary": conv.summary}
        return F.ConversationOut(
            conversation_id=cid, state=conv.state,
            agent=F.AgentRef(display_name=conv.agent_display, username=conv.agent) if conv.agent and conv.agent_display else None,
            player=F.PlayerRef(id=conv.player_id, name=conv.player_name or conv.player_id) if conv.player_id else None,
            guest=conv.guest, handoff=handoff, transcript=transcript, context=context,
        )

    # ------------------------------------------------------------------ player side
    def metadata(self, conv: Conversation) -> dict[str, Any]:
        if conv.guest:
            return {}
        return {"player_id": conv.player_id, "player_name": conv.player_name}

    async def player_message(
        self, conv: Conversation, frame: F.PlayerMessageIn, notify: Notify = None
    ) -> F.ErrorOut | None:
        text = frame.text.strip()
        attachment = None
        if frame.attachment_id:
            data = await self.redis.hgetall(self.keys.attachment(frame.attachment_id))
            if not data or data.get("conversation_id") != conv.id:
                return F.error("invalid_attachment", ref=frame.id)
            attachment = F.AttachmentRef(id=frame.attachment_id, name=data["name"],
                                         content_type=data["content_type"], size=int(data["size"]))
        if not text and attachment is None:
            return F.error("empty_message", ref=frame.id)
        msg = F.MessageOut(sender="player", text=text, client_id=frame.id, ts=time.time(), attachment=attachment)
        seq, new = await self.add_message(conv.id, msg, client_key="p:" + frame.id)
        if not new:
            return None  # a resend of an accepted message: already processed
        if conv.state in ("bot", "resolved") and text.lstrip("/ \t\n"):
            self.spawn(self.bot_turn(conv.id, text, "text", f"{conv.id}:{seq}", notify), f"turn:{conv.id}")
        return None

    async def player_button(
        self, conv: Conversation, frame: F.PlayerButtonIn, notify: Notify = None
    ) -> F.ErrorOut | None:
        if conv.state not in ("bot", "resolved"):
            return F.error("buttons_inactive", ref=frame.id)
        title = await self.state.offered_title(conv.id, frame.payload)
        if title is None:
            return F.error("invalid_button", ref=frame.id)
        msg = F.MessageOut(sender="player", text=title, client_id=frame.id, ts=time.time())
        seq, new = await self.add_message(conv.id, msg, client_key="p:" + frame.id)
        if not new:
            return None
        m = RATING_RE.match(frame.payload)
        if m:
            self.spawn(asyncio.to_thread(self.backoffice.set_rating, conv.id, int(m.group(1))), f"rating:{conv.id}")
        self.spawn(self.bot_turn(conv.id, frame.payload, "button", f"{conv.id}:{seq}", notify), f"turn:{conv.id}")
        return None

    async def player_typing(self, conv: Conversation, state: bool) -> None:
        if conv.state in ("queued", "assigned"):
            await self.typing(conv.id, "player", state)

    async def bot_turn(self, cid: str, message: str, kind: str, message_id: str, notify: Notify) -> None:
        lock = self._turn_locks.setdefault(cid, asyncio.Lock())
        async with lock:
            conv = await self.state.get(cid)
            if conv is None or conv.state not in ("bot", "resolved"):
                return  # the chat moved to an agent meanwhile: the bot stays silent
            await self.typing(cid, "bot", True)
            started = time.perf_counter()
            try:
                if conv.rasa_paused:  # an earlier resume failed: resume before talking again
                    await self.rasa.resume(cid)
                    await self.state.set_fields(cid, rasa_paused=None)
                msgs = await self.rasa.send_turn(cid, message, kind, message_id, self.metadata(conv))
            except RasaError as exc:
                log.warning("rasa turn failed", extra={"conversation_id": cid, "error": str(exc)})
                await self.typing(cid, "bot", False)
                await self.system_message(cid, SYS_BOT_DOWN)
                if notify:
                    await notify(F.error("bot_unavailable"))
                return
            finally:
                self.metrics.bot_latency.observe(time.perf_counter() - started)
            await self.typing(cid, "bot", False)
            await self.deliver_bot_messages(cid, msgs)
        if not lock.locked() and not lock._waiters:  # type: ignore[attr-defined]
            self._turn_locks.pop(cid, None)

    async def deliver_bot_messages(self, cid: str, msgs: list[dict[str, Any]], *, allow_handoff: bool = True) -> None:
        for m in msgs:
            custom = m.get("custom") if isinstance(m.get("custom"), dict) else None
            handoff = custom.get("handoff") if custom else None
            text = m.get("text") if isinstance(m.get("text"), str) else ""
            buttons = [
                F.Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                for b in (m.get("buttons") or []) if isinstance(b, dict) and b.get("payload")
            ]
            image = m.get("image") if isinstance(m.get("image"), str) else None
            if text or buttons or image:
                if buttons:
                    await self.state.offer_buttons(cid, [(b.title, b.payload) for b in buttons])
                await self.add_message(cid, F.MessageOut(sender="bot", text=text, buttons=buttons, image=image, ts=time.time()))
            if isinstance(handoff, dict) and allow_handoff:
                await self.start_handoff(cid, handoff)

    async def start_handoff(self, cid: str, payload: dict[str, Any]) -> None:
        priority = payload.get("priority") if payload.get("priority") in PRIORITIES else "normal"
        topic = str(payload.get("topic") or "genel")[:64]
        reason = str(payload.get("reason") or "human_handoff")[:64]
        summary = str(payload.get("summary") or "")[:500]
        self.metrics.handoffs.labels(topic, priority).inc()
        if not self.settings.within_support_hours():
            await self.agents_unavailable(cid, "out_of_hours")
            return
        if not await self.presence.online():
            await self.agents_unavailable(cid, "offline")
            return
        now = time.time()
        ok = await self.state.transition(
            cid, expect=("bot", "resolved"), queue_op="add", score=score(priority, now), assigned_op="rem",
            state="queued", topic=topic, reason=reason, priority=priority, summary=summary, queued_at=now,
            handoff_at=now, requeued=False, team=None, agent=None, agent_display=None, assigned_at=None,
            offline_since=None,
        )
        if not ok:
            return
        self.metrics.outcomes.labels("queued").inc()
        log.info("handoff queued", extra={"conversation_id": cid, "topic": topic, "priority": priority})
        await self.system_message(cid, SYS_QUEUED)
        await self.state_changed(cid)

    async def agents_unavailable(self, cid: str, reason: str) -> None:
        self.metrics.outcomes.labels(f"unavailable_{reason}").inc()
        log.info("agents unavailable", extra={"conversation_id": cid, "reason": reason})
        try:
            await self.rasa.resume(cid)
            msgs = await self.rasa.trigger_intent(cid, "EXTERNAL_agents_unavailable", {"reason": reason})
        except RasaError:
            log.warning("rasa unavailable while reporting no agents", extra={"conversation_id": cid})
            await self.state.set_fields(cid, rasa_paused=True)
            await self.system_message(cid, SYS_UNAVAILABLE[reason])
            return
        await self.deliver_bot_messages(cid, msgs, allow_handoff=False)

    # ------------------------------------------------------------------ agent side
    async def owned(self, agent: AgentIdentity, cid: str) -> Conversation | None:
        conv = await self.state.get(cid)
        if conv is None or conv.state != "assigned" or conv.agent != agent.username:
            return None
        return conv

    async def assigned_to(self, username: str) -> list[str]:
        out = []
        for cid in await self.state.assigned_ids():
            conv = await self.state.get(cid)
            if conv and conv.state == "assigned" and conv.agent == username:
                out.append(cid)
        return out

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
        self.metrics.wait.observe(max(0.0, now - float(conv.queued_at or now)))
        self.metrics.outcomes.labels("claimed").inc()
        await self.audit(agent, "claim", cid, waited_s=round(now - float(conv.queued_at or now), 1))
        await self.system_message(cid, SYS_JOINED.format(name=agent.display_name))
        await self.state_changed(cid)
        await self.publish(self.keys.ch_agent(agent.username), F.BusAgentOpen(type="agent_open", conversation_id=cid))
        return None

    async def agent_message(self, agent: AgentIdentity, frame: F.AgentMessageIn) -> F.ErrorOut | None:
        if await self.owned(agent, frame.conversation_id) is None:
            return F.error("not_assigned", ref=frame.id, conversation_id=frame.conversation_id)
        msg = F.MessageOut(sender="agent", text=frame.text, client_id=frame.id, ts=time.time(),
                           agent=F.AgentRef(display_name=agent.display_name))
        seq, new = await self.add_message(frame.conversation_id, msg, client_key="a:" + frame.id)
        if new:
            await self.audit(agent, "message", frame.conversation_id, seq=seq, chars=len(frame.text))
        return None

    async def note(self, agent: AgentIdentity, frame: F.NoteIn) -> F.ErrorOut | None:
        if await self.owned(agent, frame.conversation_id) is None:
            return F.error("not_assigned", ref=frame.id, conversation_id=frame.conversation_id)
        msg = F.MessageOut(sender="agent", text=frame.text, client_id=frame.id, ts=time.time(),
                           agent=F.AgentRef(display_name=agent.display_name), internal=True)
        seq, new = await self.add_message(frame.conversation_id, msg, visibility="agents", client_key="a:" + frame.id)
        if new:
            await self.audit(agent, "note", frame.conversation_id, seq=seq)
        return None

    async def agent_typing(self, agent: AgentIdentity, cid: str, state: bool) -> F.ErrorOut | None:
        if await self.owned(agent, cid) is None:
            return F.error("not_assigned", conversation_id=cid)
        await self.typing(cid, "agent", state)
        return None

    async def transfer(self, agent: AgentIdentity, frame: F.TransferIn) -> F.ErrorOut | None:
        cid = frame.conversation_id
        conv = await self.owned(agent, cid)
        if conv is None:
            return F.error("not_assigned", conversation_id=cid)
        if bool(frame.to_agent) == bool(frame.to_team):
            return F.error("invalid_frame", "to_agent veya to_team alanlarından tam olarak biri gerekli.", conversation_id=cid)
        if frame.note:
            await self.add_message(cid, F.MessageOut(sender="agent", text=frame.note, ts=time.time(),
                                                     agent=F.AgentRef(display_name=agent.display_name), internal=True),
                                   visibility="agents")
        if frame.to_agent:
            if frame.to_agent == agent.username:
                return F.error("invalid_frame", "Sohbet zaten sizde.", conversation_id=cid)
            target = await asyncio.to_thread(self.backoffice.find_agent, frame.to_agent)
            if not target or not target.get("active") or not await self.presence.is_online(frame.to_agent):
                return F.error("agent_offline", conversation_id=cid)
            ok = await self.state.transition(
                cid, expect=("assigned",), expect_agent=agent.username, agent=target["username"],
                agent_display=target["display_name"], assigned_at=time.time(), offline_since=None,
            )
            if not ok:
                return F.error("not_assigned", conversation_id=cid)
            await self.audit(agent, "transfer", cid, to_agent=target["username"])
            await self.system_message(cid, SYS_TRANSFERRED_AGENT.format(name=target["display_name"]))
            await self.publish(self.keys.ch_agent(agent.username),
                               F.BusAgentRelease(type="agent_release", conversation_id=cid, reason="transferred"))
            await self.publish(self.keys.ch_agent(target["username"]), F.BusAgentOpen(type="agent_open", conversation_id=cid))
            await self.state_changed(cid, queue=False)
        else:
            ok = await self.state.transition(
                cid, expect=("assigned",), expect_agent=agent.username, queue_op="add",
                score=score(conv.priority, time.time(), front=True), assigned_op="rem", state="queued",
                team=frame.to_team, requeued=True, agent=None, agent_display=None, assigned_at=None,
                offline_since=None,
            )
            if not ok:
                return F.error("not_assigned", conversation_id=cid)
            await self.audit(agent, "transfer", cid, to_team=frame.to_team)
            await self.system_message(cid, SYS_TRANSFERRED_TEAM)
            await self.publish(self.keys.ch_agent(agent.username),
                               F.BusAgentRelease(type="agent_release", conversation_id=cid, reason="transferred"))
            await self.state_changed(cid)
        self.metrics.outcomes.labels("transferred").inc()
        return None

    async def resolve(self, agent: AgentIdentity, cid: str) -> F.ErrorOut | None:
        conv = await self.owned(agent, cid)
        if conv is None:
            return F.error("not_assigned", conversation_id=cid)
        now = time.time()
        ok = await self.state.transition(
            cid, expect=("assigned",), expect_agent=agent.username, assigned_op="rem", state="resolved",
            resolved_at=now,
        )
        if not ok:
            return F.error("not_assigned", conversation_id=cid)
        self.metrics.outcomes.labels("resolved").inc()
        await self.system_message(cid, SYS_RESOLVED)
        await self.state_changed(cid)
        await self.publish(self.keys.ch_agent(agent.username),
                           F.BusAgentRelease(type="agent_release", conversation_id=cid, reason="resolved"))
        await self.queue.record_handle_time(now - float(conv.assigned_at or now))
        await self.archive(conv, agent.username, now)
        await self.audit(agent, "resolve", cid)
        await self.state.transition(cid, expect=("resolved",), state="bot", agent=None, agent_display=None)
        await self.state_changed(cid, queue=False)
        try:
            await self.rasa.resume(cid)
            msgs = await self.rasa.trigger_intent(cid, "EXTERNAL_handoff_resolved", {"agent_name": agent.display_name})
        except RasaError:
            log.warning("rasa unavailable on resolve", extra={"conversation_id": cid})
            await self.state.set_fields(cid, rasa_paused=True)
            return None
        await self.deliver_bot_messages(cid, msgs, allow_handoff=False)
        return None

    async def archive(self, conv: Conversation, agent_username: str | None, resolved_at: float) -> None:
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

    async def requeue(self, conv: Conversation) -> bool:
        ok = await self.state.transition(
            conv.id, expect=("assigned",), expect_agent=conv.agent or "", queue_op="add",
            score=score(conv.priority, time.time(), front=True), assigned_op="rem", state="queued",
            requeued=True, agent=None, agent_display=None, assigned_at=None, offline_since=None,
        )
        if not ok:
            return False
        self.metrics.outcomes.labels("requeued").inc()
        log.info("agent grace expired, re-queued", extra={"conversation_id": conv.id, "agent": conv.agent})
        await self.audit(None, "requeue", conv.id, from_agent=conv.agent)
        await self.system_message(conv.id, SYS_REQUEUED)
        if conv.agent:
            await self.publish(self.keys.ch_agent(conv.agent),
                               F.BusAgentRelease(type="agent_release", conversation_id=conv.id, reason="requeued"))
        await self.state_changed(conv.id)
        return True

    # ------------------------------------------------------------------ periodic sweep
    async def sweep(self) -> None:
        now = time.time()
        online = await self.presence.online()
        self.metrics.agents_online.set(len(online))
        self.metrics.queue_length.set(await self.queue.length())
        for cid in await self.state.assigned_ids():
            conv = await self.state.get(cid)
            if conv is None or conv.state != "assigned":
                await self.redis.srem(self.keys.assigned, cid)
                continue
            if conv.agent in online:
                if conv.offline_since is not None:
                    await self.state.set_fields(cid, offline_since=None)
            elif conv.offline_since is None:
                await self.state.set_fields(cid, offline_since=now)
            elif now - float(conv.offline_since) >= self.settings.agent_grace_s:
                await self.requeue(conv)
        key = f"{self.keys.p}:queue_offline_since"
        if online:
            await self.redis.delete(key)
            return
        if not await self.queue.length():
            return
        await self.redis.set(key, now, nx=True)
        since = float(await self.redis.get(key) or now)
        if now - since < self.settings.queue_offline_grace_s:
            return
        for cid in await self.queue.ids():
            ok = await self.state.transition(cid, expect=("queued",), queue_op="rem", state="bot")
            if ok:
                await self.state_changed(cid)
                await self.agents_unavailable(cid, "offline")
