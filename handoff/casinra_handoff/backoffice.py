"""Read-only access to the back-office (player profile, KYC, transactions) and the gateway's own
writes: demo agents, the audit log, archived transcripts. SQLAlchemy 2 Core, sync engine, called
through `asyncio.to_thread`.

The table definitions mirror the shared contract in actions/backoffice/models.py (columns only).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from sqlalchemy import (
    Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, insert, select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .passwords import hash_password
from .pii import mask, mask_email, mask_phone

log = logging.getLogger(__name__)

metadata = MetaData()
players = Table(
    "players", metadata,
    Column("id", String(16), primary_key=True), Column("name", String(120)), Column("email", String(254)),
    Column("phone", String(32)), Column("locked", Boolean), Column("created_at", DateTime(timezone=True)),
)
kyc_cases = Table(
    "kyc_cases", metadata,
    Column("id", Integer, primary_key=True), Column("player_id", String(16)), Column("status", String(16)),
    Column("reason", Text), Column("updated_at", DateTime(timezone=True)),
)
transactions = Table(
    "transactions", metadata,
    Column("id", String(16), primary_key=True), Column("player_id", String(16)), Column("kind", String(16)),
    Column("method", String(16)), Column("amount_minor", Integer), Column("currency", String(3)),
    Column("status", String(16)), Column("reason", Text), Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
)
agents = Table(
    "agents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False), Column("password_hash", String(255), nullable=False),
    Column("team", String(64)), Column("active", Boolean, nullable=False, default=True),
)
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True), Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_type", String(16), nullable=False), Column("actor_id", String(64)),
    Column("action", String(64), nullable=False), Column("target", String(128)), Column("details", Text),
)
chat_transcripts = Table(
    "chat_transcripts", metadata,
    Column("conversation_id", String(128), primary_key=True), Column("player_id", String(16)),
    Column("agent_username", String(64)), Column("topic", String(64)), Column("priority", String(16)),
    Column("started_at", DateTime(timezone=True)), Column("resolved_at", DateTime(timezone=True)),
    Column("rating", Integer), Column("transcript", Text),
)

DEMO_AGENTS = [
    ("ayse", "Ayşe", "genel"),
    ("burak", "Burak", "finans"),
]


def format_try(amount_minor: int | None) -> str | None:
    if amount_minor is None:
        return None
    whole, frac = divmod(int(amount_minor), 100)
    return f"{whole:,}".replace(",", ".") + f",{frac:02d} TL"


def _iso(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=dt.timezone.utc)
        return v.isoformat()
    return v


class BackOffice:
    def __init__(self, url: str) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        self.engine: Engine = create_engine(url, **kwargs)
        self._sqlite = url.startswith("sqlite")

    def _now(self) -> dt.datetime:
        now = dt.datetime.now(dt.timezone.utc)
        return now.replace(tzinfo=None) if self._sqlite else now

    def _ts(self, epoch: float | None) -> dt.datetime | None:
        if epoch is None:
            return None
        v = dt.datetime.fromtimestamp(float(epoch), dt.timezone.utc)
        return v.replace(tzinfo=None) if self._sqlite else v

    def dispose(self) -> None:
        self.engine.dispose()

    def ensure_gateway_tables(self) -> None:
        """Create the gateway's own tables if the back-office schema is not there yet."""
        metadata.create_all(self.engine, tables=[agents, audit_log, chat_transcripts], checkfirst=True)

    # ------------------------------------------------------------------ agents
    def seed_demo_agents(self, password: str) -> None:
        self.ensure_gateway_tables()
        for username, display, team in DEMO_AGENTS:
            values = dict(display_name=display, team=team, active=True, password_hash=hash_password(password))
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
                select(agents.c.username, agents.c.display_name, agents.c.team).where(agents.c.active.is_(True))
            ).mappings().all()
        return [dict(r) for r in rows]

    # ------------------------------------------------------------------ players (read-only)
    def list_players(self, limit: int = 20) -> list[dict[str, str]]:
        with self.engine.connect() as c:
            rows = c.execute(select(players.c.id, players.c.name).order_by(players.c.id).limit(limit)).all()
        return [{"id": r.id, "name": r.name} for r in rows]

    def player_exists(self, player_id: str) -> dict[str, str] | None:
        with self.engine.connect() as c:
            r = c.execute(select(players.c.id, players.c.name).where(players.c.id == player_id)).first()
        return {"id": r.id, "name": r.name} if r else None

    def player_context(self, player_id: str, tx_limit: int = 10) -> dict[str, Any]:
        """Profile (PII partly masked for the agent's screen), latest KYC case, recent transactions."""
        out: dict[str, Any] = {"profile": None, "kyc": None, "transactions": []}
        try:
            with self.engine.connect() as c:
                p = c.execute(select(players).where(players.c.id == player_id)).mappings().first()
                if p:
                    out["profile"] = {
                        "id": p["id"], "name": p["name"], "email": mask_email(p["email"]),
                        "phone": mask_phone(p["phone"]), "locked": bool(p["locked"]),
                        "created_at": _iso(p["created_at"]),
                    }
                k = c.execute(
                    select(kyc_cases).where(kyc_cases.c.player_id == player_id)
                    .order_by(kyc_cases.c.updated_at.desc(), kyc_cases.c.id.desc()).limit(1)
                ).mappings().first()
                if k:
                    out["kyc"] = {"status": k["status"], "reason": k["reason"], "updated_at": _iso(k["updated_at"])}
                rows = c.execute(
                    select(transactions).where(transactions.c.player_id == player_id)
                    .order_by(transactions.c.created_at.desc(), transactions.c.id.desc()).limit(tx_limit)
                ).mappings().all()
                out["transactions"] = [
                    {**{k2: _iso(v) for k2, v in dict(r).items() if k2 != "player_id"},
                     "amount": format_try(r["amount_minor"])}
                    for r in rows
                ]
        except SQLAlchemyError:
            log.exception("back-office lookup failed", extra={"player_id": player_id})
        return out

    # ------------------------------------------------------------------ audit + archive
    def audit(self, actor_type: str, actor_id: str | None, action: str, target: str | None,
              details: dict[str, Any] | None = None) -> None:
        with self.engine.begin() as c:
            c.execute(insert(audit_log).values(
                at=self._now(), actor_type=actor_type, actor_id=actor_id, action=action, target=target,
                details=json.dumps(mask(details or {}), ensure_ascii=False),
            ))

    def archive(self, *, conversation_id: str, player_id: str | None, agent_username: str | None,
                topic: str | None, priority: str | None, started_at: float | None, resolved_at: float,
                transcript: list[dict[str, Any]]) -> None:
        values = dict(
            player_id=player_id, agent_username=agent_username, topic=topic, priority=priority,
            started_at=self._ts(started_at), resolved_at=self._ts(resolved_at),
            transcript=json.dumps(mask(transcript), ensure_ascii=False),
        )
        with self.engine.begin() as c:
            exists = c.execute(
                select(chat_transcripts.c.conversation_id).where(chat_transcripts.c.conversation_id == conversation_id)
            ).first()
            if exists:
                c.execute(update(chat_transcripts)
                          .where(chat_transcripts.c.conversation_id == conversation_id).values(**values))
            else:
                c.execute(insert(chat_transcripts).values(conversation_id=conversation_id, **values))

    def set_rating(self, conversation_id: str, rating: int) -> bool:
        with self.engine.begin() as c:
            res = c.execute(update(chat_transcripts)
                            .where(chat_transcripts.c.conversation_id == conversation_id).values(rating=rating))
        return bool(res.rowcount)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as c:
                c.exec_driver_sql("SELECT 1")
            return True
        except SQLAlchemyError:
            return False
