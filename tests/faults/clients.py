"""Test clients that behave like the widget and the console: they resend what was not
acknowledged (same id) and reconnect with `after_seq`, and they count what they saw, so a
scenario can state 0 lost, 0 duplicated and 0 unanswered."""
from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed


class Side:
    def __init__(self, url: str, role: str, cid: str | None = None) -> None:
        self.url, self.role, self.cid = url, role, cid
        self.ws: Any = None
        self.sent: dict[str, dict] = {}  # id → frame, until acknowledged
        self.acked: set[str] = set()
        self.seen_seq: Counter[int] = Counter()  # messages by seq (duplicates show as > 1)
        self.messages: dict[int, dict] = {}
        self.errors: list[dict] = []
        self.closes = 0
        self.reader: asyncio.Task | None = None
        self.opened = asyncio.Event()

    def query(self) -> str:
        if self.role == "player" and self.cid:
            last = max(self.messages, default=0)
            return f"&conversation_id={self.cid}&after_seq={last}"
        return ""

    async def open(self, base: str | None = None) -> None:
        if base:
            self.url = base
        self.ws = await connect(self.url + self.query(), open_timeout=5, max_size=2**22)
        self.opened.clear()
        self.reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self.opened.wait(), 10)

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                f = json.loads(raw)
                t = f.get("type")
                if t in ("welcome", "hello"):
                    self.cid = f.get("conversation_id", self.cid)
                    self.opened.set()
                elif t == "message" and f.get("seq"):
                    self._message(f)
                elif t == "conversation":
                    for m in f["transcript"]:
                        if m["seq"] not in self.messages:
                            self._message(m)
                elif t == "error":
                    self.errors.append(f)
                    if f.get("ref") in self.sent and f["code"] in ("unavailable", "rate_limited"):
                        pass  # not accepted: resent by `settle`
        except ConnectionClosed:
            pass
        finally:
            self.closes += 1

    def _message(self, f: dict) -> None:
        self.seen_seq[f["seq"]] += 1
        self.messages[f["seq"]] = f
        if f.get("client_id") in self.sent:
            self.acked.add(f["client_id"])

    async def send(self, frame: dict) -> None:
        if "id" in frame:
            self.sent[frame["id"]] = frame
        try:
            await self.ws.send(json.dumps(frame))
        except ConnectionClosed:
            pass

    async def settle(self, timeout: float = 30.0, reopen: str | None = None) -> None:
        """Resend every frame not acknowledged yet (reconnecting if the socket ended) until all are."""
        deadline = asyncio.get_running_loop().time() + timeout
        while set(self.sent) - self.acked:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{self.role}: never acknowledged: {sorted(set(self.sent) - self.acked)}")
            if self.reader is None or self.reader.done():
                try:
                    await self.open(reopen)
                except Exception:
                    await asyncio.sleep(0.5)
                    continue
            for i in sorted(set(self.sent) - self.acked):
                try:
                    await self.ws.send(json.dumps(self.sent[i]))
                except ConnectionClosed:
                    break
            await asyncio.sleep(0.7)

    def texts(self, sender: str) -> list[str]:
        return [m["text"] for s, m in sorted(self.messages.items()) if m.get("sender") == sender]

    def client_ids(self, sender: str) -> Counter[str]:
        return Counter(m.get("client_id") for m in self.messages.values() if m.get("sender") == sender)

    def duplicates(self) -> int:
        return sum(n - 1 for n in self.seen_seq.values() if n > 1)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader:
            await asyncio.wait({self.reader}, timeout=5)
