"""The hand-off relay across two gateway processes: players on gateway_a, their agent on gateway_b
(several console tabs of one agent), chats claimed, then both sides writing at a steady pace within
the per-socket rate limits. A message's latency is from its send on one socket to its arrival on
the other. The baseline is Redis itself: PUBLISH on one connection → the message on a subscribed
one, at the same pace and from the same event loop."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import httpx
import redis.asyncio as aioredis
from casinra_handoff.auth import mint_player_token
from websockets.asyncio.client import connect

from .stats import summary

PERIOD_S = 1.25  # each side of each chat writes once per period: under 1/s per player socket


async def _reader(ws: Any, on_frame, parse: bool = True) -> None:  # noqa: ANN001
    """Every frame to `on_frame` with its arrival time; parsed only where it is looked at (the load
    generator shares its event loop with every socket it measures)."""
    try:
        async for raw in ws:
            at = time.perf_counter()
            on_frame(json.loads(raw) if parse else raw, at)
    except Exception:  # noqa: BLE001 — the socket closed: the run is over
        pass


async def _until(check, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"relay bench: never got {what}")
        await asyncio.sleep(0.05)


async def relay(player_ws: str, agent_http: str, agent_ws: str, jwt_secret: str, agent_password: str,
                chats: int, seconds: float, tabs: int) -> dict[str, Any]:
    login = httpx.post(f"{agent_http}/api/agents/login", json={"username": "ayse", "password": agent_password}, timeout=10)
    login.raise_for_status()
    token = login.json()["token"]
    frames: list[dict] = []  # the first tab's (the one measured)
    other_tab_errors = [0]
    sent_at: dict[str, float] = {}
    to_agent: list[float] = []
    to_player: list[float] = []

    def on_agent(frame: dict, at: float) -> None:
        frames.append(frame)
        if frame.get("type") == "message" and frame.get("sender") == "player":
            key = frame.get("client_id")
            if key in sent_at:
                to_agent.append((at - sent_at.pop(key)) * 1000)

    def on_other_tab(raw: str, at: float) -> None:
        if '"type":"error"' in raw:
            other_tab_errors[0] += 1

    agents = []
    for i in range(tabs):
        ws = await connect(f"{agent_ws}/ws/agent?token={token}", open_timeout=10)
        agents.append((ws, asyncio.create_task(_reader(ws, on_agent) if i == 0 else _reader(ws, on_other_tab, parse=False))))
    players: list[tuple[Any, str]] = []
    readers = []
    seen: dict[int, list[dict]] = {}
    for n in range(chats):
        ws = await connect(f"{player_ws}/ws/player?token="
                           + mint_player_token(f"R{n:06d}", f"Oyuncu {n}", jwt_secret, 3600), open_timeout=10)
        welcome = json.loads(await ws.recv())
        seen[n] = []

        def on_player(frame: dict, at: float, n: int = n) -> None:
            seen[n].append(frame)
            if frame.get("type") == "message" and frame.get("sender") == "agent":
                key = frame.get("text", "")
                if key in sent_at:
                    to_player.append((at - sent_at.pop(key)) * 1000)

        readers.append(asyncio.create_task(_reader(ws, on_player)))
        players.append((ws, welcome["conversation_id"]))
    # every chat to the agent: hand-off by the bot, claimed from the first tab
    for n, (ws, cid) in enumerate(players):
        await ws.send(json.dumps({"type": "message", "id": uuid.uuid4().hex, "text": "canlı destek istiyorum"}))
    for n, (ws, cid) in enumerate(players):
        await _until(lambda n=n: any(f.get("state") == "queued" for f in seen[n]), 60, f"chat {n} queued")
        await agents[0][0].send(json.dumps({"type": "claim", "conversation_id": cid}))
        await _until(lambda cid=cid: any(f.get("type") == "conversation" and f.get("conversation_id") == cid
                                         for f in frames), 30, f"chat {n} claimed")
    await asyncio.sleep(1.0)

    async def player_side(n: int, ws: Any) -> None:
        await asyncio.sleep(PERIOD_S * n / chats)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            mid = uuid.uuid4().hex
            sent_at[mid] = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "id": mid, "text": f"oyuncu mesajı {mid[:6]}"}))
            await asyncio.sleep(PERIOD_S)

    async def agent_side(n: int, cid: str) -> None:
        ws = agents[n % tabs][0]
        await asyncio.sleep(PERIOD_S * (n + 0.5) / chats)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            text = f"temsilci yanıtı {uuid.uuid4().hex[:12]}"
            sent_at[text] = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "id": uuid.uuid4().hex, "conversation_id": cid, "text": text}))
            await asyncio.sleep(PERIOD_S)

    await asyncio.gather(*(player_side(n, ws) for n, (ws, _) in enumerate(players)),
                         *(agent_side(n, cid) for n, (_, cid) in enumerate(players)))
    await asyncio.sleep(1.0)
    errors = sum(1 for f in frames if f.get("type") == "error") + other_tab_errors[0] + sum(
        1 for fs in seen.values() for f in fs if f.get("type") == "error")
    for ws, cid in players:
        await agents[0][0].send(json.dumps({"type": "resolve", "conversation_id": cid}))
    await asyncio.sleep(0.5)
    for ws, _ in players:
        await ws.close()
    for ws, _ in agents:
        await ws.close()
    for task in readers + [t for _, t in agents]:
        task.cancel()
    return {"chats": chats, "agent_tabs": tabs, "seconds": seconds, "period_s": PERIOD_S,
            "player_to_agent": summary(to_agent), "agent_to_player": summary(to_player),
            "lost": len(sent_at), "errors": errors}


async def redis_baseline(redis_url: str, channels: int, seconds: float) -> dict[str, Any]:
    """PUBLISH → receive on a subscribed connection, the same pace as the relay (both directions):
    the latencies in ms and how many were lost."""
    pub = aioredis.from_url(redis_url, decode_responses=True)
    sub_client = aioredis.from_url(redis_url, decode_responses=True)
    pubsub = sub_client.pubsub()
    names = [f"bench:relay:{uuid.uuid4().hex[:8]}:{n}" for n in range(channels * 2)]
    await pubsub.subscribe(*names)
    sent_at: dict[str, float] = {}
    latencies: list[float] = []

    async def receive() -> None:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                at = time.perf_counter()
                started = sent_at.pop(message["data"], None)
                if started is not None:
                    latencies.append((at - started) * 1000)

    reader = asyncio.create_task(receive())
    await asyncio.sleep(0.5)

    async def side(n: int) -> None:
        await asyncio.sleep(PERIOD_S * n / len(names))
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            payload = json.dumps({"type": "message", "id": uuid.uuid4().hex, "text": "x" * 40})
            sent_at[payload] = time.perf_counter()
            await pub.publish(names[n], payload)
            await asyncio.sleep(PERIOD_S)

    await asyncio.gather(*(side(n) for n in range(len(names))))
    await asyncio.sleep(0.5)
    reader.cancel()
    await pubsub.aclose()
    await sub_client.aclose()
    await pub.aclose()
    return {"latencies": latencies, "lost": len(sent_at), "channels": len(names)}


def pooled_baseline(runs: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """Baseline runs before and after the relay (the shared machine drifts), as one sample."""
    return {"channels": runs[0]["channels"], "seconds": seconds, "runs": len(runs),
            **summary(x for r in runs for x in r["latencies"]), "lost": sum(r["lost"] for r in runs)}
