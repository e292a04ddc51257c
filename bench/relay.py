"""The hand-off relay across two gateway processes: players on gateway_a, their agent on gateway_b
(several console tabs of one agent), chats claimed, then both sides writing at a steady pace within
the per-socket rate limits. A message's latency is from its send on one socket to its arrival on
the other. The baseline is Redis itself: PUBLISH on one connection → the message on a subscribed
one, at the same pace and from the same event loop.

Relay and baseline take turns in short slices (`interleaved`): on shared vCPUs the hypervisor's
share comes and goes within seconds, so a baseline measured in other minutes than the relay would
compare it with another machine."""
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
from .wake import CpuMeter, WakeProbe, Window, late_summary, within, work_median

PERIOD_S = 1.25  # each side of each chat writes once per period: under 1/s per player socket
DRAIN_S = 0.5  # after a slice, for what is still in flight

async def _reader(ws: Any, on_frame, parse: bool = True) -> None:  # noqa: ANN001
    """Every frame to `on_frame` with its arrival time; parsed only where it is looked at (the load
    generator shares its event loop with every socket it measures)."""
    try:
        async for raw in ws:
            at = time.perf_counter()
            on_frame(json.loads(raw) if parse else raw, at)
    except Exception:  # noqa: BLE001 — the socket closed: the run is over
        pass


async def _pause(end: float) -> bool:
    """One period → True; False (after waiting out the slice) when the slice ends sooner."""
    left = end - time.monotonic()
    await asyncio.sleep(max(0.0, min(PERIOD_S, left)))
    return left > PERIOD_S


async def _until(check, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"relay bench: never got {what}")
        await asyncio.sleep(0.05)


class RelayedChats:
    """The relayed chats: signed in, handed to the agent by the bot and claimed once, then written to
    in slices (`write`) until `close`."""

    def __init__(self, agents: list[tuple[Any, asyncio.Task[None]]], players: list[tuple[Any, str]],
                 readers: list[asyncio.Task[None]], frames: list[dict], seen: dict[int, list[dict]],
                 sent_at: dict[str, float], to_agent: list[float], to_player: list[float], other_tab_errors: list[int]) -> None:
        self.agents, self.players, self.readers = agents, players, readers
        self.frames, self.seen, self.sent_at = frames, seen, sent_at
        self.to_agent, self.to_player, self.other_tab_errors = to_agent, to_player, other_tab_errors
        self.seconds = 0.0

    @classmethod
    async def open(cls, player_ws: str, agent_http: str, agent_ws: str, jwt_secret: str, agent_password: str,
                   chats: int, tabs: int) -> "RelayedChats":
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
        for ws, _ in players:
            await ws.send(json.dumps({"type": "message", "id": uuid.uuid4().hex, "text": "canlı destek istiyorum"}))
        for n, (ws, cid) in enumerate(players):
            await _until(lambda n=n: any(f.get("state") == "queued" for f in seen[n]), 60, f"chat {n} queued")
            await agents[0][0].send(json.dumps({"type": "claim", "conversation_id": cid}))
            await _until(lambda cid=cid: any(f.get("type") == "conversation" and f.get("conversation_id") == cid
                                             for f in frames), 30, f"chat {n} claimed")
        await asyncio.sleep(1.0)
        return cls(agents, players, readers, frames, seen, sent_at, to_agent, to_player, other_tab_errors)

    async def write(self, seconds: float) -> None:
        """Both sides of every chat write every PERIOD_S for `seconds` (the chats' first messages spread
        over one period), then what is in flight arrives."""
        end = time.monotonic() + seconds
        chats, tabs = len(self.players), len(self.agents)

        async def player_side(n: int, ws: Any) -> None:
            await asyncio.sleep(PERIOD_S * n / chats)
            while time.monotonic() < end:
                mid = uuid.uuid4().hex
                self.sent_at[mid] = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "id": mid, "text": f"oyuncu mesajı {mid[:6]}"}))
                if not await _pause(end):
                    return

        async def agent_side(n: int, cid: str) -> None:
            ws = self.agents[n % tabs][0]
            await asyncio.sleep(PERIOD_S * (n + 0.5) / chats)
            while time.monotonic() < end:
                text = f"temsilci yanıtı {uuid.uuid4().hex[:12]}"
                self.sent_at[text] = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "id": uuid.uuid4().hex, "conversation_id": cid, "text": text}))
                if not await _pause(end):
                    return

        await asyncio.gather(*(player_side(n, ws) for n, (ws, _) in enumerate(self.players)),
                             *(agent_side(n, cid) for n, (_, cid) in enumerate(self.players)))
        self.seconds += seconds
        await asyncio.sleep(DRAIN_S)

    async def close(self) -> dict[str, Any]:
        """Resolve every chat, close every socket → the figures."""
        await asyncio.sleep(1.0)
        errors = sum(1 for f in self.frames if f.get("type") == "error") + self.other_tab_errors[0] + sum(
            1 for fs in self.seen.values() for f in fs if f.get("type") == "error")
        for ws, cid in self.players:
            await self.agents[0][0].send(json.dumps({"type": "resolve", "conversation_id": cid}))
        await asyncio.sleep(0.5)
        for ws, _ in self.players:
            await ws.close()
        for ws, _ in self.agents:
            await ws.close()
        for task in self.readers + [t for _, t in self.agents]:
            task.cancel()
        return {"chats": len(self.players), "agent_tabs": len(self.agents), "seconds": round(self.seconds, 1),
                "period_s": PERIOD_S, "player_to_agent": summary(self.to_agent),
                "agent_to_player": summary(self.to_player), "lost": len(self.sent_at), "errors": errors}


