"""Player websocket and attachment upload."""
from __future__ import annotations

import asyncio
from typing import Annotated

from casinra_contracts.ids import is_conversation_id
from fastapi import APIRouter, Header, HTTPException, Query, Request, WebSocket, status

from . import frames as F
from .attachments import content_matches, content_type_of, safe_name
from .auth import AuthError, PlayerIdentity, verify_player_token
from .clientip import client_ip
from .deps import BearerToken, GatewayDep
from .history import ReplayCursor
from .pump import StateFeed, pump
from .quota import Take
from .ratelimit import TokenBucket
from .service import Gateway
from .outage import TRANSIENT
from .sockets import CLOSE_TRY_AGAIN, Connection, receive_loop, serve
from .state import Conversation
from .tasks import cancel

router = APIRouter(tags=["player"])
MAX_SEQ_DIGITS = 15  # far above any conversation; a larger number is not a seq


async def _resolve_conversation(
    gw: Gateway, identity: PlayerIdentity | None, cid: str | None, ip: str
) -> tuple[Conversation | None, bool, str | None, float]:
    """→ (conversation, resumed, error code, retry after)."""
    owner = identity.id if identity else None
    if cid and is_conversation_id(cid):
        conv = await gw.state.get(cid)
        if conv is not None:
            if conv.player_id != owner:
                return None, False, "forbidden", 0.0
            return conv, True, None, 0.0
    if identity is None and (wait := await gw.quotas.new_guest_conversation(ip)):
        return None, False, "rate_limited", wait
    conv = await gw.state.create(owner, identity.name if identity else None)
    return conv, False, None, 0.0


@router.websocket("/ws/player")
async def player_socket(ws: WebSocket, gw: GatewayDep) -> None:
    s = gw.settings
    await ws.accept()
    conn = Connection(ws, gw.metrics, "player", TokenBucket(s.player_rate_per_s, s.player_burst),
                      TokenBucket(1.0, s.flood_strikes))
    qp = ws.query_params
    identity: PlayerIdentity | None = None
    if qp.get("token"):
        try:
            identity = verify_player_token(qp["token"], s.jwt_secret)
        except AuthError:
            await conn.reject("invalid_token", 4401)
            return
    after_seq, bad_after_seq = parse_after_seq(qp.get("after_seq"))
    ip = client_ip(ws, s.trusted_proxies)
    try:
        wait = await gw.quotas.socket_open(ip)
        if not wait:
            conv, resumed, err, wait = await _resolve_conversation(gw, identity, qp.get("conversation_id"), ip)
    except TRANSIENT:
        await conn.reject("unavailable", CLOSE_TRY_AGAIN)
        return
    if wait:
        await conn.reject("rate_limited", CLOSE_TRY_AGAIN, retry_after=wait)
        return
    if err or conv is None:
        await conn.reject(err or "internal", 4403)
        return
    who = identity.id if identity else conv.id

    def quota(frame: F.Frame) -> Take | None:
        """What a message counts against, in its own append (other frames are counted before)."""
        return gw.quotas.frame_counters(who, ip) if isinstance(frame, F.PlayerMessageIn) else None

    async def session() -> None:
        cid = conv.id
        async with gw.bus.subscribe(gw.keys.ch_conv(cid)) as sub, gw.bus.subscribe(gw.keys.ch_queue) as qsub:
            last = await gw.history.last_seq(cid)
            await conn.send(F.WelcomeOut(
                conversation_id=cid, state=conv.state, resumed=resumed, last_seq=last,
                player=F.PlayerRef(id=identity.id, name=identity.name) if identity else None, guest=identity is None,
            ))
            if bad_after_seq:
                await conn.send(F.error("invalid_frame", "after_seq geçersiz; sohbetin tamamı yeniden gönderiliyor.",
                                        details={"after_seq": bad_after_seq[:40]}))
            since = min(after_seq, last)  # a client ahead of the server (state lost) still gets what comes
            for entry in await gw.history.read(cid, since, upto_seq=last):
                await conn.send(entry.frame)
            cursor = ReplayCursor(gw.history, cid, last, include_internal=False)
            feed = StateFeed(gw.views, gw.state, conn, cid, for_agent=False)
            await feed.send()
            events = asyncio.create_task(pump(conn, sub, cursor, feed, viewer="player", queue_sub=qsub,
                                              give_up_s=s.redis_retry_s), name=f"player-pump:{cid}")
            try:
                await receive_loop(conn, lambda raw: F.parse_player(raw, s.max_frame_bytes, s.max_text_chars),
                                   lambda frame, conv: _handle(gw, conn, cid, frame, conv, quota(frame)),
                                   admit=lambda frame: gw.quotas.frame(who, ip),
                                   read_ahead=lambda frame: gw.state.get(cid), counted_by_handler=(F.PlayerMessageIn,))
            finally:
                await cancel(events)

    await serve(conn, session, conversation_id=conv.id)


def parse_after_seq(raw: str | None) -> tuple[int, str | None]:
    """`after_seq` → (value, None), or (0, the raw value) when it is not a plain number of messages."""
    if not raw:
        return 0, None
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_SEQ_DIGITS:
        return int(raw), None
    return 0, raw


async def _handle(gw: Gateway, conn: Connection, cid: str, frame: F.Frame,
                  conv: Conversation | None = None, quota: Take | None = None) -> F.ErrorOut | None:
    """`conv`: the conversation as read while the frame was admitted (None: read it now). A message
    is counted against `quota` and checked against the conversation in its own append."""
    if isinstance(frame, F.PlayerMessageIn):
        return await gw.player_message(cid, frame, conn.send, quota)
    if conv is None:
        conv = await gw.state.get(cid)
    if conv is None:
        return F.error("not_found")
    if isinstance(frame, F.PlayerButtonIn):
        return await gw.player_button(conv, frame, conn.send)
    if isinstance(frame, F.TypingIn):
        await gw.player_typing(conv, frame.state)
    return None


# ---------------------------------------------------------------------- attachments
class AttachmentOut(F.OutFrame):
    attachment_id: str
    name: str
    content_type: str
    size: int


@router.post("/api/attachments", status_code=201, response_model=AttachmentOut,
             responses={413: {"description": "too large"}, 415: {"description": "type not allowed"},
                        429: {"description": "upload quota used up"}})
async def upload_attachment(
    request: Request, gw: GatewayDep, token: BearerToken,
    conversation_id: Annotated[str, Query(pattern=F.CONV_ID_PATTERN)],
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
    ctype = content_type_of(content_type)
    if ctype is None:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "Yalnızca PNG, JPEG veya PDF yükleyebilirsiniz.")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > s.max_attachment_bytes:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "Dosya çok büyük.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > s.max_attachment_bytes:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "Dosya çok büyük.")
    if not content_matches(ctype, bytes(body)):
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "Dosya içeriği türüyle uyuşmuyor.")
    wait = await gw.quotas.upload(client_ip(request, s.trusted_proxies), conversation_id, len(body), identity is None)
    if wait:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "Çok fazla dosya yüklendi; lütfen daha sonra deneyin.",
                            headers={"Retry-After": str(int(wait) + 1)})
    ref = await gw.attachments.save(conversation_id, safe_name(x_filename), ctype, bytes(body))
    return AttachmentOut(attachment_id=ref.id, name=ref.name, content_type=ref.content_type, size=ref.size)
