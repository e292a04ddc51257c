"""Fault scenarios with the real bot (a private Redis, action server and Rasa server): the action
server killed, a gateway killed right after acknowledging a turn, Rasa killed and restarted."""
from __future__ import annotations

import asyncio
import signal
import time

import httpx

from casinra_handoff import notices
from handoff.conftest import player_token

from .clients import Side
from .conftest import record
from .test_faults_gateway import until

QUESTION = "çekim talebim ne durumda"


def gateway_on(start_gateway, stack, prefix=None):  # noqa: ANN001
    return start_gateway(prefix=prefix, rasa_url=stack.rasa_url, db_url=stack.db_url, CASINRA_REDIS_URL=stack.redis.url,
                         CASINRA_ACTION_URL=stack.action_url, CASINRA_RASA_TIMEOUT_S="20")


async def player(gw) -> Side:
    p = Side(f"{gw.ws_url}/ws/player?token={player_token()}", "player")
    await p.open()
    return p


def answers(p: Side) -> list[dict]:
    return [m for s, m in sorted(p.messages.items()) if m.get("sender") in ("bot", "system")]


async def ask(p: Side, mid: str, text: str = QUESTION, timeout: float = 30) -> tuple[float, list[dict]]:
    before = len(answers(p))
    started = time.monotonic()
    await p.send({"type": "message", "id": mid, "text": text})
    await p.settle()
    await until(lambda: len(answers(p)) > before, timeout=timeout, what=f"an answer to {mid}")
    await asyncio.sleep(1.0)  # the whole answer (several bubbles)
    return round(time.monotonic() - started, 2), answers(p)[before:]


async def test_action_server_killed(start_gateway, stack):
    gw = gateway_on(start_gateway, stack)
    p = await player(gw)
    _, first = await ask(p, "a1")
    assert any("1.500,00" in m["text"] for m in first), first
    stack.actions.kill()
    try:
        assert httpx.get(f"{gw.url}/readyz").json()["failing"] == ["actions"]
        took, sorry = await ask(p, "a2", timeout=15)
        assert any(m["text"] == notices.BOT_DOWN and m["buttons"] for m in sorry), sorry
    finally:
        restart_s = stack.actions.start()
    _, again = await ask(p, "a3")
    assert any("1.500,00" in m["text"] for m in again), again
    record("action_server_killed", apology_after_s=took, apology_offers_human=True, readyz_failing="actions",
           action_server_restart_s=restart_s, turns=3, unanswered=0, duplicated=p.duplicates())
    assert took < 5 and p.duplicates() == 0
    await p.close()


async def test_gateway_killed_right_after_the_ack(start_gateway, stack):
    a = gateway_on(start_gateway, stack)
    b = gateway_on(start_gateway, stack, prefix=a.prefix)
    p = await player(a)
    await p.send({"type": "message", "id": "k1", "text": QUESTION})
    await until(lambda: "k1" in p.acked, what="the ack")
    a.proc.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    a.proc.wait(5)
    await p.close()
    await p.open(f"{b.ws_url}/ws/player?token={player_token()}")
    await p.settle(reopen=f"{b.ws_url}/ws/player?token={player_token()}")
    await until(lambda: any("1.500,00" in m["text"] for m in answers(p)), timeout=40, what="the answer")
    took = round(time.monotonic() - killed, 1)
    await asyncio.sleep(2)
    turns = [e for e in stack.tracker(p.cid)["events"] if e.get("event") == "user" and e.get("text") == QUESTION]
    bot_answers = [m for m in answers(p) if "1.500,00" in m["text"]]
    record("gateway_killed_after_ack", answered_after_s=took, turns_at_the_bot=len(turns),
           answers_shown=len(bot_answers), duplicated=p.duplicates(), lost=0 if bot_answers else 1)
    assert len(turns) == 1 and len(bot_answers) == 1 and p.duplicates() == 0
    await p.close()


async def test_rasa_killed_and_restarted(start_gateway, stack):
    gw = gateway_on(start_gateway, stack)
    p = await player(gw)
    await ask(p, "r1", "merhaba")
    stack.rasa.kill()
    try:
        assert "rasa" in httpx.get(f"{gw.url}/readyz").json()["failing"]
        took, sorry = await ask(p, "r2", timeout=15)
        assert any(m["text"] == notices.BOT_DOWN for m in sorry), sorry
        assert any(e["code"] == "bot_unavailable" for e in p.errors)
    finally:
        restart_s = stack.rasa.start()
    _, back = await ask(p, "r3")
    assert any("1.500,00" in m["text"] for m in back), back
    assert httpx.get(f"{gw.url}/readyz").json()["failing"] == []
    record("rasa_killed_and_restarted", apology_after_s=took, rasa_restart_s=restart_s, turns=3, unanswered=0,
           duplicated=p.duplicates())
    assert took < 5 and p.duplicates() == 0
    await p.close()
