"""Readiness: every dependency a player's turn needs, checked at once, each within 2 seconds —
Redis, the Rasa server (its model loaded), the action server (its open `/health`) and the
back-office database."""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

import httpx
from sqlalchemy import text

from .service import Gateway

TIMEOUT_S = 2.0


async def _within(check: Callable[[], Awaitable[bool]]) -> bool:
    try:
        return bool(await asyncio.wait_for(check(), TIMEOUT_S))
    except Exception:
        return False


def health_url(action_url: str) -> str:
    """`http://host:port/webhook` → `http://host:port/health`."""
    base = action_url.split("?", 1)[0].rstrip("/")
    return (base[: -len("/webhook")] if base.endswith("/webhook") else base) + "/health"


async def check(gw: Gateway) -> dict[str, bool]:
    async def redis() -> bool:
        return bool(await gw.redis.ping())

    async def actions() -> bool:
        async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
            return (await client.get(health_url(gw.settings.action_url))).status_code == 200

    async def db() -> bool:
        def select_one() -> bool:
            with gw.backoffice.engine.connect() as conn:
                return conn.execute(text("SELECT 1")).scalar() == 1
        return await asyncio.to_thread(select_one)

    names = ("redis", "rasa", "actions", "db")
    results = await asyncio.gather(_within(redis), _within(gw.rasa.ready), _within(actions), _within(db))
    return dict(zip(names, results))
