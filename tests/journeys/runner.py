"""Multi-turn journeys through the real stack: the player socket of the gateway, Rasa, the action
server and the back-office.

A journey (`tests/journeys/*.yml`) is a list of turns; each turn says something (or clicks a
button, or lets an agent act) and states what must be true afterwards in terms that survive a
rewording of the answers: the intent Rasa saw, the actions and responses it ran, facts the answer
must carry, the hand-off (queued, priority, risk, topic), and outcomes that must not happen.
Every bot turn is judged on its own, so `make bench` can report the share of turns handled right.

Needs the environment of a running stack (`eval "$(python3 scripts/devstack.py env --profile test)"`):
CASINRA_GATEWAY_URL, CASINRA_RASA_URL, CASINRA_RASA_TOKEN, CASINRA_JWT_SECRET,
CASINRA_DEMO_AGENT_PASSWORD.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import yaml
from websockets.asyncio.client import connect

from casinra_contracts.text import fold_words

JOURNEYS = Path(__file__).resolve().parent
FALLBACK_RESPONSES = {"utter_ask_rephrase", "utter_default", "action_ask_rephrase", "action_default_fallback"}
INTERNAL_ID = re.compile(r"\b[a-z]+_[a-z_]+\b|\bEXTERNAL_|\butter_|\baction_")
QUIET_S = float(os.environ.get("JOURNEY_QUIET_S", "1.2"))
TURN_TIMEOUT_S = 45.0


@dataclass
class Stack:
    gateway: str
    rasa: str
    rasa_token: str
    jwt_secret: str
    agent_password: str

    @classmethod
    def from_env(cls) -> "Stack":
        env = os.environ
        return cls(
            gateway=env.get("CASINRA_GATEWAY_URL") or env["GATEWAY_URL"],
            rasa=env.get("CASINRA_RASA_URL") or env["RASA_URL"],
            rasa_token=env["CASINRA_RASA_TOKEN"], jwt_secret=env["CASINRA_JWT_SECRET"],
            agent_password=env["CASINRA_DEMO_AGENT_PASSWORD"],
        )

    @property
    def ws(self) -> str:
        return self.gateway.replace("http://", "ws://").replace("https://", "wss://")


@dataclass
class TurnResult:
    journey: str
    index: int
    said: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    bot_text: str = ""


def player_token(stack: Stack, player: str) -> str | None:
    if player in ("guest", None):
        return None
    names = {"P1001": "Ahmet Yılmaz", "P1002": "Elif Demir", "P1003": "Mehmet Kaya", "P1004": "Zeynep Çelik"}
    claims = {"sub": player, "name": names.get(player, f"Oyuncu {player}"), "exp": int(time.time()) + 3600}
    return jwt.encode(claims, stack.jwt_secret, algorithm="HS256")


class Agent:
    """A logged-in demo agent with an open console socket (so agents count as online)."""

    _tokens: dict[str, str] = {}  # one login per agent and run (logins are rate-limited)

    def __init__(self, stack: Stack, username: str = "ayse") -> None:
        self.stack, self.username = stack, username
        self.token = ""
        self.ws: Any = None
        self.frames: asyncio.Queue = asyncio.Queue()
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> "Agent":
        key = f"{self.stack.gateway}:{self.username}"
        if key not in Agent._tokens:
            async with httpx.AsyncClient(base_url=self.stack.gateway, timeout=10) as http:
                resp = await http.post("/api/agents/login", json={"username": self.username,
                                                                   "password": self.stack.agent_password})
                resp.raise_for_status()
                Agent._tokens[key] = resp.json()["token"]
        self.token = Agent._tokens[key]
        self.ws = await connect(f"{self.stack.ws}/ws/agent?token={self.token}", max_size=2**22)
        self._reader = asyncio.create_task(self._read())
        await asyncio.sleep(0.3)
        return self

    async def _read(self) -> None:
        async for raw in self.ws:
            await self.frames.put(json.loads(raw))

    async def __aexit__(self, *exc: object) -> None:
        if self._reader:
            self._reader.cancel()
        await self.ws.close()

    async def queue_item(self, cid: str) -> dict | None:
        async with httpx.AsyncClient(base_url=self.stack.gateway, timeout=10) as http:
            resp = await http.get("/api/queue", headers={"Authorization": f"Bearer {self.token}"})
            resp.raise_for_status()
            return next((i for i in resp.json()["items"] if i["conversation_id"] == cid), None)

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    async def claim(self, cid: str) -> None:
        await self.send({"type": "claim", "conversation_id": cid})

    async def say(self, cid: str, text: str) -> None:
        await self.send({"type": "message", "id": uuid.uuid4().hex, "conversation_id": cid, "text": text})

    async def resolve(self, cid: str) -> None:
        await self.send({"type": "resolve", "conversation_id": cid})


class Player:
    def __init__(self, stack: Stack, player: str) -> None:
        self.stack, self.player = stack, player
        self.ws: Any = None
        self.cid = ""
        self.frames: asyncio.Queue = asyncio.Queue()
        self.buttons: list[dict] = []
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> "Player":
        token = player_token(self.stack, self.player)
        url = f"{self.stack.ws}/ws/player" + (f"?token={token}" if token else "")
        self.ws = await connect(url, max_size=2**22)
        welcome = json.loads(await self.ws.recv())
        assert welcome["type"] == "welcome", welcome
        self.cid = welcome["conversation_id"]
        self._reader = asyncio.create_task(self._read())
        await self.collect(quiet=0.5)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._reader:
            self._reader.cancel()
        await self.ws.close()

    async def _read(self) -> None:
        async for raw in self.ws:
            await self.frames.put(json.loads(raw))

    async def collect(self, quiet: float = QUIET_S, first_timeout: float = TURN_TIMEOUT_S,
                      until_bot: bool = False) -> list[dict]:
        """Frames until the conversation is quiet (after the first bot/system message when
        `until_bot`)."""
        frames: list[dict] = []
        deadline = time.monotonic() + first_timeout
        seen_reply = not until_bot
        while True:
            timeout = quiet if seen_reply else max(0.05, deadline - time.monotonic())
            try:
                frame = await asyncio.wait_for(self.frames.get(), timeout)
            except asyncio.TimeoutError:
                return frames
            frames.append(frame)
            if frame.get("type") == "message" and frame.get("sender") in ("bot", "system", "agent"):
                seen_reply = True
                if frame.get("buttons"):
                    self.buttons = frame["buttons"]
            if time.monotonic() > deadline + 30:
                return frames

    async def say(self, text: str) -> list[dict]:
        await self.ws.send(json.dumps({"type": "message", "id": uuid.uuid4().hex, "text": text}))
        return await self.collect(until_bot=True)

    async def click(self, title: str) -> list[dict]:
        wanted = fold_words(title)
        button = next((b for b in self.buttons if fold_words(b["title"]) == wanted), None)
        if button is None:
            button = next((b for b in self.buttons if wanted in fold_words(b["title"])), None)
        if button is None:
            raise AssertionError(f"no button '{title}' among {[b['title'] for b in self.buttons]}")
        await self.ws.send(json.dumps({"type": "button", "id": uuid.uuid4().hex, "payload": button["payload"]}))
        return await self.collect(until_bot=True)


async def tracker(stack: Stack, cid: str) -> dict:
    async with httpx.AsyncClient(timeout=15) as http:
        resp = await http.get(f"{stack.rasa}/conversations/{cid}/tracker", params={"token": stack.rasa_token})
        resp.raise_for_status()
        return resp.json()


def last_turn(events: list[dict]) -> tuple[dict | None, list[str], list[str]]:
    """The latest player message (the gateway's external intents are not the player's), the
    actions after it, and the responses the bot uttered."""
    def said_by_player(event: dict) -> bool:
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        return event.get("event") == "user" and not intent.startswith("EXTERNAL_")

    user_index = max((i for i, e in enumerate(events) if said_by_player(e)), default=None)
    if user_index is None:
        return None, [], []
    actions, responses = [], []
    for event in events[user_index + 1:]:
        if event.get("event") == "action" and event.get("name") != "action_listen":
            actions.append(event["name"])
        elif event.get("event") == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                responses.append(name)
    return events[user_index], actions, responses


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def judge(turn: dict, frames: list[dict], user: dict | None, actions: list[str], responses: list[str],
          previous_bot_text: str, queue_item: dict | None, state: dict | None) -> list[str]:
    """What is wrong with one turn (empty when it is right)."""
    expect = turn.get("expect") or {}
    problems: list[str] = []
    bot = [f for f in frames if f.get("type") == "message" and f.get("sender") == "bot"]
    system = [f for f in frames if f.get("type") == "message" and f.get("sender") == "system"]
    bot_text = "\n".join(f.get("text") or "" for f in bot)
    all_text = "\n".join(f.get("text") or "" for f in bot + system)
    folded = fold_words(all_text)
    intent = ((user or {}).get("parse_data") or {}).get("intent", {}).get("name") if user else None
    safety = ((user or {}).get("parse_data") or {}).get("safety") if user else None

    if "intent" in expect and intent not in _as_list(expect["intent"]):
        problems.append(f"intent {intent!r}, expected {expect['intent']!r}")
    for name in _as_list(expect.get("action", [])):
        if name not in actions and name not in responses:
            problems.append(f"{name} did not run (ran {actions + responses})")
    for name in _as_list(expect.get("not_action", [])):
        if name in actions or name in responses:
            problems.append(f"{name} ran but must not")
    for fact in _as_list(expect.get("facts", [])):
        if fold_words(str(fact)) not in folded:
            problems.append(f"missing fact {fact!r}")
    any_facts = expect.get("any_fact")
    if any_facts and not any(fold_words(str(f)) in folded for f in any_facts):
        problems.append(f"none of the facts {any_facts!r}")
    for text in _as_list(expect.get("not_text", [])):
        if fold_words(str(text)) in folded:
            problems.append(f"must not say {text!r}")
    if expect.get("first_words"):
        first = fold_words((bot[0].get("text") or "") if bot else "")
        for fact in _as_list(expect["first_words"]):
            if fold_words(str(fact)) not in first:
                problems.append(f"first answer lacks {fact!r}")
    if expect.get("safety") is True and not safety:
        problems.append("not marked as a safety message")
    if expect.get("safety") is False and safety:
        problems.append(f"false safety alarm: {safety}")
    if "risk" in expect and (safety or {}).get("risk") not in _as_list(expect["risk"]):
        problems.append(f"risk {(safety or {}).get('risk')!r}, expected {expect['risk']!r}")

    handoff = expect.get("handoff")
    queued = state is not None and state.get("state") == "queued"
    if handoff is False and queued:
        problems.append("handed off but must not")
    if isinstance(handoff, dict) or handoff is True:
        handoff = handoff if isinstance(handoff, dict) else {}
        if handoff.get("queued", True):
            if queue_item is None:
                problems.append("not in the agents' queue")
            else:
                for key in ("priority", "topic", "risk", "reason", "language", "intent"):
                    if key in handoff and queue_item.get(key) not in _as_list(handoff[key]):
                        problems.append(f"queue {key} {queue_item.get(key)!r}, expected {handoff[key]!r}")
        notices = [f for f in system if re.search(r"sıra|temsilci|queue|Warteschlange", f.get("text") or "", re.I)]
        promises = [f for f in bot if re.search(r"aktar(ıyorum|acağım)|ayrılmayın", f.get("text") or "")]
        if handoff.get("queued", True) and len(notices) + len(promises) != 1:
            problems.append(f"{len(notices) + len(promises)} transfer notices, expected exactly 1")
        if not handoff.get("queued", True) and promises:
            problems.append("promised a person although none is available")

    # outcomes that are wrong in every turn unless the journey says otherwise
    if not expect.get("fallback_ok"):
        if any(r in FALLBACK_RESPONSES for r in actions + responses):
            problems.append("fell back")
        if re.search(r"anlayamad", all_text):
            problems.append("said it did not understand")
    if not expect.get("repeat_ok") and bot_text and previous_bot_text and bot_text.strip() == previous_bot_text.strip():
        problems.append("repeated the previous answer word for word")
    if INTERNAL_ID.search(all_text):
        problems.append(f"internal name shown: {INTERNAL_ID.search(all_text).group(0)!r}")
    if not bot and not system and not expect.get("silent"):
        problems.append("no answer")
    return problems


async def run_journey(stack: Stack, journey: dict) -> list[TurnResult]:
    name = journey["journey"]
    results: list[TurnResult] = []
    agent_ctx = Agent(stack) if journey.get("agents", "online") == "online" else None
    agent = await agent_ctx.__aenter__() if agent_ctx else None
    try:
        async with Player(stack, journey.get("player", "P1001")) as player:
            previous = ""
            for index, turn in enumerate(journey["turns"], start=1):
                said = turn.get("say") or turn.get("click") or turn.get("agent") or ""
                try:
                    if "say" in turn:
                        frames = await player.say(turn["say"])
                    elif "click" in turn:
                        frames = await player.click(turn["click"])
                    else:
                        frames = await _agent_turn(agent, player, turn)
                except (AssertionError, OSError, asyncio.TimeoutError) as exc:
                    # a step that cannot be taken fails this turn and ends the journey, not the run
                    results.append(TurnResult(name, index, said, False, [f"could not be taken: {exc}"]))
                    break
                if "agent" in turn and not turn.get("expect"):
                    continue  # an agent step with nothing to judge
                events = (await tracker(stack, player.cid)).get("events") or []
                user, actions, responses = last_turn(events)
                item = await agent.queue_item(player.cid) if agent else None
                states = [f for f in frames if f.get("type") == "state"]
                state = states[-1] if states else None
                problems = judge(turn, frames, user if "say" in turn or "click" in turn else None, actions,
                                 responses, previous, item, state)
                bot_text = "\n".join(f.get("text") or "" for f in frames
                                     if f.get("type") == "message" and f.get("sender") == "bot")
                previous = bot_text or previous
                results.append(TurnResult(name, index, said, not problems, problems, bot_text))
    finally:
        if agent_ctx:
            await agent_ctx.__aexit__(None, None, None)
    return results


async def _agent_turn(agent: Agent | None, player: Player, turn: dict) -> list[dict]:
    if agent is None:
        raise AssertionError("an agent step in a journey without agents")
    action = turn["agent"]
    if action == "claim":
        await agent.claim(player.cid)
    elif action == "resolve":
        await agent.resolve(player.cid)
    else:
        await agent.say(player.cid, action)
    return await player.collect(until_bot=True)


def load_journeys(paths: list[Path] | None = None) -> list[dict]:
    journeys = []
    for path in paths or sorted(JOURNEYS.glob("*.yml")):
        for journey in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            journey["file"] = path.name
            journeys.append(journey)
    return journeys


async def run_all(journeys: list[dict], stack: Stack | None = None) -> list[TurnResult]:
    stack = stack or Stack.from_env()
    results: list[TurnResult] = []
    for journey in journeys:
        results += await run_journey(stack, journey)
    return results


def summary(results: list[TurnResult]) -> dict[str, Any]:
    journeys = sorted({r.journey for r in results})
    failed = {r.journey for r in results if not r.passed}
    return {
        "turns": len(results), "turns_passed": sum(r.passed for r in results),
        "turn_share": round(sum(r.passed for r in results) / len(results), 4) if results else 0.0,
        "journeys": len(journeys), "journeys_passed": len(journeys) - len(failed),
        "failures": [{"journey": r.journey, "turn": r.index, "said": r.said, "problems": r.problems,
                      "bot": r.bot_text[:300]} for r in results if not r.passed],
    }


if __name__ == "__main__":
    import sys

    selected = [Path(p) for p in sys.argv[1:]] or None
    outcome = summary(asyncio.run(run_all(load_journeys(selected))))
    print(json.dumps(outcome, ensure_ascii=False, indent=1))
