"""Quotas shared by every replica: fixed-window counters in Redis, several checked in one round trip.

Per connection the token bucket of `sockets.py` smooths bursts; these counters hold across
sockets and replicas: frames per player (a guest: per conversation), per client IP and for the
whole gateway; socket opens and new guest conversations per IP; uploads per IP and bytes per
conversation; agent logins per IP, and a lockout per user name after repeated failures.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import redis.asyncio as aioredis

from . import frames as F
from .keys import Keys
from .settings import Settings

# KEYS: counters; ARGV: amount, then (limit, window seconds) per key. Nothing is counted unless
# every counter stays within its limit; returns 0, or the seconds until the first full window ends.
TAKE_LUA = """
local amount = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[i * 2])
  local used = tonumber(redis.call('GET', key) or '0')
  if used + amount > limit then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[i * 2 + 1]) * 1000 end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local n = redis.call('INCRBY', key, amount)
  if n == amount then redis.call('PEXPIRE', key, tonumber(ARGV[i * 2 + 1]) * 1000) end
end
return 0
"""


@dataclass(frozen=True)
class Limit:
    name: str  # counter family, part of the key
    who: str  # player id, conversation, IP, or "all"
    limit: int
    window_s: int


class Quotas:
    def __init__(self, redis: aioredis.Redis, keys: Keys, settings: Settings) -> None:
        self.r = redis
        self.k = keys
        self.s = settings
        self._take = redis.register_script(TAKE_LUA)

    async def take(self, *limits: Limit, amount: int = 1) -> float:
        """Count `amount` against every limit → 0.0, or the seconds to wait (nothing counted)."""
        live = [lim for lim in limits if lim.limit > 0]
        if not live:
            return 0.0
        window = int(time.time())
        keys = [self.k.quota(f"{lim.name}:{lim.who}:{window // lim.window_s}") for lim in live]
        args: list[object] = [amount]
        for lim in live:
            args += [lim.limit, lim.window_s]
        wait_ms = int(await self._take(keys=keys, args=args))
        return round(wait_ms / 1000, 2)

    # ------------------------------------------------------------------ sockets
    async def frame(self, who: str, ip: str) -> F.ErrorOut | None:
        """One inbound frame (valid or not) of a player or agent `who`, from `ip`."""
        s = self.s
        wait = await self.take(Limit("frames-who", who, s.quota_frames_per_min_who, 60),
                               Limit("frames-ip", ip, s.quota_frames_per_min_ip, 60),
                               Limit("frames-all", "all", s.quota_frames_per_s_all, 1))
        return F.error("rate_limited", retry_after=wait) if wait else None

    async def socket_open(self, ip: str) -> float:
        return await self.take(Limit("sockets-ip", ip, self.s.quota_sockets_per_min_ip, 60))

    async def new_guest_conversation(self, ip: str) -> float:
        return await self.take(Limit("guest-conv-ip", ip, self.s.quota_guest_conversations_per_hour_ip, 3600))

    # ------------------------------------------------------------------ uploads
    async def upload(self, ip: str, cid: str, size: int, guest: bool) -> float:
        s = self.s
        per_ip = s.quota_guest_uploads_per_hour_ip if guest else s.quota_player_uploads_per_hour_ip
        wait = await self.take(Limit("uploads-ip", ip, per_ip, 3600))
        if wait:
            return wait
        return await self.take(Limit("upload-bytes-conv", cid, s.quota_upload_bytes_per_conversation, 7 * 24 * 3600),
                               amount=max(1, size))

    # ------------------------------------------------------------------ agent logins
    async def login_attempt(self, ip: str) -> float:
        return await self.take(Limit("login-ip", ip, self.s.login_rate_per_min, 60))

    async def locked_out(self, username: str) -> float:
        """Seconds left of a lockout after repeated failures (0: not locked)."""
        ttl = await self.r.pttl(self.k.login_lock(username))
        return round(ttl / 1000, 1) if ttl and ttl > 0 else 0.0

    async def login_failed(self, username: str) -> bool:
        """Count a failure; True when this one locks the user name out."""
        key = self.k.login_failures(username)
        async with self.r.pipeline(transaction=True) as p:
            p.incr(key)
            p.expire(key, self.s.login_lockout_s)
            n, _ = await p.execute()
        if int(n) >= self.s.login_lockout_failures:
            async with self.r.pipeline(transaction=True) as p:
                p.set(self.k.login_lock(username), "1", ex=self.s.login_lockout_s)
                p.delete(key)
                await p.execute()
            return True
        return False

    async def login_ok(self, username: str) -> None:
        await self.r.delete(self.k.login_failures(username))
