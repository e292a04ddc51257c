"""Player identity (site-issued HS256 JWT) and agent sessions (opaque tokens in Redis)."""
from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass

import jwt
import redis.asyncio as aioredis

from .keys import Keys


class AuthError(Exception):
    pass


@dataclass(frozen=True)
class PlayerIdentity:
    id: str
    name: str


@dataclass(frozen=True)
class AgentIdentity:
    username: str
    display_name: str
    team: str | None
    role: str = "agent"  # casinra_contracts.backoffice.schema.AGENT_ROLES
    languages: tuple[str, ...] = ("tr",)  # the languages the agent serves players in


def languages_of(value: str | None) -> tuple[str, ...]:
    """``'tr,en'`` → ``('tr', 'en')``; nothing stored means Turkish."""
    return tuple(lang.strip() for lang in (value or "tr").split(",") if lang.strip()) or ("tr",)


def verify_player_token(token: str, secret: str) -> PlayerIdentity:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError as exc:
        raise AuthError(str(exc)) from exc
    sub, name = claims.get("sub"), claims.get("name")
    if not isinstance(sub, str) or not sub or len(sub) > 64:
        raise AuthError("bad sub")
    if not isinstance(name, str):
        name = sub
    return PlayerIdentity(id=sub, name=name[:120])


def mint_player_token(player_id: str, name: str, secret: str, ttl_s: int = 3600) -> str:
    now = int(time.time())
    return jwt.encode({"sub": player_id, "name": name, "iat": now, "exp": now + ttl_s}, secret, algorithm="HS256")


def _h(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentSessions:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_s: int) -> None:
        self.r = redis
        self.k = keys
        self.ttl = ttl_s

    async def create(self, agent: AgentIdentity) -> tuple[str, float]:
        token = secrets.token_urlsafe(32)
        data = json.dumps({"username": agent.username, "display_name": agent.display_name, "team": agent.team,
                           "role": agent.role, "languages": ",".join(agent.languages)})
        await self.r.set(self.k.session(_h(token)), data, ex=self.ttl)
        return token, time.time() + self.ttl

    async def get(self, token: str | None) -> AgentIdentity | None:
        if not token or len(token) > 200:
            return None
        data = await self.r.get(self.k.session(_h(token)))
        if not data:
            return None
        d = json.loads(data)
        return AgentIdentity(d["username"], d["display_name"], d.get("team"), d.get("role") or "agent",
                             languages_of(d.get("languages")))

    async def revoke(self, token: str) -> None:
        await self.r.delete(self.k.session(_h(token)))