class RedisPair:
    """The baseline: PUBLISH on one Redis connection → the message on a subscribed one, on as many
    channels as the relay has chat sides, at the same pace and from the same event loop."""

    def __init__(self, pub: aioredis.Redis, sub_client: aioredis.Redis, pubsub: Any, names: list[str]) -> None:
        self.pub, self.sub_client, self.pubsub, self.names = pub, sub_client, pubsub, names
        self.sent_at: dict[str, float] = {}
        self.latencies: list[float] = []
        self.seconds = 0.0
        self.reader = asyncio.create_task(self._receive())

    @classmethod
    async def open(cls, redis_url: str, chats: int) -> "RedisPair":
        pub = aioredis.from_url(redis_url, decode_responses=True)
        sub_client = aioredis.from_url(redis_url, decode_responses=True)
        pubsub = sub_client.pubsub()
        names = [f"bench:relay:{uuid.uuid4().hex[:8]}:{n}" for n in range(chats * 2)]
        await pubsub.subscribe(*names)
        pair = cls(pub, sub_client, pubsub, names)
        await asyncio.sleep(0.5)
        return pair

    async def _receive(self) -> None:
        async for message in self.pubsub.listen():
            if message.get("type") == "message":
                at = time.perf_counter()
                started = self.sent_at.pop(message["data"], None)
                if started is not None:
                    self.latencies.append((at - started) * 1000)

    async def write(self, seconds: float) -> None:
        end = time.monotonic() + seconds

        async def side(n: int) -> None:
            await asyncio.sleep(PERIOD_S * n / len(self.names))
            while time.monotonic() < end:
                payload = json.dumps({"type": "message", "id": uuid.uuid4().hex, "text": "x" * 40})
                self.sent_at[payload] = time.perf_counter()
                await self.pub.publish(self.names[n], payload)
                if not await _pause(end):
                    return

        await asyncio.gather(*(side(n) for n in range(len(self.names))))
        self.seconds += seconds
        await asyncio.sleep(DRAIN_S)

    async def close(self) -> dict[str, Any]:
        self.reader.cancel()
        await self.pubsub.aclose()
        await self.sub_client.aclose()
        await self.pub.aclose()
        return {"channels": len(self.names), "seconds": round(self.seconds, 1), **summary(self.latencies),
                "lost": len(self.sent_at)}


async def interleaved(relayed: RelayedChats, baseline: RedisPair, relay_s: float, baseline_s: float,
                      slices: int) -> dict[str, Any]:
    """The relay in `slices` slices, the baseline in one more, taking turns (baseline, relay, …,
    baseline), with a wake-up probe beside them: → the relay's figures with the baseline's ("redis")
    and the probe's for each ("wake")."""
    relay_slice, baseline_slice = relay_s / slices, baseline_s / (slices + 1)
    probe = WakeProbe()
    await probe.start(limit_s=2 * (relay_s + baseline_s) + 60)
    await asyncio.sleep(0.5)  # the probe's process has started
    windows: dict[str, list[Window]] = {"baseline": [], "relay": []}
    cpu = {"baseline": CpuMeter(), "relay": CpuMeter()}
    for i in range(2 * slices + 1):
        phase = "relay" if i % 2 else "baseline"
        cpu[phase].start()
        started = time.monotonic()
        await (relayed.write(relay_slice) if i % 2 else baseline.write(baseline_slice))
        windows[phase].append((started, time.monotonic()))
        cpu[phase].stop()
    samples = await probe.stop()
    out = await relayed.close()
    out["slices"] = slices
    out["redis"] = {**await baseline.close(), "slices": slices + 1}
    usual = work_median(within(samples, windows["baseline"] + windows["relay"]))
    out["wake"] = {phase: late_summary(within(samples, windows[phase]), cpu[phase].stolen_pct(), usual) for phase in windows}
    return out
