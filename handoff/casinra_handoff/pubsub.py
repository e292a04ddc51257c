"""A small pub/sub backend interface (in the spirit of encode/broadcaster).

    async with bus.subscribe("conv:c_1") as sub:
        async for raw in sub:
            ...

`MemoryPubSub` serves one process (unit tests); `RedisPubSub` fans out across gateway replicas.
Payloads are strings; typing them is the caller's job (frames.parse_bus).

Redis pub/sub forgets what is published while a subscriber is disconnected. After the Redis
connection comes back (redis-py re-subscribes by itself), every subscription receives `RESYNC`:
its consumer re-reads what it shows from Redis (history after its last seq, the state, the queue).
When the connection stays lost for longer than `give_up_s`, iterating a subscription raises
`BusDown`: the socket behind it ends visibly and its client reconnects.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from typing import AsyncIterator, Protocol

import redis.asyncio as aioredis

log = logging.getLogger(__name__)

_CLOSE = object()
RESYNC = "\x00resync"  # not a JSON frame: "re-read from Redis, messages may have been missed"
_DOWN = object()


class BusDown(Exception):
    """The pub/sub connection has been lost for longer than the gateway waits for Redis."""


class Subscription:
    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.queue: asyncio.Queue[object] = asyncio.Queue()

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> str:
        item = await self.queue.get()
        if item is _CLOSE:
            raise StopAsyncIteration
        if item is _DOWN:
            raise BusDown(self.channel)
        return item  # type: ignore[return-value]

    async def get(self, timeout: float | None = None) -> str | None:
        try:
            item = await asyncio.wait_for(self.queue.get(), timeout)
        except asyncio.TimeoutError:
            return None
        if item is _CLOSE:
            raise StopAsyncIteration
        if item is _DOWN:
            raise BusDown(self.channel)
        return item  # type: ignore[return-value]

    def drain(self) -> None:
        """Drop what is waiting (a burst of notifications that one refresh answers)."""
        while not self.queue.empty():
            if self.queue.get_nowait() is _CLOSE:
                self.queue.put_nowait(_CLOSE)
                return


class PubSub(Protocol):
    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def publish(self, channel: str, message: str) -> None: ...
    def subscribe(self, channel: str) -> contextlib.AbstractAsyncContextManager[Subscription]: ...


class _Fanout:
    """Shared local fan-out: one backend subscription per channel, many local subscribers."""

    def __init__(self) -> None:
        self._subs: dict[str, set[Subscription]] = defaultdict(set)

    def deliver(self, channel: str, message: str) -> None:
        for sub in list(self._subs.get(channel, ())):
            sub.queue.put_nowait(message)

    def add(self, sub: Subscription) -> bool:
        first = not self._subs[sub.channel]
        self._subs[sub.channel].add(sub)
        return first

    def remove(self, sub: Subscription) -> bool:
        subs = self._subs.get(sub.channel)
        if subs is None:
            return False
        subs.discard(sub)
        if not subs:
            del self._subs[sub.channel]
            return True
        return False

    def resync(self) -> None:
        for subs in self._subs.values():
            for sub in subs:
                sub.queue.put_nowait(RESYNC)

    def down(self) -> None:
        for subs in self._subs.values():
            for sub in subs:
                sub.queue.put_nowait(_DOWN)

    def close_all(self) -> None:
        for subs in self._subs.values():
            for sub in subs:
                sub.queue.put_nowait(_CLOSE)
        self._subs.clear()


class MemoryPubSub:
    def __init__(self) -> None:
        self._fanout = _Fanout()

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        self._fanout.close_all()

    async def publish(self, channel: str, message: str) -> None:
        self._fanout.deliver(channel, message)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        sub = Subscription(channel)
        self._fanout.add(sub)
        try:
            yield sub
        finally:
            self._fanout.remove(sub)


class RedisPubSub:
    """One Redis pub/sub connection per process, a reader task, local fan-out."""

    def __init__(self, url: str, give_up_s: float = 30.0) -> None:
        self._url = url
        self._give_up_s = give_up_s
        self._redis: aioredis.Redis | None = None
        self._pubsub: aioredis.client.PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._fanout = _Fanout()
        self._lock = asyncio.Lock()
        self._ready = asyncio.Event()
        self._confirm: dict[str, asyncio.Event] = {}

    async def connect(self) -> None:
        self._redis = aioredis.from_url(self._url, decode_responses=True)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=False)
        self._reader = asyncio.create_task(self._read(), name="redis-pubsub-reader")

    async def disconnect(self) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        self._fanout.close_all()
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
        if self._redis is not None:
            await self._redis.aclose()

    async def publish(self, channel: str, message: str) -> None:
        assert self._redis is not None, "connect() first"
        await self._redis.publish(channel, message)

    async def _read(self) -> None:
        assert self._pubsub is not None
        broken_since: float | None = None
        told = False
        delay = 0.1
        while True:
            try:
                if not self._pubsub.subscribed:
                    await self._ready.wait()
                    self._ready.clear()
                    continue
                msg = await self._pubsub.get_message(timeout=1.0)
                if broken_since is not None:  # reconnected and re-subscribed
                    log.warning("redis pub/sub reconnected", extra={"down_s": round(time.monotonic() - broken_since, 2)})
                    broken_since, delay, told = None, 0.1, False
                    self._fanout.resync()
                if not msg:
                    continue
                if msg.get("type") == "message":
                    self._fanout.deliver(msg["channel"], msg["data"])
                elif msg.get("type") == "subscribe":
                    ev = self._confirm.pop(msg["channel"], None)
                    if ev:
                        ev.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis restarting: retry with backoff, one line per outage
                if broken_since is None:
                    broken_since = time.monotonic()
                    log.warning("redis pub/sub connection lost, reconnecting", extra={"error": repr(exc)})
                elif not told and time.monotonic() - broken_since > self._give_up_s:
                    told = True  # the sockets end visibly; later subscribers wait for the reconnect
                    self._fanout.down()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        assert self._pubsub is not None, "connect() first"
        sub = Subscription(channel)
        async with self._lock:
            if self._fanout.add(sub):
                confirmed = self._confirm.setdefault(channel, asyncio.Event())
                try:
                    await self._pubsub.subscribe(channel)
                except BaseException:  # Redis down: no half-made subscription is left behind
                    self._fanout.remove(sub)
                    self._confirm.pop(channel, None)
                    raise
                self._ready.set()
                # wait until Redis confirms, so nothing published after this returns is missed
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(confirmed.wait(), 5.0)
        try:
            yield sub
        finally:
            async with self._lock:
                if self._fanout.remove(sub):
                    with contextlib.suppress(Exception):
                        await self._pubsub.unsubscribe(channel)


def make_pubsub(url: str, give_up_s: float = 30.0) -> PubSub:
    if url.startswith("memory://"):
        return MemoryPubSub()
    return RedisPubSub(url, give_up_s)
