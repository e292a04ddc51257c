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

# A Lua function shared by TAKE_LUA and history's append (one round trip for a chat message): counts
# ARGV[first_arg] against the counters KEYS[first_key…], each with its (limit, window seconds) in the
# ARGV that follow. Nothing is counted unless every counter stays within its limit; returns 0, or the
# milliseconds until the first full window ends.
TAKE_FN = """
local function take(first_key, first_arg)
  local amount = tonumber(ARGV[first_arg])
  local wait = 0
  for i = first_key, #KEYS do
    local j = first_arg + (i - first_key) * 2 + 1
    local used = tonumber(redis.call('GET', KEYS[i]) or '0')
    if used + amount > tonumber(ARGV[j]) then
      local ttl = redis.call('PTTL', KEYS[i])
      if ttl < 0 then ttl = tonumber(ARGV[j + 1]) * 1000 end
      if ttl > wait then wait = ttl end
    end
  end
  if wait > 0 then return wait end
  for i = first_key, #KEYS do
    local j = first_arg + (i - first_key) * 2 + 1
    local n = redis.call('INCRBY', KEYS[i], amount)
    if n == amount then redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[j + 1]) * 1000) end
  end
  return 0
end
"""
TAKE_LUA = TAKE_FN + "return take(1, 1)\n"


@dataclass(frozen=True)
class Limit:
    name: str  # counter family, part of the key
    who: str  # player id, conversation, IP, or "all"
    limit: int
    window_s: int


@dataclass(frozen=True)
class Take:
    """Counters to count against (TAKE_FN): their keys, then the amount and (limit, window) per key."""
    keys: list[str]
    args: list[object]


class Quotas:
    def __init__(self, redis: aioredis.Redis, keys: Keys, settings: Settings) -> None:
        self.r = redis
        self.k = keys
        self.s = settings
        self._take = redis.register_script(TAKE_LUA)

    def counters(self, *limits: Limit, amount: int = 1) -> Take | None:
        """The counters of `limits` in the current windows (None: every limit is off)."""
        live = [lim for lim in limits if lim.limit > 0]
        if not live:
            return None
        window = int(time.time())
        args: list[object] = [amount]
        for lim in live:
            args += [lim.limit, lim.window_s]
        return Take([self.k.quota(f"{lim.name}:{lim.who}:{window // lim.window_s}") for lim in live], args)

    async def take(self, *limits: Limit, amount: int = 1) -> float:
        """Count `amount` against every limit → 0.0, or the seconds to wait (nothing counted)."""
        return await self.count(self.counters(*limits, amount=amount))

    async def count(self, counters: Take | None) -> float:
        """Count against `counters` → 0.0, or the seconds to wait (nothing counted)."""
        if counters is None:
            return 0.0
        return round(int(await self._take(keys=counters.keys, args=counters.args)) / 1000, 2)

    # ------------------------------------------------------------------ sockets
    def frame_counters(self, who: str, ip: str) -> Take | None:
        """What one inbound frame (valid or not) of a player or agent `who`, from `ip`, counts against."""
        s = self.s
        return self.counters(Limit("frames-who", who, s.quota_frames_per_min_who, 60),
                             Limit("frames-ip", ip, s.quota_frames_per_min_ip, 60),
                             Limit("frames-all", "all", s.quota_frames_per_s_all, 1))

    async def frame(self, who: str, ip: str) -> F.ErrorOut | None:
        """Count one inbound frame; a chat message is counted in its own append instead (history.py)."""
        wait = await self.count(self.frame_counters(who, ip))
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
