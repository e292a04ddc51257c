"""Readiness: every dependency a player's turn needs, checked at once, each within 2 seconds —
Redis, the Rasa server (its model loaded), the action server (its open `/health`) and the
back-office database.

A Rasa or action server that takes the connection but answers late is busy, not down: it is shared
by every gateway, so failing readiness for it would take every gateway out of the load balancer at
once while the turns still get answered (slowly). It is named under `busy`; refused connections,
error statuses and a Rasa without a model are failures."""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

import httpx
from sqlalchemy import text

from .service import Gateway

TIMEOUT_S = 2.0
# an HTTP dependency's own limits, inside TIMEOUT_S, so that a late answer is told from a lost one
HTTP_TIMEOUT = httpx.Timeout(1.5, connect=0.4)
BUSY = "busy"


async def _within(check: Callable[[], Awaitable[bool]]) -> bool | str:
    try:
        return bool(await asyncio.wait_for(check(), TIMEOUT_S))
    except Exception as exc:
        return BUSY if _late(exc) else False


def _late(exc: BaseException | None) -> bool:
    """The server took the connection and has not answered yet (a read or pool timeout)."""
    while exc is not None:
        if isinstance(exc, (httpx.ReadTimeout, httpx.PoolTimeout)):
            return True
        exc = exc.__cause__
    return False


def health_url(action_url: str) -> str:
    """`http://host:port/webhook` → `http://host:port/health`."""
    base = action_url.split("?", 1)[0].rstrip("/")
    return (base[: -len("/webhook")] if base.endswith("/webhook") else base) + "/health"


async def check(gw: Gateway) -> dict[str, bool | str]:
    """Each dependency → True (up), False (down) or BUSY (connected, answering late: counted up)."""
    async def redis() -> bool:
        return bool(await gw.redis.ping())

    async def rasa() -> bool:
        return await gw.rasa.ready(timeout=HTTP_TIMEOUT)

    async def actions() -> bool:
        return (await gw.checks.get(health_url(gw.settings.action_url), timeout=HTTP_TIMEOUT)).status_code == 200

    async def db() -> bool:
        def select_one() -> bool:
            with gw.backoffice.engine.connect() as conn:
                return conn.execute(text("SELECT 1")).scalar() == 1
        return await asyncio.to_thread(select_one)

    names = ("redis", "rasa", "actions", "db")
    results = await asyncio.gather(_within(redis), _within(rasa), _within(actions), _within(db))
    return dict(zip(names, results))
