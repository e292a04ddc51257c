"""The live part of the supervisor's view — the queue by priority, who is online with how many chats,
tickets close to or past their SLA — and the Prometheus gauges that carry the same figures; and the
periodic copy of the trackers' facts to the archive (`figures.archive_trackers`)."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from casinra_contracts import topics

from .figures import archive_trackers
from .service import Gateway
from .tickets import TicketDesk

log = logging.getLogger("casinra.live")


class Live:
    def __init__(self, gw: Gateway, desk: TicketDesk) -> None:
        self.gw = gw
        self.desk = desk

    async def snapshot(self) -> dict[str, Any]:
        queue = await self.gw.views.queue_snapshot()
        by_priority = {p: 0 for p in topics.PRIORITY_ORDER}
        for item in queue.items:
            by_priority[item.priority if item.priority in by_priority else "normal"] += 1
        online = await self.gw.presence.online()
        roster = await asyncio.to_thread(self.gw.backoffice.list_agents)
        assigned = await self.gw.machine.assigned_by_agent()
        agents = []
        for row in roster:
            chats = assigned.get(row["username"], []) if row["username"] in online else []
            agents.append({"username": row["username"], "display_name": row["display_name"], "team": row.get("team"),
                           "role": row.get("role") or "agent", "online": row["username"] in online,
                           "chats": len(chats)})
        tickets = await asyncio.to_thread(self.desk.list, status="active", limit=10_000)
        risky = [t for t in tickets if t["sla_state"] in ("breached", "at_risk")]
        counts = {s: sum(1 for t in tickets if t["sla_state"] == s) for s in ("breached", "at_risk", "ok")}
        self._set_gauges(by_priority, sum(1 for a in agents if a["online"]), counts)
        return {
            "queue": {"length": len(queue.items), "by_priority": by_priority,
                      "items": [i.model_dump() for i in queue.items[:20]]},
            "agents_online": sum(1 for a in agents if a["online"]),
            "agents": agents,
            "sla": counts,
            "tickets_at_risk": risky[:20],
            "tickets_active": len(tickets),
        }

    def _set_gauges(self, by_priority: dict[str, int], online: int, counts: dict[str, int]) -> None:
        m = self.gw.metrics
        for priority, n in by_priority.items():
            m.queue_by_priority.labels(priority).set(n)
        m.agents_online.set(online)
        m.sla_breaches.set(counts["breached"])
        m.sla_at_risk.set(counts["at_risk"])

    async def archive(self) -> int:
        """Copy the trackers' facts to the archive, by one replica at a time (a Redis lock)."""
        settings = self.gw.settings
        if not await self.gw.redis.set(self.gw.keys.facts_lock, "1", nx=True, ex=max(60, int(settings.facts_interval_s))):
            return 0
        return await archive_trackers(self.gw.redis, self.gw.backoffice.engine, settings.tracker_prefix)

    async def run(self) -> None:
        """Keep the gauges current between scrapes (every replica; they agree) and, now and then, the
        trackers' facts archived before Rasa forgets them."""
        next_archive = 0.0
        while True:
            try:
                await self.snapshot()
                if time.monotonic() >= next_archive:
                    next_archive = time.monotonic() + self.gw.settings.facts_interval_s
                    written = await self.archive()
                    if written:
                        log.info("conversation facts archived", extra={"conversations": written})
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live figures not refreshed: %s", exc.__class__.__name__)
            await asyncio.sleep(self.gw.settings.live_interval_s)
