"""Fault scenarios on real gateway processes and a real (restartable) Redis, with the stand-in
Rasa: Redis restarted mid-queue and mid-chat with the console idle and busy, a gateway killed
mid-stream, an agent socket dropped for less and for more than the grace period, and every agent
going offline with chats queued. Each states what the player and the agent saw, and 0 lost,
0 duplicated, 0 unanswered accepted turns."""
from __future__ import annotations

import asyncio
import signal
import time

import httpx

from handoff.conftest import agent_login, player_token
from handoff.test_gateway import notice

from casinra_handoff import notices

from .clients import Side
from .conftest import record

GRACE = {"CASINRA_AGENT_GRACE_S": "3", "CASINRA_QUEUE_OFFLINE_GRACE_S": "3"}


async def player(gw, pid="P1001", name="Ahmet Yılmaz") -> Side:
    p = Side(f"{gw.ws_url}/ws/player?token={player_token(pid, name)}", "player")
    await p.open()
    return p


async def agent(gw, username="ayse") -> Side:
    a = Side(f"{gw.ws_url}/ws/agent?token={agent_login(gw, username)}", "agent")
    await a.open()
    return a


async def until(pred, timeout=15.0, what="condition") -> float:
    started = time.monotonic()
    while not pred():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
    return round(time.monotonic() - started, 2)


def states(side: Side) -> list[str]:
    return [m for m in side.texts("system")]


async def queued_chat(gw, ag: Side, p: Side) -> None:
    await p.send({"type": "message", "id": "q0", "text": "temsilci istiyorum"})
    await until(lambda: notices.QUEUED["tr"] in p.texts("system"), what="queued notice")


async def claimed_chat(gw, ag: Side, p: Side) -> None:
    await queued_chat(gw, ag, p)
    await ag.send({"type": "claim", "conversation_id": p.cid})
    await until(lambda: any(t.endswith("sohbete katıldı.") for t in p.texts("system")), what="agent joined")


async def test_redis_restart_mid_queue_with_the_console_idle(start_gateway, restartable_redis):
    gw = start_gateway(CASINRA_REDIS_URL=restartable_redis.url, **{**GRACE, "CASINRA_QUEUE_OFFLINE_GRACE_S": "30"})
    ag = await agent(gw)
    p = await player(gw)
    await queued_chat(gw, ag, p)
    await p.send({"type": "message", "id": "q1", "text": "bekliyorum"})
    await p.settle()
    down = time.monotonic()
    await asyncio.to_thread(restartable_redis.restart, 3.0)
    await p.send({"type": "message", "id": "q2", "text": "hâlâ bekliyorum"})
    await p.settle()
    online = httpx.get(f"{gw.url}/api/agents", headers={"Authorization": f"Bearer {agent_login(gw)}"}).json()
    assert any(a["username"] == "ayse" and a["online"] for a in online)
    await ag.send({"type": "claim", "conversation_id": p.cid})
    took = await until(lambda: {"temsilci istiyorum", "bekliyorum", "hâlâ bekliyorum"} <= set(ag.texts("player")),
                       what="the agent sees all three")
    await until(lambda: any(t.endswith("sohbete katıldı.") for t in p.texts("system")), what="player told")
    lost = 3 - len(set(ag.texts("player")) & {"temsilci istiyorum", "bekliyorum", "hâlâ bekliyorum"})
    record("redis_restart_mid_queue_idle_console", redis_down_s=3.0, claim_after_s=round(time.monotonic() - down, 1),
           player_turns=3, lost=lost, duplicated=p.duplicates() + ag.duplicates(), agent_socket_closed=ag.closes,
           player_socket_closed=p.closes, agent_errors=len(ag.errors), transcript_after_claim_s=took)
    assert lost == 0 and p.duplicates() == 0 and ag.duplicates() == 0 and ag.closes == 0
    await p.close()
    await ag.close()


async def test_redis_restart_mid_chat_with_the_console_busy(start_gateway, restartable_redis):
    gw = start_gateway(CASINRA_REDIS_URL=restartable_redis.url, **GRACE, CASINRA_PLAYER_BURST="100",
                       CASINRA_PLAYER_RATE_PER_S="50")
    ag = await agent(gw)
    p = await player(gw)
    await claimed_chat(gw, ag, p)
    n = 30
    restart = None
    for i in range(n):
        await p.send({"type": "message", "id": f"p{i}", "text": f"oyuncu {i}"})
        await ag.send({"type": "message", "id": f"a{i}", "conversation_id": p.cid, "text": f"temsilci {i}"})
        await p.send({"type": "typing", "state": True})
        await ag.send({"type": "typing", "conversation_id": p.cid, "state": True})
        if i == 8:
            restart = asyncio.create_task(asyncio.to_thread(restartable_redis.restart, 3.0))
        await asyncio.sleep(0.15)
    await restart
    await asyncio.gather(p.settle(), ag.settle())
    await until(lambda: all(f"temsilci {i}" in p.texts("agent") for i in range(n))
                and all(f"oyuncu {i}" in ag.texts("player") for i in range(n)), what="both sides complete")
    refused = [e for e in p.errors + ag.errors if e["code"] == "unavailable"]
    lost = (n - len(set(p.texts("agent")))) + (n - len(set(t for t in ag.texts("player") if t.startswith("oyuncu"))))
    dup = p.duplicates() + ag.duplicates() + sum(c - 1 for c in p.client_ids("agent").values() if c > 1) \
        + sum(c - 1 for c in ag.client_ids("player").values() if c > 1)
    record("redis_restart_mid_chat_busy_console", redis_down_s=3.0, messages_each_way=n,
           refused_during_outage_and_resent=len(refused), lost=lost, duplicated=dup,
           sockets_closed=p.closes + ag.closes)
    assert lost == 0 and dup == 0
    assert not [f for f in ag.errors if f["code"] in ("internal", "not_assigned")]
    await p.close()
    await ag.close()


