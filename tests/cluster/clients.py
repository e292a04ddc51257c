"""A player or agent socket that keeps every frame it receives, and HAProxy's answer about which
gateway replica took it (the X-Casinra-Replica response header)."""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

Frame = dict[str, Any]


class Socket:
    def __init__(self, url: str) -> None:
        self.url = url
        self.frames: list[Frame] = []
        self.ws: Any = None
        self.replica = ""
        self.reader: asyncio.Task | None = None
        self.closed = asyncio.Event()

    async def open(self) -> "Socket":
        self.ws = await connect(self.url, open_timeout=10)
        self.replica = self.ws.response.headers.get("X-Casinra-Replica", "")
        self.closed.clear()
        self.reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                frame["_at"] = time.perf_counter()
                self.frames.append(frame)
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()

    async def send(self, frame: Frame) -> float:
        sent = time.perf_counter()
        await self.ws.send(json.dumps(frame))
        return sent

    async def wait(self, match: Callable[[Frame], bool], timeout: float = 20, what: str = "a frame",
                   since: int = 0) -> Frame:
        """The first frame (from index `since`) that matches."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for frame in self.frames[since:]:
                if match(frame):
                    return frame
            await asyncio.sleep(0.02)
        raise AssertionError(f"never received {what}; got: {[f.get('type') for f in self.frames[since:]]}")

    def messages(self, since: int = 0) -> list[Frame]:
        return [f for f in self.frames[since:] if f.get("type") == "message"]

    def last_seq(self) -> int:
        seqs = [f["seq"] for f in self.frames if f.get("type") == "message" and f.get("seq")]
        for f in self.frames:
            if f.get("type") == "conversation":
                seqs += [m["seq"] for m in f.get("transcript") or []]
        return max(seqs, default=0)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait({self.reader}, timeout=5)
