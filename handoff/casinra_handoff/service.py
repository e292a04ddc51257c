"""The gateway of one process: its parts wired once, and the chat operations the sockets call.

The parts: the hand-off state machine (`machine.py`), the Rasa bridge (`bridge.py`), the views
(`views.py`), the archive (`archive.py`) and the sweeper (`sweeper.py`), over the Redis stores
(state, history, queue, presence, sessions, attachments). Stateless between calls: any number of
replicas can share one Redis.
"""
from __future__ import annotations

import asyncio
import logging
import time

import httpx
import redis.asyncio as aioredis
from casinra_contracts.handoff import Handoff
from casinra_contracts.pii import mask_text

from . import frames as F
from . import notices
from .archive import Archive, handoff_id
from .attachments import Attachments
from .audit import Audit
from .auth import AgentIdentity, AgentSessions
from .backoffice import BackOffice
from .bridge import Notify, RasaBridge
from .canned import CannedTopic, load_canned
from .chat import Chat
from .history import Appended, History
from .keys import Keys
from .machine import HandoffMachine
from .metrics import Metrics
from .outbox import Outbox, PendingTurn
from .presence import Presence
from .pubsub import PubSub, make_pubsub
from .queue import Queue
from .quota import Quotas, Take
from .rasa import RasaClient
from .settings import Settings
from .state import Conversation, StateStore
from .sweeper import Sweeper
from .tasks import Background
from .views import Views

log = logging.getLogger("casinra.gateway")

