"""Background tasks: fire-and-forget work that shutdown can wait for, and a cancel that ends tasks."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable

log = logging.getLogger("casinra.tasks")


class Background:
    """Tasks that outlive the request that started them (bot turns, rating writes)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self.tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception():
            log.error("background task failed", exc_info=task.exception(), extra={"task": task.get_name()})

    async def finish(self, timeout_s: float) -> None:
        """Let running tasks end for up to `timeout_s`, then cancel the rest."""
        pending = list(self.tasks)
        if pending:
            await asyncio.wait(pending, timeout=timeout_s)
        await cancel(*pending)


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
