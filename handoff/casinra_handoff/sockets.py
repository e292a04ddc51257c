"""Websocket plumbing shared by the player and agent sockets: an outbound queue drained by a
dedicated send loop, one receive loop (parse → rate limit → ping → handle), error frames with
metrics, and the socket's life cycle."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Awaitable, Callable

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from . import frames as F
from .metrics import Metrics
from .ratelimit import TokenBucket
from .tasks import cancel

log = logging.getLogger("casinra.ws")

LIGHT_FRAMES = (F.TypingIn, F.AgentTypingIn, F.PingIn)  # cheap for the rate limit
LIGHT_COST = 0.2


class Connection:
    def __init__(self, ws: WebSocket, metrics: Metrics, role: str, bucket: TokenBucket) -> None:
        self.ws = ws
        self.metrics = metrics
        self.role = role
        self.bucket = bucket
        self.out: asyncio.Queue[F.OutFrame | None] = asyncio.Queue(maxsize=2000)
        self.closed = False

    async def send(self, frame: F.OutFrame) -> None:
        if self.closed:
            return
        if isinstance(frame, F.ErrorOut):
            self.metrics.errors.labels(frame.code).inc()
        try:
            self.out.put_nowait(frame)
        except asyncio.QueueFull:  # a client that does not read: drop it
            log.warning("outbound queue full, closing", extra={"role": self.role})
            self.closed = True
            with contextlib.suppress(Exception):
                await self.ws.close(code=1013)

    async def send_loop(self) -> None:
        while True:
            frame = await self.out.get()
            if frame is None:
                return
            try:
                await self.ws.send_text(frame.model_dump_json())
            except (WebSocketDisconnect, RuntimeError, OSError):
                self.closed = True
                return

    async def receive(self) -> str | bytes | None:
        msg = await self.ws.receive()
        if msg["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(msg.get("code", 1000))
        if msg.get("text") is not None:
            return msg["text"]
        return msg.get("bytes")

    def rate_limited(self, cost: float = 1.0) -> F.ErrorOut | None:
        wait = self.bucket.take(cost)
        if wait > 0:
            return F.error("rate_limited", retry_after=round(wait, 2))
        return None

    async def reject(self, code: str, close_code: int) -> None:
        """Send an error frame directly and close (before the loops start)."""
        self.metrics.errors.labels(code).inc()
        with contextlib.suppress(Exception):
            await self.ws.send_text(F.error(code).model_dump_json())
            await self.ws.close(code=close_code)

    async def shutdown(self) -> None:
        self.closed = True
        with contextlib.suppress(asyncio.QueueFull):
            self.out.put_nowait(None)
        if self.ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.ws.close()


async def serve(conn: Connection, session: Callable[[], Awaitable[None]], **log_extra: Any) -> None:
    """Run a socket's session next to its send loop: a disconnect ends it quietly, an error is
    logged; either way the socket is closed and the send loop ends."""
    conn.metrics.connections.labels(conn.role).inc()
    sender = asyncio.create_task(conn.send_loop(), name=f"{conn.role}-send")
    try:
        await session()
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("%s socket failed", conn.role, extra=log_extra)
    finally:
        conn.metrics.connections.labels(conn.role).dec()
        await conn.shutdown()
        await cancel(sender)


async def receive_loop(
    conn: Connection, parse: Callable[[str | bytes | None], Any], handle: Callable[[Any], Awaitable[F.ErrorOut | None]]
) -> None:
    """Every inbound frame: parsed (bad input → its error frame), rate limited, ping answered,
    anything else handled; an error the handler returns is sent back. Ends on disconnect."""
    while True:
        frame = parse(await conn.receive())
        if isinstance(frame, F.ErrorOut):
            await conn.send(frame)
            continue
        limited = conn.rate_limited(LIGHT_COST if isinstance(frame, LIGHT_FRAMES) else 1.0)
        if limited:
            limited.ref = getattr(frame, "id", None)
            await conn.send(limited)
        elif isinstance(frame, F.PingIn):
            await conn.send(F.PongOut())
        elif err := await handle(frame):
            await conn.send(err)
