"""Agent REST (login, queue, conversation, canned replies, attachments) and the agent websocket."""
from __future__ import annotations

import asyncio
import logging
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response, WebSocket, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.websockets import WebSocketDisconnect

from . import frames as F
from .auth import AgentIdentity
from .canned import CannedTopic
from .deps import BearerToken, CurrentAgent, GatewayDep
from .history import ReplayCursor
from .passwords import verify_password
from .ratelimit import TokenBucket
from .service import Gateway
from .sockets import Connection, cancel

log = logging.getLogger("casinra.agent")
ATTACHMENT_RE = re.compile(r"^a_[0-9a-f]{32}$")
router = APIRouter(tags=["agents"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    token: str
    expires_at: float
    agent: F.AgentInfo


class AgentListItem(F.AgentInfo):
    online: bool


@router.post("/api/agents/login", response_model=LoginOut, responses={401: {}, 429: {}})
async def login(body: LoginIn, request: Request, gw: GatewayDep) -> LoginOut:
    who = f"{request.client.host if request.client else '?'}:{body.username}"
    if not await gw.sessions.login_allowed(who, gw.settings.login_rate_per_min):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "Çok fazla giriş denemesi; bir dakika sonra deneyin.")
    row = await asyncio.to_thread(gw.backoffice.find_agent, body.username)
    ok = await asyncio.to_thread(verify_password, body.password, row["password_hash"] if row else None)
    if not row or not ok or not row.get("active"):
        await gw.audit(None, "login_failed", body.username)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Kullanıcı adı veya şifre hatalı.")
    agent = AgentIdentity(row["username"], row["display_name"], row.get("team"))
    token, expires = await gw.sessions.create(agent)
    await gw.audit(agent, "login", agent.username)
    return LoginOut(token=token, expires_at=expires,
                    agent=F.AgentInfo(username=agent.username, display_name=agent.display_name, team=agent.team))


@router.post("/api/agents/logout", status_code=204)
async def logout(agent: CurrentAgent, gw: GatewayDep, token: BearerToken) -> Response:
    if token:
        await gw.sessions.revoke(token)
    await gw.audit(agent, "logout", agent.username)
    return Response(status_code=204)


@router.get("/api/agents/me", response_model=F.AgentInfo)
async def me(agent: CurrentAgent) -> F.AgentInfo:
    return F.AgentInfo(username=agent.username, display_name=agent.display_name, team=agent.team)


@router.get("/api/agents", response_model=list[AgentListItem])
async def list_agents(agent: CurrentAgent, gw: GatewayDep) -> list[AgentListItem]:
    online = await gw.presence.online()
    rows = await asyncio.to_thread(gw.backoffice.list_agents)
    return [AgentListItem(**r, online=r["username"] in online) for r in rows]


@router.get("/api/queue", response_model=F.QueueOut)
async def get_queue(agent: CurrentAgent, gw: GatewayDep) -> F.QueueOut:
    return await gw.queue_snapshot()


@router.get("/api/conversations/{conversation_id}", response_model=F.ConversationOut)
async def get_conversation(conversation_id: str, agent: CurrentAgent, gw: GatewayDep) -> F.ConversationOut:
    conv = await gw.state.get(conversation_id)
    if conv is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Sohbet bulunamadı.")
    if not (conv.state == "queued" or conv.agent == agent.username):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Bu sohbet size atanmadı.")
    snap = await gw.conversation_snapshot(conversation_id)
    assert snap is not None
    return snap


@router.get("/api/canned", response_model=list[CannedTopic])
async def canned(agent: CurrentAgent, gw: GatewayDep) -> list[CannedTopic]:
    return gw.canned


@router.get("/api/attachments/{attachment_id}", response_class=FileResponse)
async def download_attachment(
    attachment_id: str, gw: GatewayDep, token: BearerToken, token_q: Annotated[str | None, Query(alias="token")] = None,
) -> FileResponse:
    agent = await gw.sessions.get(token or token_q)
    if agent is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Geçerli bir temsilci oturumu gerekli.")
    meta = await gw.redis.hgetall(gw.keys.attachment(attachment_id)) if ATTACHMENT_RE.match(attachment_id) else {}
    if not meta:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dosya bulunamadı.")
    if await gw.owned(agent, meta["conversation_id"]) is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Bu dosya size atanmış bir sohbete ait değil.")
    path = gw.settings.attachments_dir / attachment_id
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dosya bulunamadı.")
    await gw.audit(agent, "attachment_download", meta["conversation_id"], attachment=attachment_id)
    return FileResponse(path, media_type=meta["content_type"], filename=meta["name"],
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


# ---------------------------------------------------------------------- websocket
class AgentSocket:
    def __init__(self, gw: Gateway, conn: Connection, agent: AgentIdentity) -> None:
        self.gw = gw
        self.conn = conn
        self.agent = agent
        self.conv_tasks: dict[str, asyncio.Task[Any]] = {}
        self.conn_id = uuid.uuid4().hex

    async def attach(self, cid: str) -> None:
        if cid in self.conv_tasks and not self.conv_tasks[cid].done():
            return
        ready = asyncio.Event()
        self.conv_tasks[cid] = asyncio.create_task(self._conv_pump(cid, ready), name=f"agent-conv:{cid}")
        await ready.wait()

    async def detach(self, cid: str, reason: str) -> None:
        task = self.conv_tasks.pop(cid, None)
        if task is not None:
            await cancel(task)
            await self.conn.send(F.ReleasedOut(conversation_id=cid, reason=reason))  # type: ignore[arg-type]

    async def _conv_pump(self, cid: str, ready: asyncio.Event) -> None:
        gw = self.gw
        try:
            async with gw.bus.subscribe(gw.keys.ch_conv(cid)) as sub:
                snap = await gw.conversation_snapshot(cid)
                ready.set()
                if snap is None:
                    return
                await self.conn.send(snap)
                last = max((m.seq or 0 for m in snap.transcript), default=0)
                cursor = ReplayCursor(gw.history, cid, last, include_internal=True)
                async for raw in sub:
                    ev = F.parse_bus(raw)
                    if isinstance(ev, F.BusHistory):
                        for frame in await cursor.admit(ev.seq, ev.frame, ev.visibility):
                            await self.conn.send(frame)
                    elif isinstance(ev, F.BusTyping) and ev.sender != "agent":
                        await self.conn.send(F.TypingOut(conversation_id=cid, sender=ev.sender, state=ev.state))
                    elif isinstance(ev, F.BusState):
                        conv = await gw.state.get(cid)
                        if conv is not None:
                            await self.conn.send(await gw.state_frame(conv, with_id=True))
        finally:
            ready.set()

    async def agent_events(self) -> None:
        async with self.gw.bus.subscribe(self.gw.keys.ch_agent(self.agent.username)) as sub:
            self._agent_sub_ready.set()
            async for raw in sub:
                ev = F.parse_bus(raw)
                if isinstance(ev, F.BusAgentOpen):
                    await self.attach(ev.conversation_id)
                elif isinstance(ev, F.BusAgentRelease):
                    await self.detach(ev.conversation_id, ev.reason)

    async def queue_events(self) -> None:
        async with self.gw.bus.subscribe(self.gw.keys.ch_queue) as sub:
            self._queue_sub_ready.set()
            while True:
                await self.conn.send(await self.gw.queue_snapshot())
                raw = await sub.get(timeout=5.0)  # refresh waiting times every few seconds anyway
                if raw is not None:
                    await asyncio.sleep(0.05)  # coalesce bursts
                    while not sub.queue.empty():
                        sub.queue.get_nowait()

    async def heartbeat(self) -> None:
        while True:
            await self.gw.presence.heartbeat(self.agent.username, self.conn_id)
            await asyncio.sleep(self.gw.settings.presence_heartbeat_s)

    async def handle(self, frame: Any) -> F.ErrorOut | None:
        gw, agent = self.gw, self.agent
        if isinstance(frame, F.PingIn):
            await self.conn.send(F.PongOut())
        elif isinstance(frame, F.ClaimIn):
            err = await gw.claim(agent, frame.conversation_id)
            if err:
                return err
            await self.attach(frame.conversation_id)
        elif isinstance(frame, F.AgentMessageIn):
            return await gw.agent_message(agent, frame)
        elif isinstance(frame, F.NoteIn):
            return await gw.note(agent, frame)
        elif isinstance(frame, F.AgentTypingIn):
            return await gw.agent_typing(agent, frame.conversation_id, frame.state)
        elif isinstance(frame, F.TransferIn):
            return await gw.transfer(agent, frame)
        elif isinstance(frame, F.ResolveIn):
            return await gw.resolve(agent, frame.conversation_id)
        elif isinstance(frame, F.OpenIn):
            if await gw.owned(agent, frame.conversation_id) is None:
                return F.error("not_assigned", conversation_id=frame.conversation_id)
            task = self.conv_tasks.pop(frame.conversation_id, None)
            await cancel(task)
            await self.attach(frame.conversation_id)
        return None

    async def run(self) -> None:
        gw, conn, s = self.gw, self.conn, self.gw.settings
        self._agent_sub_ready = asyncio.Event()
        self._queue_sub_ready = asyncio.Event()
        await gw.presence.heartbeat(self.agent.username, self.conn_id)
        tasks = [
            asyncio.create_task(conn.send_loop(), name="agent-send"),
            asyncio.create_task(self.heartbeat(), name="agent-heartbeat"),
            asyncio.create_task(self.agent_events(), name="agent-events"),
        ]
        try:
            await self._agent_sub_ready.wait()
            mine = await gw.assigned_to(self.agent.username)
            await conn.send(F.HelloOut(
                agent=F.AgentInfo(username=self.agent.username, display_name=self.agent.display_name, team=self.agent.team),
                conversations=mine,
            ))
            for cid in mine:
                await gw.state.set_fields(cid, offline_since=None)
                await self.attach(cid)
            tasks.append(asyncio.create_task(self.queue_events(), name="agent-queue"))
            await gw.publish(gw.keys.ch_queue, F.BusQueueChanged(type="queue_changed"))  # agents_online changed
            while True:
                raw = await conn.receive()
                frame = F.parse_agent(raw, s.max_frame_bytes, s.max_text_chars)
                if isinstance(frame, F.ErrorOut):
                    await conn.send(frame)
                    continue
                limited = conn.rate_limited(0.2 if isinstance(frame, (F.AgentTypingIn, F.PingIn)) else 1.0)
                if limited:
                    limited.ref = getattr(frame, "id", None)
                    await conn.send(limited)
                    continue
                err = await self.handle(frame)
                if err:
                    await conn.send(err)
        finally:
            await gw.presence.leave(self.agent.username, self.conn_id)
            await cancel(*tasks[1:], *self.conv_tasks.values())
            await conn.shutdown()
            await cancel(tasks[0])
            try:
                await gw.publish(gw.keys.ch_queue, F.BusQueueChanged(type="queue_changed"))
            except Exception:
                pass


@router.websocket("/ws/agent")
async def agent_socket(ws: WebSocket, gw: GatewayDep) -> None:
    s = gw.settings
    await ws.accept()
    conn = Connection(ws, gw.metrics, "agent", TokenBucket(s.agent_rate_per_s, s.agent_burst))
    agent = await gw.sessions.get(ws.query_params.get("token"))
    if agent is None:
        await conn.reject("invalid_token", 4401)
        return
    gw.metrics.connections.labels("agent").inc()
    try:
        await AgentSocket(gw, conn, agent).run()
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("agent socket failed", extra={"agent": agent.username})
    finally:
        gw.metrics.connections.labels("agent").dec()
