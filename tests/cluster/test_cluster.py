"""The production layout on one machine (`make run PROFILE=cluster`): a player on one gateway and
the agent on the other; a gateway killed and the player's reconnect through HAProxy replaying
exactly what was missed; a Rasa server killed and the turns going on through the other.

Every socket and REST call goes through HAProxy, as a browser's would; HAProxy's
X-Casinra-Replica header says which gateway took it."""
from __future__ import annotations

import asyncio
import time
import uuid

import httpx
from casinra_handoff.auth import mint_player_token

from .clients import Socket
from .conftest import Cluster, record

HUMAN = "canlı destek istiyorum"
QUESTIONS = ["para çekme ne kadar sürer", "kyc için hangi belgeler gerekli", "bonus çevrim şartı nedir"]


def token(cluster: Cluster, player: str, name: str) -> str:
    return mint_player_token(player, name, cluster.env["CASINRA_JWT_SECRET"], 3600)


async def agent_socket(cluster: Cluster, avoid: str = "") -> Socket:
    """Ayşe's console, through HAProxy, on another replica than `avoid`."""
    r = httpx.post(f"{cluster.url}/api/agents/login", timeout=10,
                   json={"username": "ayse", "password": cluster.env["CASINRA_DEMO_AGENT_PASSWORD"]})
    assert r.status_code == 200, r.text
    for _ in range(8):
        agent = await Socket(f"{cluster.ws}/ws/agent?token={r.json()['token']}").open()
        await agent.wait(lambda f: f["type"] == "hello", what="hello")
        if agent.replica != avoid:
            return agent
        await agent.close()
    raise AssertionError(f"HAProxy kept sending the agent to {avoid}")


async def player_socket(cluster: Cluster, player: str, name: str, avoid: str = "", query: str = "") -> Socket:
    for _ in range(8):
        p = await Socket(f"{cluster.ws}/ws/player?token={token(cluster, player, name)}{query}").open()
        await p.wait(lambda f: f["type"] == "welcome", what="welcome")
        if p.replica != avoid:
            return p
        await p.close()
    raise AssertionError(f"HAProxy kept sending the player to {avoid}")


def mid() -> str:
    return uuid.uuid4().hex[:16]


async def assigned_chat(cluster: Cluster, player: str, name: str) -> tuple[Socket, Socket, str]:
    """An agent on one replica, a player on the other, the player's chat claimed by the agent."""
    agent = await agent_socket(cluster)
    p = await player_socket(cluster, player, name, avoid=agent.replica)
    assert {agent.replica, p.replica} == {"gateway_a", "gateway_b"}, (agent.replica, p.replica)
    cid = next(f for f in p.frames if f["type"] == "welcome")["conversation_id"]
    await p.send({"type": "message", "id": mid(), "text": HUMAN})
    await p.wait(lambda f: f["type"] == "state" and f["state"] == "queued", what="queued")
    await agent.wait(lambda f: f["type"] == "queue" and any(i["conversation_id"] == cid for i in f["items"]),
                     what="the chat in the agent's queue")
    await agent.send({"type": "claim", "conversation_id": cid})
    await agent.wait(lambda f: f["type"] == "conversation" and f["conversation_id"] == cid, what="the claimed chat")
    await p.wait(lambda f: f["type"] == "state" and f["state"] == "assigned", what="assigned")
    return agent, p, cid


def texts(frames: list[dict], sender: str) -> list[str]:
    return [f["text"] for f in frames if f.get("type") == "message" and f.get("sender") == sender]


async def test_player_and_agent_on_two_gateways(cluster: Cluster):
    agent, p, cid = await assigned_chat(cluster, "P1001", "Ahmet Yılmaz")
    try:
        mark = len(p.frames)
        sent = await agent.send({"type": "message", "id": mid(), "conversation_id": cid,
                                 "text": "Merhaba, ben Ayşe. Nasıl yardımcı olabilirim?"})
        got = await p.wait(lambda f: f.get("sender") == "agent", since=mark, what="the agent's reply")
        to_player_ms = (got["_at"] - sent) * 1000
        amark = len(agent.frames)
        pid = mid()
        sent = await p.send({"type": "message", "id": pid, "text": "Çekimim iki gündür bekliyor."})
        got = await agent.wait(lambda f: f.get("type") == "message" and f.get("client_id") == pid, since=amark,
                               what="the player's message at the agent")
        to_agent_ms = (got["_at"] - sent) * 1000
        await asyncio.sleep(0.5)  # anything duplicated would have arrived by now
        assert texts(p.frames[mark:], "agent") == ["Merhaba, ben Ayşe. Nasıl yardımcı olabilirim?"]
        assert [f["client_id"] for f in agent.messages(amark) if f.get("sender") == "player"] == [pid]

        bmark = len(p.frames)
        await agent.send({"type": "resolve", "conversation_id": cid})
        await agent.wait(lambda f: f["type"] == "released" and f["conversation_id"] == cid, what="released")
        back = await p.wait(lambda f: f.get("sender") == "bot" and f.get("buttons"), since=bmark, timeout=30,
                            what="the bot back with the rating buttons")
        assert any("rating" in b["payload"] for b in back["buttons"]), back
        record("two_gateways", player=p.replica, agent=agent.replica,
               agent_to_player_ms=round(to_player_ms, 1), player_to_agent_ms=round(to_agent_ms, 1))
    finally:
        await p.close()
        await agent.close()


