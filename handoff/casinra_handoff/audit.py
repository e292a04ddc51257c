"""The audit log of agent and system actions (a back-office table), never in the way of a chat.

Records are written in batches: one worker task takes what has queued up within `WINDOW_S` (at
most `BATCH` records) and writes it in one transaction, in a worker thread. `await audit(…)`
returns once its record is written (or its write failed and was logged); `audit.soon(…)` — the
chat's hot path, one record per agent message — does not wait. A failed batch is logged and
tried again after `RETRY_S` (`ATTEMPTS` in all); `close()` writes what is left.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .auth import AgentIdentity
from .backoffice import AuditRecord, BackOffice
from .tasks import cancel

log = logging.getLogger("casinra.audit")

WINDOW_S = 0.1  # how long the worker gathers records before a write
RETRY_S = 1.0  # pause after a failed write
BATCH = 200  # records per transaction at most
ATTEMPTS = 3  # writes a record gets before it is given up (logged with its action)
CAPACITY = 10_000  # records waiting at most; beyond that new ones are logged and dropped


@dataclass
class _Pending:
    record: AuditRecord
    done: asyncio.Future[None] | None
    attempts: int = 0


class Audit:
    def __init__(self, backoffice: BackOffice, *, window_s: float = WINDOW_S) -> None:
        self.backoffice = backoffice
        self.window_s = window_s
        self._waiting: list[_Pending] = []
        self._wake = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    async def __call__(self, agent: AgentIdentity | None, action: str, target: str | None, **details: Any) -> None:
        done = asyncio.get_running_loop().create_future()
        if self._put(agent, action, target, details, done):
            await asyncio.shield(done)

    def soon(self, agent: AgentIdentity | None, action: str, target: str | None, **details: Any) -> None:
        """Record without waiting for the write."""
        self._put(agent, action, target, details, None)

    def _put(self, agent: AgentIdentity | None, action: str, target: str | None, details: dict[str, Any],
             done: asyncio.Future[None] | None) -> bool:
        actor = agent.username if agent else "gateway"
        log.info("audit", extra={"actor": actor, "action": action, "target": target})
        if len(self._waiting) >= CAPACITY:
            log.error("audit record dropped: the back office is not keeping up", extra={"action": action})
            return False
        record = AuditRecord(at=datetime.now(timezone.utc), actor_type="agent" if agent else "system",
                             actor_id=actor, action=action, target=target, details=details)
        self._waiting.append(_Pending(record, done))
        self._wake.set()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="audit-writer")
        return True

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            await self._pause(self.window_s)  # gather what comes in meanwhile
            if not await self._write_batch():
                await self._pause(RETRY_S)
            if self._closing.is_set() and not self._waiting:
                return

    async def _pause(self, seconds: float) -> None:
        """Sleep, cut short by `close()`."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def _write_batch(self) -> bool:
        """Write the oldest waiting records; False when the write failed."""
        batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
        if not self._waiting:
            self._wake.clear()
        if not batch:
            return True
        try:
            await asyncio.to_thread(self.backoffice.audit_many, [p.record for p in batch])
        except Exception:
            log.exception("audit write failed", extra={"records": len(batch)})
            retry = []
            for p in batch:
                p.attempts += 1
                if p.attempts < ATTEMPTS:
                    retry.append(p)
                else:
                    log.error("audit record given up", extra={"action": p.record.action, "target": p.record.target})
                    _settle(p)
            self._waiting[:0] = retry
            if self._waiting:
                self._wake.set()
            return False
        for p in batch:
            _settle(p)
        return True

    async def close(self, timeout_s: float = 10.0) -> None:
        """Write what is waiting (one more attempt each), then let the worker end."""
        self._closing.set()
        for p in self._waiting:
            p.attempts = max(p.attempts, ATTEMPTS - 1)
        if not self._waiting and (self._worker is None or self._worker.done()):
            return
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="audit-writer")
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._worker), timeout_s)
        except asyncio.TimeoutError:
            log.error("audit records left unwritten at shutdown", extra={"records": len(self._waiting)})
            await cancel(self._worker)


def _settle(p: _Pending) -> None:
    if p.done is not None and not p.done.done():
        p.done.set_result(None)