async def test_gateway_killed_mid_stream(start_gateway):
    a = start_gateway()
    b = start_gateway(prefix=a.prefix, CASINRA_AGENT_BURST="100")
    ag = await agent(b)
    p = await player(a)
    await claimed_chat(b, ag, p)
    n = 40
    sender = asyncio.create_task(_stream(ag, p.cid, n))
    await until(lambda: len([t for t in p.texts("agent") if t.startswith("akış")]) >= 10, what="stream started")
    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait(5)
    killed_at = len(p.texts("agent"))
    await sender
    await ag.settle()
    await p.close()
    reconnect = time.monotonic()
    await p.open(f"{b.ws_url}/ws/player?token={player_token()}")
    stream = lambda: [t for t in p.texts("agent") if t.startswith("akış")]  # noqa: E731
    try:
        took = await until(lambda: sorted(stream()) == sorted(f"akış {i}" for i in range(n)),
                           what="the rest of the stream, once each, in the order the gateway accepted it")
    except AssertionError:
        raise AssertionError(f"player saw {stream()}; agent errors {ag.errors[-3:]}") from None
    record("gateway_killed_mid_stream", stream=n, received_before_kill=killed_at, replayed_after_reconnect=n - killed_at,
           lost=0, duplicated=p.duplicates(), catch_up_s=round(time.monotonic() - reconnect, 2))
    assert p.duplicates() == 0 and took < 10
    await p.close()
    await ag.close()


async def _stream(ag: Side, cid: str, n: int) -> None:
    for i in range(n):
        await ag.send({"type": "message", "id": f"s{i}", "conversation_id": cid, "text": f"akış {i}"})
        await asyncio.sleep(0.05)


async def test_agent_socket_dropped_for_less_and_more_than_the_grace_period(start_gateway):
    gw = start_gateway(**{**GRACE, "CASINRA_QUEUE_OFFLINE_GRACE_S": "30"})
    ag = await agent(gw)
    p = await player(gw)
    await claimed_chat(gw, ag, p)
    # shorter than the grace period: the chat stays the agent's, what the player wrote meanwhile arrives
    await ag.close()
    await p.send({"type": "message", "id": "g1", "text": "orada mısınız?"})
    await p.settle()
    await asyncio.sleep(1.0)
    ag2 = await agent(gw)
    await until(lambda: "orada mısınız?" in ag2.texts("player"), what="the agent sees what was written")
    kept = notices.REQUEUED not in p.texts("system")
    # longer than the grace period: re-queued at the front, the player is told, the next agent gets it all
    await ag2.close()
    requeued_in = await until(lambda: notices.REQUEUED in p.texts("system"), timeout=20, what="re-queued notice")
    await p.send({"type": "message", "id": "g2", "text": "beni unuttunuz mu?"})
    await p.settle()
    burak = await agent(gw, "burak")
    await burak.send({"type": "claim", "conversation_id": p.cid})
    await until(lambda: {"orada mısınız?", "beni unuttunuz mu?"} <= set(burak.texts("player")), what="next agent")
    record("agent_dropped_short_and_long", grace_s=3, kept_within_grace=kept, requeued_after_s=requeued_in,
           lost=0, duplicated=p.duplicates() + burak.duplicates())
    assert kept and p.duplicates() == 0
    await p.close()
    await burak.close()


async def test_all_agents_offline_with_chats_queued(start_gateway, fake_rasa):
    gw = start_gateway(**GRACE)
    ag = await agent(gw)
    players = [await player(gw, pid, pid) for pid in ("P1001", "P1002")]
    for i, p in enumerate(players):
        await p.send({"type": "message", "id": f"w{i}", "text": "temsilci istiyorum"})
        await until(lambda p=p: notices.QUEUED["tr"] in p.texts("system"), what="queued")
        await p.send({"type": "message", "id": f"x{i}", "text": "acil lütfen"})
        await p.settle()
    await ag.close()
    started = time.monotonic()
    for p in players:  # the bot tells each of them that nobody is available and offers e-mail / callback
        await until(lambda p=p: any(m.get("buttons") for m in p.messages.values() if m.get("sender") == "bot"
                                    and m["seq"] > 2), timeout=20, what="the bot's offer")
    answered = sum(1 for p in players if "acil lütfen" in p.texts("player"))
    record("all_agents_offline_with_chats_queued", queued_chats=len(players),
           back_to_bot_after_s=round(time.monotonic() - started, 1), offers=len(players), lost=2 - answered,
           duplicated=sum(p.duplicates() for p in players))
    assert answered == 2 and all(p.duplicates() == 0 for p in players)
    for p in players:
        await p.close()
