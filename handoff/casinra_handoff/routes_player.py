"""Player websocket and attachment upload."""
from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Header, HTTPException, Query, Request, WebSocket, status
from fastapi.responses import JSONResponse
from starlette.websockets import WebSocketDisconnect

from . import frames as F
from .auth import AuthError, PlayerIdentity, verify_player_token
from .deps import BearerToken, GatewayDep
from .history import ReplayCursor
from .ratelimit import TokenBucket
from .service import Gateway
from .sockets import Connection, cancel
from .state import Conversation

log = logging.getLogger("casinra.player")
router = APIRouter(tags=["player"])

CID_RE = re.compile(r"^[A-Za-z0-9_\-]{1,80}$")


async def _resolve_conversation(
    gw: Gateway, identity: PlayerIdentity | None, cid: str | None
) -> tuple[Conversation | None, bool, str | None]:
    """→ (conversation, resumed, error code)."""
    owner = identity.id if identity else None
    if cid and CID_RE.match(cid):
        conv = await gw.state.get(cid)
        if conv is not None:
            if conv.player_id != owner:
                return None, False, "forbidden"
            return conv, True, None
    conv = await gw.state.create(owner, identity.name if identity else None)
    return conv, False, None


@router.websocket("/ws/player")
async def player_socket(ws: WebSocket, gw: GatewayDep) -> None:
    s = gw.settings
    await ws.accept()
    conn = Connection(ws, gw.metrics, "player", TokenBucket(s.player_rate_per_s, s.player_burst))
    qp = ws.query_params
    identity: PlayerIdentity | None = None
    if qp.get("token"):
        try:
            identity = verify_player_token(qp["token"], s.jwt_secret)
        except AuthError:
            await conn.reject("invalid_token", 4401)
            return
    try:
        after_seq = max(0, int(qp.get("after_seq") or 0))
    except ValueError:
        after_seq = 0
    conv, resumed, err = await _resolve_conversation(gw, identity, qp.get("conversation_id"))
    if err or conv is None:
        await conn.reject(err or "internal", 4403)
        return
    cid = conv.id
    gw.metrics.connections.labels("player").inc()
    sender = asyncio.create_task(conn.send_loop(), name=f"player-send:{cid}")
    pump: asyncio.Task | None = None
    try:
        async with gw.bus.subscribe(gw.keys.ch_conv(cid)) as sub, gw.bus.subscribe(gw.keys.ch_queue) as qsub:
            last = await gw.history.last_seq(cid)
            await conn.send(F.WelcomeOut(
                conversation_id=cid, state=conv.state, resumed=resumed, last_seq=last,
                player=F.PlayerRef(id=identity.id, name=identity.name) if identity else None, guest=identity is None,
            ))
            for entry in await gw.history.read(cid, after_seq, upto_seq=last):
                await conn.send(entry.frame)
            cursor = ReplayCursor(gw.history, cid, max(last, after_seq), include_internal=False)
            first_state = await gw.state_frame(conv)
            await conn.send(first_state)
            pump = asyncio.create_task(_pump(gw, conn, cid, cursor, sub, qsub, first_state), name=f"player-pump:{cid}")
            await _receive_loop(gw, conn, cid)
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("player socket failed", extra={"conversation_id": cid})
    finally:
        gw.metrics.connections.labels("player").dec()
        await cancel(pump)
        await conn.shutdown()
        await cancel(sender)


async def _pump(gw: Gateway, conn: Connection, cid: str, cursor, sub, qsub, last_state: F.StateOut) -> None:
    """Bus → socket: history (exactly once, in order), typing, state and queue position."""
    last_sent = last_state.model_dump()

    async def send_state() -> None:
        nonlocal last_sent
        conv = await gw.state.get(cid)
        if conv is None:
            return
        frame = await gw.state_frame(conv)
        dumped = frame.model_dump()
        if dumped != last_sent:
            last_sent = dumped
            await conn.send(frame)

    async def conv_events() -> None:
        async for raw in sub:
            ev = F.parse_bus(raw)
            if isinstance(ev, F.BusHistory):
                for frame in await cursor.admit(ev.seq, ev.frame, ev.visibility):
                    await conn.send(frame)
            elif isinstance(ev, F.BusTyping):
                if ev.sender != "player":
                    await conn.send(F.TypingOut(sender=ev.sender, state=ev.state))
            elif isinstance(ev, F.BusState):
                await send_state()

    async def queue_events() -> None:
        async for raw in qsub:
            if last_sent.get("state") == "queued":
                await send_state()

    await asyncio.gather(conv_events(), queue_events())


