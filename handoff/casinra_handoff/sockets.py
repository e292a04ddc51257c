"""Websocket plumbing shared by the player and agent sockets: an outbound queue drained by a
dedicated send loop, raw receive, error frames with metrics, rate limiting."""
from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from . import frames as F
from .metrics import Metrics
from .ratelimit import TokenBucket

log = logging.getLogger("casinra.ws")


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


async def cancel(*tasks: asyncio.Task | None, retry_s: float = 0.5) -> None:
    """Cancel tasks and wait until they have ended.

    A library that swallows a cancellation (redis-py 8.0–8.1 did, now and then) would leave a
    loop running for the life of the process, so a task that is still alive after `retry_s` is
    cancelled again. The caller's own cancellation is not suppressed."""
    live = [t for t in tasks if t is not None]
    pending = {t for t in live if not t.done()}
    while pending:
        for t in pending:
            t.cancel()
        _, pending = await asyncio.wait(pending, timeout=retry_s)
    for t in live:
        if not t.cancelled() and t.exception() is not None:
            log.debug("task ended with an error", exc_info=t.exception())
