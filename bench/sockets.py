"""Idle player sockets on one gateway process: its resident memory before and after opening them
(each a signed-in player with a new conversation, welcomed and then silent), per socket. Redis's
memory for their conversations is reported beside it."""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable

import redis.asyncio as aioredis
from casinra_handoff.auth import mint_player_token
from websockets.asyncio.client import connect


async def _open(url: str, secret: str, n: int) -> Any:
    ws = await connect(f"{url}/ws/player?token=" + mint_player_token(f"S{n:06d}", f"Oyuncu {n}", secret, 3600),
                       open_timeout=60, ping_interval=None)
    while json.loads(await asyncio.wait_for(ws.recv(), 60)).get("type") != "state":
        pass
    return ws


async def idle_sockets(ws_url: str, jwt_secret: str, redis_url: str, count: int, rss_kb: Callable[[], int],
                       batch: int = 100, settle_s: float = 10.0) -> dict[str, Any]:
    redis = aioredis.from_url(redis_url)
    await asyncio.sleep(2.0)
    before = rss_kb()
    redis_before = (await redis.info("memory"))["used_memory"]
    sockets: list[Any] = []
    errors = 0
    started = time.perf_counter()
    for first in range(0, count, batch):
        opened = await asyncio.gather(*(_open(ws_url, jwt_secret, n) for n in range(first, min(first + batch, count))),
                                      return_exceptions=True)
        for ws in opened:
            if isinstance(ws, BaseException):
                errors += 1
            else:
                sockets.append(ws)
    open_s = time.perf_counter() - started
    await asyncio.sleep(settle_s)  # idle: only the gateway's own pings and heartbeats
    after = rss_kb()
    redis_after = (await redis.info("memory"))["used_memory"]
    alive = sum(1 for ws in sockets if ws.state.name == "OPEN")
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    await asyncio.sleep(3.0)
    closed = rss_kb()
    await redis.aclose()
    opened_n = len(sockets)
    return {"sockets": count, "opened": opened_n, "errors": errors, "still_open_after_idle": alive,
            "open_s": round(open_s, 1), "idle_s": settle_s,
            "rss_before_mb": round(before / 1024, 1), "rss_with_sockets_mb": round(after / 1024, 1),
            "rss_after_close_mb": round(closed / 1024, 1),
            "kb_per_socket": round((after - before) / max(opened_n, 1), 1),
            "redis_bytes_per_conversation": round((redis_after - redis_before) / max(opened_n, 1))}