async def test_gateway_killed_reconnect_through_haproxy_replays_exactly_what_was_missed(cluster: Cluster):
    agent, p, cid = await assigned_chat(cluster, "P1002", "Elif Demir")
    try:
        await agent.send({"type": "message", "id": mid(), "conversation_id": cid, "text": "Kontrol ediyorum."})
        await p.wait(lambda f: f.get("sender") == "agent", what="the first reply")
        seen = p.last_seq()
        dead = p.replica
        cluster.kill(dead)
        killed = time.monotonic()
        await asyncio.wait_for(p.closed.wait(), 10)

        missed = [f"Eksik belgeniz adres belgesi ({i}/3)." for i in range(1, 4)]
        ids = []
        for text in missed:  # while the player is away; each one stored (acknowledged to the agent)
            ids.append(mid())
            await agent.send({"type": "message", "id": ids[-1], "conversation_id": cid, "text": text})
        for i in ids:
            await agent.wait(lambda f, i=i: f.get("type") == "message" and f.get("client_id") == i,
                             what="the agent's message stored")

        back = await player_socket(cluster, "P1002", "Elif Demir", query=f"&conversation_id={cid}&after_seq={seen}")
        reconnect_s = round(time.monotonic() - killed, 2)
        assert back.replica != dead and back.replica, back.replica
        welcome = await back.wait(lambda f: f["type"] == "welcome", what="welcome")
        assert welcome["resumed"] and welcome["conversation_id"] == cid
        await back.wait(lambda f: f["type"] == "state", what="the state after the replay")
        await asyncio.sleep(0.5)
        replayed = back.messages()
        assert [m["text"] for m in replayed] == missed, replayed  # exactly what was missed: no gap, no repeat
        assert all(m["seq"] > seen for m in replayed)
        assert [m["seq"] for m in replayed] == sorted({m["seq"] for m in replayed})

        pid = mid()
        amark = len(agent.frames)
        await back.send({"type": "message", "id": pid, "text": "Tamam, yüklüyorum."})
        await agent.wait(lambda f: f.get("client_id") == pid, since=amark, what="the player's message after the reconnect")
        await asyncio.sleep(0.5)
        assert [f["client_id"] for f in agent.messages(amark) if f.get("sender") == "player"] == [pid]
        down_s = cluster.wait_server("gateways", dead, "DOWN")
        await agent.send({"type": "resolve", "conversation_id": cid})
        await back.close()

        restart_s = cluster.restart(dead)
        up_s = cluster.wait_server("gateways", dead, "UP")
        record("gateway_killed", killed=dead, served_by=back.replica, reconnect_s=reconnect_s,
               replayed=len(replayed), duplicated=0, haproxy_marked_down_s=down_s, restart_s=restart_s,
               back_in_haproxy_s=up_s)
    finally:
        await p.close()
        await agent.close()


async def answer(p: Socket, text: str, timeout: float = 30) -> list[dict]:
    """One turn: the player's message, then everything until the bot's answer has arrived."""
    mark = len(p.frames)
    await p.send({"type": "message", "id": mid(), "text": text})
    await p.wait(lambda f: f.get("type") == "message" and f.get("sender") in ("bot", "system"), since=mark,
                 timeout=timeout, what=f"an answer to {text!r}")
    await asyncio.sleep(0.3)
    return p.frames[mark:]


async def test_rasa_killed_turns_go_on_through_the_other(cluster: Cluster):
    players = [await player_socket(cluster, pid, name) for pid, name in
               (("P1001", "Ahmet Yılmaz"), ("P1003", "Mehmet Kaya"), ("P1004", "Zeynep Çelik"))]
    try:
        for p in players:  # a first turn each, before the kill
            assert texts(await answer(p, "merhaba"), "bot")
        served_before = int(cluster.stats()[("rasa", "rasa_b")]["stot"])
        cluster.kill("rasa_a")
        killed = time.monotonic()
        latencies = []
        for text in QUESTIONS:  # right after the kill, before HAProxy's health check has noticed
            for p in players:
                started = time.monotonic()
                frames = await answer(p, text)
                latencies.append(time.monotonic() - started)
                assert texts(frames, "bot"), frames  # the bot answered, not the gateway's apology
                assert not texts(frames, "system"), frames
                assert not [f for f in frames if f.get("type") == "error"], frames
        cluster.wait_server("rasa", "rasa_a", "DOWN")
        down_s = round(time.monotonic() - killed, 1)
        served = int(cluster.stats()[("rasa", "rasa_b")]["stot"]) - served_before
        assert served >= len(QUESTIONS) * len(players)
        # each conversation goes on where it was: the tracker (in Redis) has every turn, from both servers
        for p in players:
            cid = next(f for f in p.frames if f["type"] == "welcome")["conversation_id"]
            tracker = httpx.get(f"{cluster.env['CASINRA_RASA_URL']}/conversations/{cid}/tracker",
                                params={"token": cluster.env["CASINRA_RASA_TOKEN"]}, timeout=10).json()
            assert len([e for e in tracker["events"] if e["event"] == "user"]) == 1 + len(QUESTIONS)
        ready = httpx.get(f"{cluster.url}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        record("rasa_killed", turns_after_kill=len(latencies), failed=0, max_turn_s=round(max(latencies), 2),
               first_turn_s=round(latencies[0], 2), haproxy_marked_down_within_s=down_s,
               rasa_b_requests=served, rss_mb=cluster.rss_mb())
    finally:
        for p in players:
            await p.close()