async def _receive_loop(gw: Gateway, conn: Connection, cid: str) -> None:
    s = gw.settings

    async def notify(frame: F.OutFrame) -> None:
        await conn.send(frame)

    while True:
        raw = await conn.receive()
        frame = F.parse_player(raw, s.max_frame_bytes, s.max_text_chars)
        if isinstance(frame, F.ErrorOut):
            await conn.send(frame)
            continue
        limited = conn.rate_limited(0.2 if isinstance(frame, (F.TypingIn, F.PingIn)) else 1.0)
        if limited:
            limited.ref = getattr(frame, "id", None)
            await conn.send(limited)
            continue
        if isinstance(frame, F.PingIn):
            await conn.send(F.PongOut())
            continue
        conv = await gw.state.get(cid)
        if conv is None:
            await conn.send(F.error("not_found"))
            continue
        err = None
        if isinstance(frame, F.PlayerMessageIn):
            err = await gw.player_message(conv, frame, notify)
        elif isinstance(frame, F.PlayerButtonIn):
            err = await gw.player_button(conv, frame, notify)
        elif isinstance(frame, F.TypingIn):
            await gw.player_typing(conv, frame.state)
        if err:
            await conn.send(err)


# ---------------------------------------------------------------------- attachments
SIGNATURES = {
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/jpeg": [b"\xff\xd8\xff"],
    "application/pdf": [b"%PDF-"],
}


class AttachmentOut(F.OutFrame):
    attachment_id: str
    name: str
    content_type: str
    size: int


@router.post("/api/attachments", status_code=201, response_model=AttachmentOut,
             responses={413: {"description": "too large"}, 415: {"description": "type not allowed"}})
async def upload_attachment(
    request: Request, gw: GatewayDep, token: BearerToken,
    conversation_id: Annotated[str, Query(pattern=r"^[A-Za-z0-9_\-]{1,80}$")],
    content_type: Annotated[str, Header()] = "",
    x_filename: Annotated[str, Header()] = "dosya",
) -> AttachmentOut:
    """Upload evidence (PNG, JPEG, PDF) for a conversation; then reference it in a message frame."""
    s = gw.settings
    identity = None
    if token:
        try:
            identity = verify_player_token(token, s.jwt_secret)
        except AuthError:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Oturum geçersiz.")
    conv = await gw.state.get(conversation_id)
    if conv is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Sohbet bulunamadı.")
    if conv.player_id != (identity.id if identity else None):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Bu sohbete dosya yükleyemezsiniz.")
    ctype = content_type.split(";")[0].strip().lower()
    if ctype not in SIGNATURES:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "Yalnızca PNG, JPEG veya PDF yükleyebilirsiniz.")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > s.max_attachment_bytes:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "Dosya çok büyük.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > s.max_attachment_bytes:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "Dosya çok büyük.")
    if not body or not any(body.startswith(sig) for sig in SIGNATURES[ctype]):
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "Dosya içeriği türüyle uyuşmuyor.")
    name = re.sub(r"[^\w.\- ]", "_", unquote(x_filename))[:100] or "dosya"
    aid = "a_" + secrets.token_hex(16)
    folder = s.attachments_dir
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread((folder / aid).write_bytes, bytes(body))
    key = gw.keys.attachment(aid)
    await gw.redis.hset(key, mapping={"conversation_id": conversation_id, "name": name, "content_type": ctype,
                                      "size": len(body), "created_at": time.time()})
    await gw.redis.expire(key, s.conversation_ttl_s)
    return AttachmentOut(attachment_id=aid, name=name, content_type=ctype, size=len(body))
