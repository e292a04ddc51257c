"""Evidence files players attach to a conversation: bytes in the state folder, metadata in Redis.

Only PNG, JPEG and PDF whose content matches the declared type are kept; the metadata expires
with the conversation.
"""
from __future__ import annotations

import asyncio
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import redis.asyncio as aioredis

from .frames import AttachmentRef
from .keys import Keys

SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/pdf": (b"%PDF-",),
}
ATTACHMENT_ID = re.compile(r"^a_[0-9a-f]{32}$")


def content_type_of(header: str) -> str | None:
    """The accepted media type of a `Content-Type` header, or None."""
    ctype = header.split(";")[0].strip().lower()
    return ctype if ctype in SIGNATURES else None


def content_matches(ctype: str, body: bytes) -> bool:
    return bool(body) and body.startswith(SIGNATURES[ctype])


def safe_name(raw: str) -> str:
    """A file name fit to show and to send back in Content-Disposition."""
    return re.sub(r"[^\w.\- ]", "_", unquote(raw))[:100] or "dosya"


@dataclass(frozen=True)
class Stored:
    conversation_id: str
    ref: AttachmentRef


class Attachments:
    def __init__(self, redis: aioredis.Redis, keys: Keys, folder: Path, ttl_s: int) -> None:
        self.r = redis
        self.k = keys
        self.folder = folder
        self.ttl = ttl_s

    async def save(self, cid: str, name: str, ctype: str, body: bytes) -> AttachmentRef:
        aid = "a_" + secrets.token_hex(16)
        await asyncio.to_thread(self.folder.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(self.path(aid).write_bytes, body)
        key = self.k.attachment(aid)
        await self.r.hset(key, mapping={"conversation_id": cid, "name": name, "content_type": ctype,
                                        "size": len(body), "created_at": time.time()})
        await self.r.expire(key, self.ttl)
        return AttachmentRef(id=aid, name=name, content_type=ctype, size=len(body))

    async def get(self, aid: str) -> Stored | None:
        data = await self.r.hgetall(self.k.attachment(aid)) if ATTACHMENT_ID.match(aid) else {}
        if not data:
            return None
        return Stored(data["conversation_id"], AttachmentRef(
            id=aid, name=data["name"], content_type=data["content_type"], size=int(data["size"])))

    def path(self, aid: str) -> Path:
        return self.folder / aid
