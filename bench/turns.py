"""Bot turns: players each talking through a script, every one waiting for the bot's whole answer
before the next message (a closed loop, as people chat) — through HAProxy and the gateway's player
socket, and, as the baseline, the same turns sent straight to one Rasa server's channel (signed
like the gateway signs them). Latency is from the player's send to the last bubble of the answer.
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from casinra_contracts.signing import signed_headers
from casinra_handoff.auth import mint_player_token
from websockets.asyncio.client import connect

from .stats import summary

# FAQ turns that need no agent and no account data, so both paths do the same work
SCRIPT = ["merhaba", "para çekme ne kadar sürer", "kyc için hangi belgeler gerekli",
          "bonus çevrim şartı nedir", "teşekkürler"]
WEBHOOK = "/webhooks/casinra/webhook"
TURN_TIMEOUT_S = 60.0


def says_something(m: dict[str, Any]) -> bool:
    """A message the gateway turns into a bubble (bridge.deliver)."""
    return bool(m.get("text") or m.get("buttons") or m.get("image"))


@dataclass
class Phase:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    players: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # cores used per process (bench.stack.cpu_share)

    def result(self, players: int) -> dict[str, Any]:
        turns = len(self.latencies_ms)
        return {"players": players, "turns": turns, "errors": len(self.errors), "error_kinds": sorted(set(self.errors))[:5],
                "wall_s": round(self.wall_s, 2), "turns_per_s": round(turns / self.wall_s, 2) if self.wall_s else 0,
                **summary(self.latencies_ms)}


class Direct:
    """The baseline: Rasa's channel, signed, on one Rasa server's own port."""

    def __init__(self, rasa_url: str, channel_secret: str) -> None:
        self.url = rasa_url.rstrip("/") + WEBHOOK
        self.secret = channel_secret

    async def answer(self, client: httpx.AsyncClient, sender: str, player: str, text: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text, "kind": "text", "message_id": uuid.uuid4().hex,
                           "metadata": {"player_id": player, "player_name": f"Oyuncu {player}"}},
                          ensure_ascii=False).encode()
        r = await client.post(self.url, content=body, headers={"Content-Type": "application/json",
                                                               **signed_headers(self.secret, body)})
        r.raise_for_status()
        return [m for m in r.json().get("messages", []) if says_something(m)]

    async def player(self, client: httpx.AsyncClient, player: str, phase: Phase, deadline: float) -> None:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        for text in SCRIPT:
            if time.monotonic() > deadline:
                phase.errors.append("phase time limit")
                return
            started = time.perf_counter()
            try:
                msgs = await asyncio.wait_for(self.answer(client, sender, player, text), TURN_TIMEOUT_S)
            except Exception as exc:  # noqa: BLE001 — every failure is a counted error
                phase.errors.append(type(exc).__name__)
                return
            if not msgs:
                phase.errors.append("no answer")
                return
            phase.latencies_ms.append((time.perf_counter() - started) * 1000)

    async def run(self, players: list[str], time_limit_s: float) -> Phase:
        phase = Phase(players=len(players))
        limits = httpx.Limits(max_connections=len(players), max_keepalive_connections=len(players))
        async with httpx.AsyncClient(timeout=TURN_TIMEOUT_S, limits=limits) as client:
            started = time.perf_counter()
            deadline = time.monotonic() + time_limit_s
            await asyncio.gather(*(self.player(client, p, phase, deadline) for p in players))
            phase.wall_s = time.perf_counter() - started
        return phase


class ThroughGateway:
    """Players on the gateway's socket (through HAProxy, as a browser reaches it)."""

    def __init__(self, ws_url: str, jwt_secret: str, expected: list[int]) -> None:
        self.url = ws_url.rstrip("/") + "/ws/player"
        self.secret = jwt_secret
        self.expected = expected  # bubbles per turn of SCRIPT, from the direct calibration

    async def player(self, player: str, phase: Phase, deadline: float, ready: asyncio.Barrier) -> None:
        token = mint_player_token(player, f"Oyuncu {player}", self.secret, 3600)
        try:
            ws = await connect(f"{self.url}?token={token}", open_timeout=30, max_size=2**22)
            await _frame(ws, lambda f: f.get("type") == "state", 30)  # welcome, (history), state
        except Exception as exc:  # noqa: BLE001
            phase.errors.append(f"connect: {type(exc).__name__}")
            await ready.wait()
            return
        await ready.wait()  # every player connected before the first turn: only turns are timed
        try:
            for i, text in enumerate(SCRIPT):
                if time.monotonic() > deadline:
                    phase.errors.append("phase time limit")
                    return
                started = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "id": uuid.uuid4().hex, "text": text}))
                bubbles = 0
                while bubbles < self.expected[i]:
                    frame = await _frame(ws, lambda f: f.get("type") in ("message", "error"),
                                         TURN_TIMEOUT_S - (time.perf_counter() - started))
                    if frame["type"] == "error":
                        raise RuntimeError(f"error frame {frame.get('code')}")
                    if frame.get("sender") == "system":
                        raise RuntimeError("the gateway apologised (bot unavailable)")
                    if frame.get("sender") == "bot":
                        bubbles += 1
                phase.latencies_ms.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # noqa: BLE001
            phase.errors.append(str(exc)[:60] if isinstance(exc, RuntimeError) else type(exc).__name__)
        finally:
            await ws.close()

    async def run(self, players: list[str], time_limit_s: float) -> Phase:
        phase = Phase(players=len(players))
        ready = asyncio.Barrier(len(players) + 1)
        deadline = time.monotonic() + time_limit_s + 60
        tasks = [asyncio.create_task(self.player(p, phase, deadline, ready)) for p in players]
        await ready.wait()
        started = time.perf_counter()
        await asyncio.gather(*tasks)
        phase.wall_s = time.perf_counter() - started
        return phase


async def _frame(ws: Any, match, timeout: float) -> dict:  # noqa: ANN001
    deadline = time.perf_counter() + max(timeout, 0.1)
    while True:
        raw = await asyncio.wait_for(ws.recv(), max(deadline - time.perf_counter(), 0.01))
        frame = json.loads(raw)
        if match(frame):
            return frame


async def calibrate(direct: Direct) -> list[int]:
    """Bubbles per turn of the script, from one conversation straight to Rasa (also the warm-up)."""
    async with httpx.AsyncClient(timeout=TURN_TIMEOUT_S) as client:
        sender = f"bench-calibration-{uuid.uuid4().hex[:8]}"
        return [len(await direct.answer(client, sender, "B000000", text)) for text in SCRIPT]
