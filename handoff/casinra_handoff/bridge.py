"""The Rasa bridge: player turns to the bot, the bot's messages to the chat, and the external
intents (`casinra_contracts.handoff`) that wake the paused bot after a hand-off.

A bot message that carries a hand-off request goes to the state machine; when no agent can take
the chat, the bot is told why (`EXTERNAL_agents_unavailable`) and answers the player itself.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable

from casinra_contracts.handoff import EXTERNAL_AGENTS_UNAVAILABLE, EXTERNAL_HANDOFF_RESOLVED, handoff_in

from . import frames as F
from . import notices
from .chat import Chat
from .locks import KeyedLocks
from .machine import HandoffMachine
from .metrics import Metrics
from .rasa import RasaClient, RasaError
from .state import Conversation, StateStore

log = logging.getLogger("casinra.bridge")

Notify = Callable[[F.OutFrame], Awaitable[None]] | None


def _says_something(m: dict[str, Any]) -> bool:
    return bool(m.get("text") or m.get("buttons") or m.get("image") or handoff_in(m))


def metadata(conv: Conversation) -> dict[str, Any]:
    """Who the player is, for the bot's actions (nothing for a guest)."""
    return {} if conv.guest else {"player_id": conv.player_id, "player_name": conv.player_name}


class RasaBridge:
    def __init__(self, rasa: RasaClient, state: StateStore, chat: Chat, machine: HandoffMachine,
                 metrics: Metrics) -> None:
        self.rasa = rasa
        self.state = state
        self.chat = chat
        self.machine = machine
        self.metrics = metrics
        self.turns = KeyedLocks()  # one bot turn at a time per conversation, in order

    async def turn(self, cid: str, message: str, kind: str, message_id: str, notify: Notify) -> None:
        """Send one player turn to the bot and deliver its answer (unless an agent took over)."""
        async with self.turns.hold(cid):
            conv = await self.state.get(cid)
            if conv is None or conv.state not in ("bot", "resolved"):
                return  # the chat moved to an agent meanwhile: the bot stays silent
            await self.chat.typing(cid, "bot", True)
            started = time.perf_counter()
            try:
                if conv.rasa_paused:  # an earlier resume failed: resume before talking again
                    await self.rasa.resume(cid)
                    await self.state.set_fields(cid, rasa_paused=None)
                msgs = await self.rasa.send_turn(cid, message, kind, message_id, metadata(conv))
            except RasaError as exc:
                log.warning("rasa turn failed", extra={"conversation_id": cid, "error": str(exc)})
                await self.chat.typing(cid, "bot", False)
                await self.apologise(cid, message_id)
                if notify:
                    await notify(F.error("bot_unavailable"))
                return
            finally:
                self.metrics.bot_latency.observe(time.perf_counter() - started)
            await self.chat.typing(cid, "bot", False)
            if not any(_says_something(m) for m in msgs):
                # Rasa answered nothing: an action failed (the action server is down) or the bot is stuck
                log.warning("the bot answered nothing", extra={"conversation_id": cid, "messages": len(msgs)})
                self.metrics.outcomes.labels("bot_silent").inc()
                await self.apologise(cid, message_id)
                return
            await self.deliver(cid, msgs, turn_id=message_id)

    async def apologise(self, cid: str, turn_id: str) -> None:
        """The gateway's own answer when the bot cannot give one: an apology that offers a human
        (a button the gateway handles itself) and the e-mail address."""
        title, payload = notices.HUMAN_BUTTON
        await self.state.offer_buttons(cid, [(title, payload)])
        await self.chat.add(cid, F.MessageOut(sender="system", text=notices.BOT_DOWN, ts=time.time(),
                                              buttons=[F.Button(title=title, payload=payload)]),
                            client_key=f"b:{turn_id}:apology")

    async def deliver(self, cid: str, msgs: list[dict[str, Any]], *, allow_handoff: bool = True,
                      turn_id: str | None = None) -> None:
        """The bot's messages into the chat; its buttons become the only ones the player may press.
        The answer to a turn is stored under keys derived from the turn, so a resent turn adds nothing."""
        for i, m in enumerate(msgs):
            text = m.get("text") if isinstance(m.get("text"), str) else ""
            buttons = [
                F.Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                for b in (m.get("buttons") or []) if isinstance(b, dict) and b.get("payload")
            ]
            image = m.get("image") if isinstance(m.get("image"), str) else None
            if text or buttons or image:
                if buttons:
                    await self.state.offer_buttons(cid, [(b.title, b.payload) for b in buttons])
                await self.chat.add(cid, F.MessageOut(sender="bot", text=text, buttons=buttons, image=image, ts=time.time()),
                                    client_key=f"b:{turn_id}:{i}" if turn_id else None)
            handoff = handoff_in(m)
            if handoff and allow_handoff:
                unavailable = await self.machine.enqueue(cid, handoff)
                if unavailable:
                    await self.agents_unavailable(cid, unavailable)

    async def agents_unavailable(self, cid: str, reason: str) -> None:
        """No agent can take the chat: the bot tells the player and offers a ticket or a callback."""
        self.metrics.outcomes.labels(f"unavailable_{reason}").inc()
        log.info("agents unavailable", extra={"conversation_id": cid, "reason": reason})
        msgs = await self._wake(cid, EXTERNAL_AGENTS_UNAVAILABLE, {"reason": reason})
        if msgs is None:
            await self.chat.notice(cid, notices.UNAVAILABLE[reason])
        else:
            await self.deliver(cid, msgs, allow_handoff=False)

    async def handoff_resolved(self, cid: str, agent_name: str, *, agent_username: str | None = None,
                               topic: str | None = None, handoff_id: str | None = None) -> None:
        """The agent resolved the chat: the bot greets the player back and asks for a rating, which
        it stores with the agent, the topic and the hand-off (`actions/feedback.py`)."""
        entities = {"agent_name": agent_name, "agent_username": agent_username, "topic": topic,
                    "handoff_id": handoff_id}
        msgs = await self._wake(cid, EXTERNAL_HANDOFF_RESOLVED, {k: v for k, v in entities.items() if v})
        if msgs is not None:
            await self.deliver(cid, msgs, allow_handoff=False)

    async def _wake(self, cid: str, intent: str, entities: dict[str, Any]) -> list[dict[str, Any]] | None:
        """Resume the paused bot with an external intent; None when Rasa is down (resumed on the
        player's next turn instead)."""
        try:
            await self.rasa.resume(cid)
            return await self.rasa.trigger_intent(cid, intent, entities)
        except RasaError:
            log.warning("rasa unavailable for an external intent", extra={"conversation_id": cid, "intent": intent})
            await self.state.set_fields(cid, rasa_paused=True)
            return None
