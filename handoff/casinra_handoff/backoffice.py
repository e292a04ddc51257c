"""The gateway's access to the back-office, all through the shared schema
(`casinra_contracts.backoffice`): players are read with its `Players` interface; the gateway
writes only its own tables (agents, audit log, archived transcripts). Synchronous SQLAlchemy
Core; callers run it in a worker thread (`asyncio.to_thread`).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from casinra_contracts.backoffice import migrate
from casinra_contracts.backoffice.engine import make_engine
from casinra_contracts.backoffice.players import Players
from casinra_contracts.backoffice.schema import agents, audit_log, chat_handoffs, chat_transcripts, metadata
from casinra_contracts.pii import mask, mask_text
from sqlalchemy import inspect, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from .passwords import hash_password

log = logging.getLogger("casinra.backoffice")

DEMO_AGENTS = [  # username, display name, team, role
    ("ayse", "Ayşe", "genel", "agent"),
    ("burak", "Burak", "finans", "agent"),
    ("deniz", "Deniz", "içerik", "editor"),
    ("selin", "Selin", "yönetim", "supervisor"),
]
DEMO_LANGUAGES = {"ayse": "tr,en", "burak": "tr,de"}  # the others serve in Turkish


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor_type: str  # "agent" or "system"
    actor_id: str | None
    action: str
    target: str | None
    details: dict[str, Any]


def _utc(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(float(epoch), timezone.utc)


class BackOffice:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.players = Players(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    def ensure_schema(self) -> None:
        """Create whatever part of the shared schema is missing (the action server does the same)."""
        metadata.create_all(self.engine, checkfirst=True)
        self._add_agent_columns()

    def _add_agent_columns(self) -> None:
        """A database made before agents had roles or languages gets the columns (everyone an
        agent serving in Turkish)."""
        have = {c["name"] for c in inspect(self.engine).get_columns("agents")}
        added = {"role": "role VARCHAR(16) NOT NULL DEFAULT 'agent'",
                 "languages": "languages VARCHAR(32) NOT NULL DEFAULT 'tr'"}
        for name, ddl in added.items():
            if name not in have:
                with self.engine.begin() as c:
                    c.execute(text(f"ALTER TABLE agents ADD COLUMN {ddl}"))

    # ------------------------------------------------------------------ agents
    def seed_demo_agents(self, password: str) -> None:
        self.ensure_schema()
        for username, display, team, role in DEMO_AGENTS:
            values = dict(display_name=display, team=team, role=role, active=True,
                          languages=DEMO_LANGUAGES.get(username, "tr"), password_hash=hash_password(password))
            try:
                with self.engine.begin() as c:
                    c.execute(insert(agents).values(username=username, **values))
            except IntegrityError:  # already there (or another replica just inserted it)
                with self.engine.begin() as c:
                    c.execute(update(agents).where(agents.c.username == username).values(**values))

    def find_agent(self, username: str) -> dict[str, Any] | None:
        with self.engine.connect() as c:
            row = c.execute(select(agents).where(agents.c.username == username)).mappings().first()
        return dict(row) if row else None

    def list_agents(self) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(
                select(agents.c.username, agents.c.display_name, agents.c.team, agents.c.role,
                       agents.c.languages).where(agents.c.active.is_(True))
            ).mappings().all()
        return [dict(r) for r in rows]

    # ------------------------------------------------------------------ audit, archive, rating
    def audit_many(self, records: list[AuditRecord]) -> None:
        """Audit records in one transaction, personal data in their details masked (a value JSON
        cannot hold is written as its masked text: one odd detail must not lose the batch)."""
        with self.engine.begin() as c:
            c.execute(insert(audit_log), [
                dict(at=r.at, actor_type=r.actor_type, actor_id=r.actor_id, action=r.action, target=r.target,
                     details=json.dumps(mask(r.details), ensure_ascii=False, default=lambda v: mask_text(str(v))))
                for r in records])

    def archive(self, *, conversation_id: str, player_id: str | None, agent_username: str | None,
                topic: str | None, priority: str | None, started_at: float | None, resolved_at: float,
                transcript: list[dict[str, Any]]) -> None:
        """Store (or replace) a resolved chat's transcript, personal data masked."""
        values = dict(
            player_id=player_id, agent_username=agent_username, topic=topic, priority=priority,
            started_at=_utc(started_at), resolved_at=_utc(resolved_at),
            transcript=json.dumps(mask(transcript), ensure_ascii=False),
        )
        with self.engine.begin() as c:
            done = c.execute(update(chat_transcripts)
                             .where(chat_transcripts.c.conversation_id == conversation_id).values(**values))
            if not done.rowcount:
                c.execute(insert(chat_transcripts).values(conversation_id=conversation_id, **values))

    def save_handoff(self, *, handoff_id: str, queued_at: float, resolved_at: float,
                     assigned_at: float | None, first_response_at: float | None, **values: Any) -> None:
        """One resolved hand-off with its times (the supervisor's figures); a repeat replaces it."""
        row = dict(values, queued_at=_utc(queued_at), assigned_at=_utc(assigned_at),
                   first_response_at=_utc(first_response_at), resolved_at=_utc(resolved_at))
        with self.engine.begin() as c:
            done = c.execute(update(chat_handoffs).where(chat_handoffs.c.handoff_id == handoff_id).values(**row))
            if not done.rowcount:
                c.execute(insert(chat_handoffs).values(handoff_id=handoff_id, **row))
