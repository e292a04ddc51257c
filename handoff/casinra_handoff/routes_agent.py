"""Agent REST (login, queue, conversation, canned replies, attachments) and the agent websocket."""
from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, WebSocket, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from . import frames as F
from .attachments import ATTACHMENT_ID
from .auth import AgentIdentity, languages_of
from .canned import CannedTopic
from .clientip import client_ip
from .deps import BearerToken, CurrentAgent, GatewayDep
from .history import ReplayCursor
from .passwords import verify_password
from .outage import TRANSIENT
from .pubsub import RESYNC
from .pump import StateFeed, parse_bus, pump
from .ratelimit import TokenBucket
from .service import Gateway
from .sockets import CLOSE_TRY_AGAIN, Connection, receive_loop, resilient, serve
from .tasks import cancel

router = APIRouter(tags=["agents"])


def agent_info(agent: AgentIdentity) -> F.AgentInfo:
    return F.AgentInfo(username=agent.username, display_name=agent.display_name, team=agent.team,
                       role=agent.role, languages=list(agent.languages))


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    token: str
    expires_at: float
    agent: F.AgentInfo


class AgentListItem(F.AgentInfo):
    online: bool


@router.post("/api/agents/login", response_model=LoginOut, responses={401: {}, 422: {}, 429: {}})
async def login(body: LoginIn, request: Request, gw: GatewayDep) -> LoginOut:
    """Per client IP at most `CASINRA_LOGIN_RATE_PER_MIN` attempts a minute; after
    `CASINRA_LOGIN_LOCKOUT_FAILURES` failures a user name is locked for `CASINRA_LOGIN_LOCKOUT_S`."""
    ip = client_ip(request, gw.settings.trusted_proxies)
    locked = await gw.quotas.locked_out(body.username)
    if locked:
        await gw.audit(None, "login_refused_locked", body.username, ip=ip)
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            "Çok fazla başarısız giriş; bu kullanıcı adı bir süre kilitlendi.",
                            headers={"Retry-After": str(int(locked) + 1)})
    wait = await gw.quotas.login_attempt(ip)
    if wait:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "Çok fazla giriş denemesi; bir dakika sonra deneyin.",
                            headers={"Retry-After": str(int(wait) + 1)})
    row = await asyncio.to_thread(gw.backoffice.find_agent, body.username)
    ok = await asyncio.to_thread(verify_password, body.password, row["password_hash"] if row else None)
    if not row or not ok or not row.get("active"):
        now_locked = await gw.quotas.login_failed(body.username)
        await gw.audit(None, "login_locked" if now_locked else "login_failed", body.username, ip=ip)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Kullanıcı adı veya şifre hatalı.")
    await gw.quotas.login_ok(body.username)
    agent = AgentIdentity(row["username"], row["display_name"], row.get("team"), row.get("role") or "agent",
                          languages_of(row.get("languages")))
    token, expires = await gw.sessions.create(agent)
    await gw.audit(agent, "login", agent.username, ip=ip)
    return LoginOut(token=token, expires_at=expires,
                    agent=agent_info(agent))


@router.post("/api/agents/logout", status_code=204)
async def logout(agent: CurrentAgent, gw: GatewayDep, token: BearerToken) -> Response:
    if token:
        await gw.sessions.revoke(token)
    await gw.audit(agent, "logout", agent.username)
    return Response(status_code=204)


@router.get("/api/agents/me", response_model=F.AgentInfo)
async def me(agent: CurrentAgent) -> F.AgentInfo:
    return agent_info(agent)


@router.get("/api/agents", response_model=list[AgentListItem])
async def list_agents(agent: CurrentAgent, gw: GatewayDep) -> list[AgentListItem]:
    online = await gw.presence.online()
    rows = await asyncio.to_thread(gw.backoffice.list_agents)
    return [AgentListItem(**{**r, "languages": list(languages_of(r.get("languages")))}, online=r["username"] in online)
            for r in rows]


@router.get("/api/queue", response_model=F.QueueOut)
async def get_queue(agent: CurrentAgent, gw: GatewayDep) -> F.QueueOut:
    return await gw.views.queue_snapshot()


ConversationId = Annotated[str, Path(pattern=F.CONV_ID_PATTERN)]
AttachmentId = Annotated[str, Path(pattern=ATTACHMENT_ID.pattern)]