BOT_STATES = ("bot", "resolved")  # where player turns go to the bot


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
        self.keys = keys = Keys(settings.key_prefix)
        ttl = settings.conversation_ttl_s
        self.state = StateStore(redis, keys, ttl, settings.idle_conversation_ttl_s)
        self.history = History(redis, keys, ttl)
        self.queue = Queue(redis, keys, settings.default_handle_time_s)
        self.presence = Presence(redis, keys, settings.presence_ttl_s)
        self.sessions = AgentSessions(redis, keys, settings.agent_session_ttl_s)
        self.attachments = Attachments(redis, keys, settings.attachments_dir, ttl)
        self.chat = Chat(self.history, bus, keys, metrics)
        self.audit = Audit(backoffice)
        self.archive = Archive(self.history, backoffice)
        self.machine = HandoffMachine(settings, self.state, self.queue, self.presence, self.chat, self.audit,
                                      self.archive, backoffice, metrics)
        self.bridge = RasaBridge(rasa, self.state, self.chat, self.machine, metrics)
        self.views = Views(self.state, self.queue, self.presence, self.history, rasa, backoffice, metrics)
        self.sweeper = Sweeper(settings, self.state, self.queue, self.presence, self.machine, self.bridge, metrics)
        self.background = Background()
        self.outbox = Outbox(redis, keys, orphan_after_s=settings.rasa_timeout_s + 15)
        self.quotas = Quotas(redis, keys, settings)
        # readiness checks of the HTTP dependencies (readiness.py): one client for the process, as making
        # one costs tens of milliseconds of blocked event loop (its TLS context), at every check
        self.checks = httpx.AsyncClient()

    # ------------------------------------------------------------------ life cycle
    @classmethod
    async def start(cls, settings: Settings) -> "Gateway":
        redis = aioredis.from_url(settings.redis_url, decode_responses=True)
        bus = make_pubsub(settings.redis_url, settings.redis_retry_s)
        await bus.connect()
        rasa = RasaClient(settings.rasa_url, settings.rasa_token, settings.channel_secret, settings.rasa_timeout_s)
        backoffice = BackOffice(settings.db_url)
        if settings.demo:
            await asyncio.to_thread(backoffice.seed_demo_agents, settings.demo_agent_password)
        else:
            try:
                await asyncio.to_thread(backoffice.ensure_schema)
            except Exception:
                log.warning("back-office schema not checked (database unreachable?)", exc_info=True)
        return cls(settings, redis, bus, rasa, backoffice, Metrics(), load_canned(settings.canned_dir))

    async def stop(self) -> None:
        await self.background.finish(timeout_s=5)  # let accepted bot turns finish briefly
        try:  # what is left is resumed by another replica at once (or by this one's next start)
            await self.outbox.leave()
        except Exception:
            log.warning("outbox: liveness key not removed (redis unavailable)")
        await self.audit.close()
        await self.bus.disconnect()
        await self.rasa.aclose()
        await self.checks.aclose()
        await self.redis.aclose()
        self.backoffice.dispose()

    # ------------------------------------------------------------------ player side
    async def player_message(self, cid: str, frame: F.PlayerMessageIn, notify: Notify = None,
                             quota: Take | None = None) -> F.ErrorOut | None:
        """Store the player's message, counted against `quota` (their frame quotas), and start the
        bot's turn when the bot has the conversation: one round trip to Redis (`history.py`)."""
        text = frame.text.strip()
        attachment, error = None, None
        if frame.attachment_id:
            stored = await self.attachments.get(frame.attachment_id)
            if stored is None or stored.conversation_id != cid:
                error = F.error("invalid_attachment", ref=frame.id)
            else:
                attachment = stored.ref
        if error is None and not text and attachment is None:
            error = F.error("empty_message", ref=frame.id)
        if error is not None:  # refused before the append: counted like every other frame
            wait = await self.quotas.count(quota)
            return F.error("rate_limited", ref=frame.id, retry_after=wait) if wait else error
        # the history keeps what the player wrote with personal data masked (docs/security.md);
        # the bot gets the clear text for this turn (a form may need the e-mail address)
        msg = F.MessageOut(sender="player", text=mask_text(text), client_id=frame.id, ts=time.time(),
                           attachment=attachment)
        for_bot = bool(text.lstrip("/ \t\n"))
        done = await self.chat.add(cid, msg, client_key="p:" + frame.id, must_exist=True, quota=quota,
                                   turn=self.outbox.record(cid, text, "text") if for_bot else None, turn_states=BOT_STATES)
        if done.refused:
            return _refused(done, frame.id)
        if done.new and done.turn:
            self._bot_turn(cid, done.seq, text, "text", notify)
        return None  # not new: a resend of an accepted message, already processed

    async def player_button(self, conv: Conversation, frame: F.PlayerButtonIn, notify: Notify = None) -> F.ErrorOut | None:
        if conv.state not in BOT_STATES:
            return F.error("buttons_inactive", ref=frame.id)
        title = await self.state.offered_title(conv.id, frame.payload)
        if title is None:
            return F.error("invalid_button", ref=frame.id)
        msg = F.MessageOut(sender="player", text=title, client_id=frame.id, ts=time.time())
        if frame.payload == notices.HUMAN_BUTTON[1]:  # offered when the bot could not answer: no bot needed
            if (await self.chat.add(conv.id, msg, client_key="p:" + frame.id)).new:
                self.background.spawn(self._handoff_without_bot(conv.id), f"handoff:{conv.id}")
            return None
        done = await self.chat.add(conv.id, msg, client_key="p:" + frame.id,
                                   turn=self.outbox.record(conv.id, frame.payload, "button"))
        if not done.new:
            return None
        self._bot_turn(conv.id, done.seq, frame.payload, "button", notify)
        return None

    def _bot_turn(self, cid: str, seq: int, message: str, kind: str, notify: Notify) -> None:
        turn_id = f"{cid}:{seq}"  # the outbox id, and the message id Rasa deduplicates on
        self.background.spawn(self._send_turn(turn_id, cid, message, kind, notify), f"turn:{cid}")

    async def resume_turn(self, turn_id: str, turn: PendingTurn) -> None:
        """A pending turn left behind by a gateway that died (or by a Redis error): send it now."""
        self.background.spawn(self._send_turn(turn_id, turn.cid, turn.message, turn.kind, None), f"turn:{turn.cid}")

    async def _send_turn(self, turn_id: str, cid: str, message: str, kind: str, notify: Notify) -> None:
        self.outbox.working.add(turn_id)
        try:
            await self.bridge.turn(cid, message, kind, turn_id, notify)
            await self.outbox.done(turn_id)
        finally:
            self.outbox.working.discard(turn_id)

    async def _handoff_without_bot(self, cid: str) -> None:
        unavailable = await self.machine.enqueue(cid, Handoff(summary=notices.BOT_DOWN_SUMMARY))
        if unavailable:
            await self.chat.notice(cid, notices.UNAVAILABLE[unavailable])

    async def player_typing(self, conv: Conversation, state: bool) -> None:
        if conv.state in ("queued", "assigned"):
            await self.chat.typing(conv.id, "player", state)

    # ------------------------------------------------------------------ agent side
    async def agent_says(self, agent: AgentIdentity, frame: F.AgentMessageIn | F.NoteIn,
                         quota: Take | None = None) -> F.ErrorOut | None:
        """A reply to the player, or an internal note only agents see, counted against `quota` (the
        agent's frame quotas) and stored only while the conversation is assigned to the agent: one
        round trip to Redis (`history.py`)."""
        cid = frame.conversation_id
        note = isinstance(frame, F.NoteIn)
        msg = F.MessageOut(sender="agent", text=frame.text, client_id=frame.id, ts=time.time(),
                           agent=F.AgentRef(display_name=agent.display_name), internal=note)
        done = await self.chat.add(cid, msg, visibility="agents" if note else "all", client_key="a:" + frame.id,
                                   assigned_to=agent.username, quota=quota)
        if done.refused:
            return _refused(done, frame.id, conversation_id=cid)
        if done.new:
            details = {"seq": done.seq} if note else {"seq": done.seq, "chars": len(frame.text)}
            self.audit.soon(agent, "note" if note else "message", cid, **details)  # written within WINDOW_S
        return None

    async def agent_typing(self, agent: AgentIdentity, cid: str, state: bool) -> F.ErrorOut | None:
        if await self.machine.owned(agent, cid) is None:
            return F.error("not_assigned", conversation_id=cid)
        await self.chat.typing(cid, "agent", state)
        return None

    async def resolve(self, agent: AgentIdentity, cid: str) -> F.ErrorOut | None:
        """End the hand-off; the bot greets the player back and asks for a rating."""
        conv = await self.state.get(cid)
        err = await self.machine.resolve(agent, cid)
        if err is None and conv is not None:  # the rating the bot asks for names the agent, topic and hand-off
            await self.bridge.handoff_resolved(cid, agent.display_name, agent_username=agent.username,
                                               topic=conv.topic, handoff_id=handoff_id(conv))
        return err


def _refused(done: Appended, ref: str, **details: str) -> F.ErrorOut:
    """The error frame for a message the append refused (nothing was stored)."""
    if done.refused == "rate_limited":
        return F.error("rate_limited", ref=ref, retry_after=done.retry_after)
    return F.error(done.refused or "internal", ref=ref, **details)
