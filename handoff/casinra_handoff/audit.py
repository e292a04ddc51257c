"""The audit log of agent and system actions (a back-office table), never in the way of a chat."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from .auth import AgentIdentity
from .backoffice import BackOffice

log = logging.getLogger("casinra.audit")


class Audit:
    def __init__(self, backoffice: BackOffice) -> None:
        self.backoffice = backoffice

    async def __call__(self, agent: AgentIdentity | None, action: str, target: str | None, **details: Any) -> None:
        actor = agent.username if agent else "gateway"
        try:
            await asyncio.to_thread(self.backoffice.audit, "agent" if agent else "system", actor, action, target, details)
        except Exception:
            log.exception("audit write failed", extra={"action": action})
        log.info("audit", extra={"actor": agent.username if agent else "system", "action": action, "target": target})
