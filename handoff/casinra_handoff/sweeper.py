"""The periodic sweep (every replica runs one; each step is an atomic transition, so they agree):

- an assigned chat whose agent has been offline for `agent_grace_s` is re-queued at the front;
- when chats wait and no agent has been online for `queue_offline_grace_s`, they go back to the
  bot, which tells the player that nobody is available.
"""
from __future__ import annotations

import asyncio
import logging
import time

from .bridge import RasaBridge
from .machine import HandoffMachine
from .metrics import Metrics
from .presence import Presence
from .queue import Queue
from .settings import Settings
from .state import StateStore

log = logging.getLogger("casinra.sweeper")


class Sweeper:
    def __init__(self, settings: Settings, state: StateStore, queue: Queue, presence: Presence,
                 machine: HandoffMachine, bridge: RasaBridge, metrics: Metrics) -> None:
        self.settings = settings
        self.state = state
        self.queue = queue
        self.presence = presence
        self.machine = machine
        self.bridge = bridge
        self.metrics = metrics

    async def run(self) -> None:
        """Sweep forever; a failed sweep is logged and the next one runs on time."""
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sweep failed")
            await asyncio.sleep(self.settings.sweep_interval_s)

    async def sweep(self) -> None:
        now = time.time()
        online = await self.presence.online()
        self.metrics.agents_online.set(len(online))
        self.metrics.queue_length.set(await self.queue.length())
        await self._requeue_abandoned(online, now)
        await self._release_unattended_queue(online, now)

    async def _requeue_abandoned(self, online: set[str], now: float) -> None:
        cids = await self.state.assigned_ids()  # then all of them in one round trip, however many
        for cid, conv in zip(cids, await self.state.get_many(cids)):
            if conv is None or conv.state != "assigned":
                await self.state.forget_assigned(cid)
            elif conv.agent in online:
                if conv.offline_since is not None:
                    await self.state.set_fields(cid, offline_since=None)
            elif conv.offline_since is None:
                await self.state.set_fields(cid, offline_since=now)
            elif now - float(conv.offline_since) >= self.settings.agent_grace_s:
                await self.machine.requeue(conv)

    async def _release_unattended_queue(self, online: set[str], now: float) -> None:
        if online:
            await self.queue.attended()
            return
        if not await self.queue.length():
            return
        if now - await self.queue.unattended_since(now) < self.settings.queue_offline_grace_s:
            return
        for cid in await self.machine.release_queue():
            await self.bridge.agents_unavailable(cid, "offline")
