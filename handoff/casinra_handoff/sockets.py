"""Websocket plumbing shared by the player and agent sockets: an outbound queue drained by a
dedicated send loop, one receive loop (parse → rate limit → ping → handle), error frames with
metrics, background loops that outlive a Redis outage, and the socket's life cycle.

A socket never goes silent: bad input gets an error frame and the socket stays; when it must end
(a flood, a client that does not read, an outage longer than `CASINRA_REDIS_RETRY_S`, a bug) the
client gets an error frame first, then the close code (1008, 1013 or 1011), and reconnects.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Awaitable, Callable

from pydantic_core import PydanticSerializationError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from . import frames as F
from .metrics import Metrics
from .outage import TRANSIENT
from .pubsub import BusDown
from .ratelimit import TokenBucket
from .tasks import cancel

log = logging.getLogger("casinra.ws")

LIGHT_FRAMES = (F.TypingIn, F.AgentTypingIn, F.PingIn)  # cheap for the rate limit
LIGHT_COST = 0.2
NOTICE_EVERY_S = 1.0  # at most one rate_limited error a second for frames without an id
CLOSE_POLICY, CLOSE_TRY_AGAIN, CLOSE_ERROR = 1008, 1013, 1011

# admits a frame: None, or the error that refuses it (quotas beyond the connection, see quota.py)
Admit = Callable[[Any], Awaitable[F.ErrorOut | None]]
# what a handler reads first, read while the frame is admitted (None: nothing to read ahead)
ReadAhead = Callable[[Any], Awaitable[Any] | None]


class Connection:
    def __init__(self, ws: WebSocket, metrics: Metrics, role: str, bucket: TokenBucket,
                 strikes: TokenBucket | None = None) -> None:
        self.ws = ws
        self.metrics = metrics
        self.role = role
        self.bucket = bucket
        # refused frames a client may send before the socket is ended as a flood
        self.strikes = strikes or TokenBucket(1.0, 30)
        self.out: asyncio.Queue[F.OutFrame | None] = asyncio.Queue(maxsize=2000)
        self.closed = False
        self.ending = asyncio.Event()
        self.close_code = 1000
        self._last_notice = 0.0

    async def send(self, frame: F.OutFrame) -> None:
        if self.closed:
            return
        if isinstance(frame, F.ErrorOut):
            self.metrics.errors.labels(frame.code).inc()
        try:
            self.out.put_nowait(frame)
        except asyncio.QueueFull:  # a client that does not read: tell it (in place of the backlog), then close
            log.warning("outbound queue full, closing", extra={"role": self.role})
            while not self.out.empty():
                self.out.get_nowait()
            self.end("slow_consumer", CLOSE_TRY_AGAIN)

    def end(self, code: str, close_code: int) -> None:
        """End the socket visibly: the error frame `code` is the last frame, then `close_code`."""
        if self.closed:
            return
        self.metrics.errors.labels(code).inc()
        self.out.put_nowait(F.error(code))
        self.closed = True
        self.close_code = close_code
        self.ending.set()

    async def send_loop(self) -> None:
        while True:
            frame = await self.out.get()
            if frame is None:
                return
            try:
                text = frame.model_dump_json()
            except (PydanticSerializationError, UnicodeError):  # never silence the socket over one frame
                log.warning("frame not serialisable, sent an error instead", extra={"role": self.role,
                                                                                     "frame": type(frame).__name__})
                text = F.error("internal").model_dump_json()
            try:
                await self.ws.send_text(text)
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

    def strike(self) -> bool:
        """Count a refused frame; True when the client has been refused too often (a flood)."""
        return self.strikes.take(1.0) > 0

    def notice_due(self) -> bool:
        """Whether a rate_limited error for a frame without an id is due (one a second at most)."""
        now = time.monotonic()
        if now - self._last_notice >= NOTICE_EVERY_S:
            self._last_notice = now
            return True
        return False

    async def reject(self, code: str, close_code: int, **kw: Any) -> None:
        """Send an error frame directly and close (before the loops start)."""
        self.metrics.errors.labels(code).inc()
        with contextlib.suppress(Exception):
            await self.ws.send_text(F.error(code, **kw).model_dump_json())
            await self.ws.close(code=close_code)

    async def shutdown(self, sender: asyncio.Task[None]) -> None:
        """Let the send loop deliver what is queued (the last error frame), then close."""
        self.closed = True
        with contextlib.suppress(asyncio.QueueFull):
            self.out.put_nowait(None)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(sender), 2.0)
        if self.ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.ws.close(code=self.close_code)


async def serve(conn: Connection, session: Callable[[], Awaitable[None]], **log_extra: Any) -> None:
    """Run a socket's session next to its send loop until the client leaves, the session ends or
    something ends the socket (`Connection.end`); a bug is logged and told to the client."""
    conn.metrics.connections.labels(conn.role).inc()
    sender = asyncio.create_task(conn.send_loop(), name=f"{conn.role}-send")
    work = asyncio.create_task(session(), name=f"{conn.role}-session")
    ender = asyncio.create_task(conn.ending.wait(), name=f"{conn.role}-end")
    try:
        await asyncio.wait({work, ender}, return_when=asyncio.FIRST_COMPLETED)
        if work.done() and not work.cancelled() and (exc := work.exception()) is not None:
            if isinstance(exc, (*TRANSIENT, BusDown)):
                log.warning("%s socket ended: redis unavailable", conn.role, extra={**log_extra, "error": str(exc)})
                conn.end("unavailable", CLOSE_TRY_AGAIN)
            elif not isinstance(exc, WebSocketDisconnect):
                log.error("%s socket failed", conn.role, exc_info=exc, extra=log_extra)
                conn.end("internal", CLOSE_ERROR)
    finally:
        conn.metrics.connections.labels(conn.role).dec()
        await cancel(work, ender)
        await conn.shutdown(sender)
        await cancel(sender)


async def resilient(conn: Connection, name: str, body: Callable[[bool], Awaitable[None]], *,
                    give_up_s: float, **log_extra: Any) -> None:
    """Run one of a socket's background loops until it returns or is cancelled.

    A Redis error (a restart, a failover) is retried with backoff; `body(True)` is then told that it
    resumes, so it can catch up on what it may have missed. An outage longer than `give_up_s`, or any
    other error, ends the socket visibly (`unavailable` / `internal`, close 1013 / 1011)."""
    delay, down_since, resumed = 0.1, None, False
    while True:
        started = time.monotonic()
        try:
            await body(resumed)
            return
        except asyncio.CancelledError:
            raise
        except BusDown:
            log.warning("%s: redis pub/sub down too long, ending the socket", name, extra=log_extra)
            conn.end("unavailable", CLOSE_TRY_AGAIN)
            return
        except TRANSIENT as exc:
            now = time.monotonic()
            if now - started > 5.0:  # it worked for a while: a new outage
                delay, down_since = 0.1, None
            if down_since is None:
                down_since = now
                log.warning("%s: redis unavailable, retrying", name, extra={**log_extra, "error": str(exc)})
            if now - down_since > give_up_s:
                log.warning("%s: redis still unavailable, ending the socket", name, extra=log_extra)
                conn.end("unavailable", CLOSE_TRY_AGAIN)
                return
            await asyncio.sleep(delay)
            delay, resumed = min(delay * 2, 2.0), True
        except Exception:
            log.exception("%s failed, ending the socket", name, extra=log_extra)
            conn.end("internal", CLOSE_ERROR)
            return


async def receive_loop(
    conn: Connection, parse: Callable[[str | bytes | None], Any],
    handle: Callable[[Any, Any], Awaitable[F.ErrorOut | None]], admit: Admit | None = None,
    read_ahead: ReadAhead | None = None, counted_by_handler: tuple[type, ...] = (),
) -> None:
    """Every inbound frame: parsed (bad input → its error frame), rate limited (invalid frames count
    too; a flood ends the socket), ping answered, anything else admitted by the quotas and handled;
    an error the handler returns is sent back. Ends on disconnect.

    `read_ahead(frame)` is what the handler would read first (the conversation): it runs while the
    quotas are checked, one round trip instead of two, and reaches `handle` as its second argument
    (None when there was nothing to read ahead or it failed: the handler reads for itself).
    Frames of the types `counted_by_handler` (chat messages) skip both: their handler counts them
    against the quotas in its own round trip, and its `rate_limited` counts as a refusal here."""
    while True:
        frame = parse(await conn.receive())
        invalid = isinstance(frame, F.ErrorOut)
        ref = frame.ref if invalid else getattr(frame, "id", None)
        light = isinstance(frame, LIGHT_FRAMES)
        limited = conn.rate_limited(LIGHT_COST if light else 1.0)
        ahead: Any = None
        if limited is None and not light and admit is not None and not isinstance(frame, counted_by_handler):
            reading = None if invalid or read_ahead is None else read_ahead(frame)
            task = asyncio.ensure_future(reading) if reading is not None else None
            try:
                limited = await _safely(admit, frame, ref)
            except BaseException:
                if task is not None:
                    task.cancel()
                raise
            ahead = await _result(task)
        if limited is None and not invalid and not isinstance(frame, F.PingIn):
            err = await _safely(lambda f: handle(f, ahead), frame, ref)
            if err is None:
                continue
            if err.code != "rate_limited" or not isinstance(frame, counted_by_handler):
                await conn.send(err)
                continue
            limited = err
        if limited is not None:
            if conn.strike():
                conn.end("flood", CLOSE_POLICY)
                return
            if ref or limited.code != "rate_limited" or conn.notice_due():
                limited.ref = ref
                await conn.send(limited)
        elif invalid:
            await conn.send(frame)
        else:
            await conn.send(F.PongOut())


async def _result(task: asyncio.Future[Any] | None) -> Any:
    """A read-ahead's value, or None when it failed (its error is the handler's to meet)."""
    if task is None:
        return None
    try:
        return await task  # a cancellation of this loop reaches the task it awaits
    except Exception:  # noqa: BLE001 — the handler reads again and meets the error itself
        return None


async def _safely(call: Callable[[Any], Awaitable[F.ErrorOut | None]], frame: Any, ref: str | None) -> F.ErrorOut | None:
    """A handler's answer; a Redis outage or a bug refuses this frame (the client may resend it)
    and the socket stays."""
    try:
        return await call(frame)
    except TRANSIENT as exc:
        log.warning("frame refused: redis unavailable", extra={"error": str(exc), "frame": type(frame).__name__})
        return F.error("unavailable", ref=ref, retry_after=1.0)
    except Exception:
        log.exception("frame handler failed", extra={"frame": type(frame).__name__})
        return F.error("internal", ref=ref)