@router.get("/api/conversations/{conversation_id}", response_model=F.ConversationOut, responses={403: {}, 404: {}})
async def get_conversation(conversation_id: ConversationId, agent: CurrentAgent, gw: GatewayDep) -> F.ConversationOut:
    conv = await gw.state.get(conversation_id)
    if conv is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Sohbet bulunamadı.")
    if not (conv.state == "queued" or conv.agent == agent.username):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Bu sohbet size atanmadı.")
    snap = await gw.views.conversation_snapshot(conversation_id)
    assert snap is not None
    return snap


@router.get("/api/canned", response_model=list[CannedTopic])
async def canned(agent: CurrentAgent, gw: GatewayDep) -> list[CannedTopic]:
    return gw.canned


@router.get("/api/attachments/{attachment_id}", response_class=FileResponse)
async def download_attachment(
    attachment_id: AttachmentId, gw: GatewayDep, token: BearerToken, token_q: Annotated[str | None, Query(alias="token")] = None,
) -> FileResponse:
    agent = await gw.sessions.get(token or token_q)
    if agent is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Geçerli bir temsilci oturumu gerekli.")
    stored = await gw.attachments.get(attachment_id)
    if stored is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dosya bulunamadı.")
    if await gw.machine.owned(agent, stored.conversation_id) is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Bu dosya size atanmış bir sohbete ait değil.")
    path = gw.attachments.path(attachment_id)
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dosya bulunamadı.")
    await gw.audit(agent, "attachment_download", stored.conversation_id, attachment=attachment_id)
    return FileResponse(path, media_type=stored.ref.content_type, filename=stored.ref.name,
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


# ---------------------------------------------------------------------- websocket
class AgentSocket:
    """One console: the agent's chats (one pump each), the queue, presence, and the agent's frames.

    Every background loop survives a short Redis outage (`sockets.resilient`): the heartbeat keeps
    the agent online, the queue and the chats catch up when Redis is back; a longer outage ends the
    socket with an error frame, and the console reconnects."""

    def __init__(self, gw: Gateway, conn: Connection, agent: AgentIdentity, ip: str) -> None:
        self.gw = gw
        self.conn = conn
        self.agent = agent
        self.ip = ip
        self.who = "agent:" + agent.username  # whose frames the quotas count
        self.chats: dict[str, asyncio.Task[Any]] = {}
        self.conn_id = uuid.uuid4().hex

    def _loop(self, name: str, body: Any, **extra: Any) -> asyncio.Task[None]:
        return asyncio.create_task(resilient(self.conn, name, body, give_up_s=self.gw.settings.redis_retry_s,
                                             agent=self.agent.username, **extra), name=name)

    async def attach(self, cid: str) -> None:
        """Send the conversation frame, then its live frames (until detached)."""
        if cid in self.chats and not self.chats[cid].done():
            return
        ready = asyncio.Event()
        self.chats[cid] = self._loop(f"agent-chat:{cid}", lambda resumed: self._chat(cid, ready), conversation_id=cid)
        await ready.wait()

    async def detach(self, cid: str, reason: str) -> None:
        task = self.chats.pop(cid, None)
        if task is not None:
            await cancel(task)
            await self.conn.send(F.ReleasedOut(conversation_id=cid, reason=reason))  # type: ignore[arg-type]

    async def _chat(self, cid: str, ready: asyncio.Event) -> None:
        """The conversation frame, then its live frames; after an outage it starts again with a
        fresh conversation frame (the console replaces the chat with it)."""
        gw = self.gw
        try:
            async with gw.bus.subscribe(gw.keys.ch_conv(cid)) as sub:
                snap = await gw.views.conversation_snapshot(cid)
                ready.set()
                if snap is None:
                    return
                await self.conn.send(snap)
                last = max((m.seq or 0 for m in snap.transcript), default=0)
                cursor = ReplayCursor(gw.history, cid, last, include_internal=True)
                await pump(self.conn, sub, cursor, StateFeed(gw.views, gw.state, self.conn, cid, for_agent=True),
                           viewer="agent", give_up_s=gw.settings.redis_retry_s)
        finally:
            ready.set()

    async def agent_events(self, subscribed: asyncio.Event, resumed: bool) -> None:
        async with self.gw.bus.subscribe(self.gw.keys.ch_agent(self.agent.username)) as sub:
            subscribed.set()
            if resumed:
                await self.reconcile()
            async for raw in sub:
                if raw == RESYNC:
                    await self.reconcile()
                    continue
                ev = parse_bus(raw)
                if isinstance(ev, F.BusAgentOpen):
                    await self.attach(ev.conversation_id)
                elif isinstance(ev, F.BusAgentRelease):
                    await self.detach(ev.conversation_id, ev.reason)

    async def reconcile(self) -> None:
        """After lost bus messages: attach every chat this agent owns that is not shown yet."""
        for cid in await self.gw.machine.assigned_to(self.agent.username):
            await self.attach(cid)

    async def queue_events(self, resumed: bool) -> None:
        async with self.gw.bus.subscribe(self.gw.keys.ch_queue) as sub:
            while True:
                await self.conn.send(await self.gw.views.queue_snapshot(self.agent.languages))
                if await sub.get(timeout=5.0) is not None:  # refresh waiting times every few seconds anyway
                    await asyncio.sleep(0.05)  # coalesce bursts
                    sub.drain()

    async def heartbeat(self, resumed: bool) -> None:
        if resumed:  # presence may have lapsed: let the queue know the agent is back
            await self.gw.presence.heartbeat(self.agent.username, self.conn_id)
            await self.gw.chat.queue_changed()
        while True:
            await self.gw.presence.heartbeat(self.agent.username, self.conn_id)
            await asyncio.sleep(self.gw.settings.presence_heartbeat_s)

    async def handle(self, frame: Any, _: object = None) -> F.ErrorOut | None:
        gw, agent = self.gw, self.agent
        if isinstance(frame, F.ClaimIn):
            err = await gw.machine.claim(agent, frame.conversation_id)
            if err is None:
                await self.attach(frame.conversation_id)
            return err
        if isinstance(frame, (F.AgentMessageIn, F.NoteIn)):
            return await gw.agent_says(agent, frame, gw.quotas.frame_counters(self.who, self.ip))
        if isinstance(frame, F.AgentTypingIn):
            return await gw.agent_typing(agent, frame.conversation_id, frame.state)
        if isinstance(frame, F.TransferIn):
            return await gw.machine.transfer(agent, frame)
        if isinstance(frame, F.ResolveIn):
            return await gw.resolve(agent, frame.conversation_id)
        if isinstance(frame, F.OpenIn):
            if await gw.machine.owned(agent, frame.conversation_id) is None:
                return F.error("not_assigned", conversation_id=frame.conversation_id)
            await cancel(self.chats.pop(frame.conversation_id, None))
            await self.attach(frame.conversation_id)
        return None

    async def run(self) -> None:
        gw, s = self.gw, self.gw.settings
        await gw.presence.heartbeat(self.agent.username, self.conn_id)
        subscribed = asyncio.Event()
        tasks = [self._loop("agent-heartbeat", self.heartbeat),
                 self._loop("agent-events", lambda resumed: self.agent_events(subscribed, resumed))]
        try:
            await subscribed.wait()
            mine = await gw.machine.assigned_to(self.agent.username)
            await self.conn.send(F.HelloOut(
                agent=agent_info(self.agent),
                conversations=mine,
            ))
            for cid in mine:
                await gw.state.set_fields(cid, offline_since=None)
                await self.attach(cid)
            tasks.append(self._loop("agent-queue", self.queue_events))
            await gw.chat.queue_changed()  # agents_online changed
            await receive_loop(self.conn, lambda raw: F.parse_agent(raw, s.max_frame_bytes, s.max_text_chars),
                               self.handle, admit=lambda frame: gw.quotas.frame(self.who, self.ip),
                               counted_by_handler=(F.AgentMessageIn, F.NoteIn))
        finally:
            await cancel(*tasks, *self.chats.values())
            with contextlib.suppress(Exception):  # best effort: Redis may be what ended the socket
                await gw.presence.leave(self.agent.username, self.conn_id)
                await gw.chat.queue_changed()


@router.websocket("/ws/agent")
async def agent_socket(ws: WebSocket, gw: GatewayDep) -> None:
    s = gw.settings
    await ws.accept()
    conn = Connection(ws, gw.metrics, "agent", TokenBucket(s.agent_rate_per_s, s.agent_burst),
                      TokenBucket(1.0, s.flood_strikes))
    ip = client_ip(ws, s.trusted_proxies)
    try:
        wait = await gw.quotas.socket_open(ip)
        agent = None if wait else await gw.sessions.get(ws.query_params.get("token"))
    except TRANSIENT:
        await conn.reject("unavailable", CLOSE_TRY_AGAIN)
        return
    if wait:
        await conn.reject("rate_limited", CLOSE_TRY_AGAIN, retry_after=wait)
        return
    if agent is None:
        await conn.reject("invalid_token", 4401)
        return
    await serve(conn, AgentSocket(gw, conn, agent, ip).run, agent=agent.username)
