"""Agent presence by heartbeat: a sorted set of `username|connection` scored by expiry time."""
from __future__ import annotations

import time

import redis.asyncio as aioredis

from .keys import Keys


class Presence:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_s: float) -> None:
        self.r = redis
        self.k = keys
        self.ttl = ttl_s

    async def heartbeat(self, username: str, conn_id: str) -> None:
        await self.r.zadd(self.k.presence, {f"{username}|{conn_id}": time.time() + self.ttl})

    async def leave(self, username: str, conn_id: str) -> None:
        await self.r.zrem(self.k.presence, f"{username}|{conn_id}")

    async def online(self) -> set[str]:
        now = time.time()
        await self.r.zremrangebyscore(self.k.presence, "-inf", now)
        members = await self.r.zrangebyscore(self.k.presence, now, "+inf")
        return {m.split("|", 1)[0] for m in members}

    async def is_online(self, username: str) -> bool:
        return username in await self.online()
