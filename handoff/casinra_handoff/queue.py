"""The agent queue: a sorted set ordered by priority band, then waiting time.

score = band * 1e13 + queued_at_ms, with the bands of `casinra_contracts.topics.priority_band`
(urgent 0, high 1, normal 2). A chat re-queued after an agent's grace period or a transfer to a
team goes to the front of its band (score = band * 1e13 + a small increasing number), so an
urgent chat is never pushed behind a normal one.
"""
from __future__ import annotations

import math

import redis.asyncio as aioredis
from casinra_contracts.topics import priority_band

from .keys import Keys

BAND_WIDTH = 1e13


def score(priority: str | None, queued_at: float, *, front: bool = False) -> float:
    band = priority_band(priority)
    if front:
        return band * BAND_WIDTH + queued_at / 1e6  # ~1.7e3: ahead of every ms timestamp
    return band * BAND_WIDTH + queued_at * 1000.0


class Queue:
    def __init__(self, redis: aioredis.Redis, keys: Keys, default_handle_s: float) -> None:
        self.r = redis
        self.k = keys
        self.default_handle_s = default_handle_s

    async def ids(self) -> list[str]:
        return await self.r.zrange(self.k.queue, 0, -1)

    async def length(self) -> int:
        return int(await self.r.zcard(self.k.queue))

    async def position(self, cid: str) -> int | None:
        rank = await self.r.zrank(self.k.queue, cid)
        return None if rank is None else int(rank) + 1

    async def record_handle_time(self, seconds: float) -> None:
        async with self.r.pipeline(transaction=True) as p:
            p.lpush(self.k.handle_times, f"{max(0.0, seconds):.1f}")
            p.ltrim(self.k.handle_times, 0, 19)
            await p.execute()

    async def avg_handle_time(self) -> float:
        vals = [float(v) for v in await self.r.lrange(self.k.handle_times, 0, 19)]
        return sum(vals) / len(vals) if vals else self.default_handle_s

    async def eta(self, position: int | None, agents_online: int) -> int | None:
        if position is None:
            return None
        per = await self.avg_handle_time()
        return int(math.ceil(position / max(1, agents_online)) * per)

    async def unattended_since(self, now: float) -> float:
        """When the queue was first seen waiting with no agent online (shared by every replica)."""
        await self.r.set(self.k.queue_offline_since, now, nx=True)
        return float(await self.r.get(self.k.queue_offline_since) or now)

    async def attended(self) -> None:
        await self.r.delete(self.k.queue_offline_since)
