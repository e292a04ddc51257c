"""The back-office schema.

The tables ``players``, ``kyc_cases``, ``transactions``, ``agents``, ``audit_log`` and
``chat_transcripts`` are shared with the hand-off gateway (SQLAlchemy 2 Core in its own
environment): their names and columns are a contract and must not change.  The other
tables belong to the action server.

Timestamps are timezone-aware UTC.  PostgreSQL stores them as ``timestamptz``; SQLite,
which has no time zones, stores naive UTC text and they come back tagged as UTC.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A ``DateTime(timezone=True)`` that always hands back aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use an aware datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


KYC_STATUSES = ("not_started", "pending", "approved", "rejected")
KYC_DOCUMENT_TYPES = ("kimlik", "pasaport", "ehliyet", "adres belgesi")
KYC_DOCUMENT_STATUSES = ("missing", "received", "accepted", "rejected")
TX_KINDS = ("deposit", "withdrawal", "bonus")
TX_METHODS = ("papara", "bank_transfer", "credit_card", "debit_card", "ewallet", "crypto")
TX_STATUSES = ("pending", "processing", "completed", "rejected", "failed", "cancelled")
BONUS_STATUSES = ("active", "completed", "expired", "cancelled")
LIMIT_TYPES = ("deposit", "loss")
LIMIT_PERIODS = ("daily", "weekly", "monthly")
EXCLUSION_PERIODS = ("24h", "7d", "30d", "6m", "permanent")
TICKET_KINDS = ("email", "callback", "fraud", "privacy")
TICKET_PRIORITIES = ("urgent", "high", "normal")
TICKET_STATUSES = ("open", "in_progress", "closed")
ACTOR_TYPES = ("player", "agent", "system", "bot")

Base = declarative_base()


# --------------------------------------------------------------------------- shared tables


class Player(Base):
    __tablename__ = "players"

    id = Column(String(16), primary_key=True)
    name = Column(String(120), nullable=False)
    email = Column(String(254))
    phone = Column(String(32))
    locked = Column(Boolean, nullable=False, default=False, server_default="0")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class KycCase(Base):
    __tablename__ = "kyc_cases"
    __table_args__ = (CheckConstraint(_in("status", KYC_STATUSES), name="ck_kyc_status"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    player_id = Column(String(16), ForeignKey("players.id"), nullable=False, index=True)
    status = Column(String(16), nullable=False, default="not_started")
    reason = Column(Text)  # Turkish: what is missing / why it was rejected
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Transaction(Base):
    __tablename__ = "transactions"
    __table_args__ = (
        CheckConstraint(_in("kind", TX_KINDS), name="ck_tx_kind"),
        CheckConstraint(_in("method", TX_METHODS), name="ck_tx_method"),
        CheckConstraint(_in("status", TX_STATUSES), name="ck_tx_status"),
        CheckConstraint("amount_minor >= 0", name="ck_tx_amount"),
        Index("ix_transactions_player_created", "player_id", "created_at"),
    )

    id = Column(String(16), primary_key=True)  # 'TX-10000001'
    player_id = Column(String(16), ForeignKey("players.id"), nullable=False)
    kind = Column(String(16), nullable=False)
    method = Column(String(16), nullable=False)
    amount_minor = Column(Integer, nullable=False)  # kuruş
    currency = Column(String(3), nullable=False, default="TRY")
    status = Column(String(16), nullable=False)
    reason = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Agent(Base):
    __tablename__ = "agents"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    password_hash = Column(String(255), nullable=False)
    team = Column(String(64))
    active = Column(Boolean, nullable=False, default=True, server_default="1")


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("actor_type", ACTOR_TYPES), name="ck_audit_actor_type"),
        Index("ix_audit_log_at", "at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    actor_type = Column(String(16), nullable=False)
    actor_id = Column(String(64))
    action = Column(String(64), nullable=False)
    target = Column(String(128))
    details = Column(Text)  # JSON


class ChatTranscript(Base):
    __tablename__ = "chat_transcripts"

    conversation_id = Column(String(128), primary_key=True)
    player_id = Column(String(16), nullable=True)
    agent_username = Column(String(64), nullable=True)
    topic = Column(String(64))
    priority = Column(String(16))
    started_at = Column(UTCDateTime)
    resolved_at = Column(UTCDateTime)
    rating = Column(Integer, nullable=True)
    transcript = Column(Text)  # JSON


# --------------------------------------------------------------------------- action-server tables


class KycDocument(Base):
    __tablename__ = "kyc_documents"
    __table_args__ = (
        CheckConstraint(_in("document_type", KYC_DOCUMENT_TYPES), name="ck_kycdoc_type"),
        CheckConstraint(_in("status", KYC_DOCUMENT_STATUSES), name="ck_kycdoc_status"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    case_id = Column(Integer, ForeignKey("kyc_cases.id"), nullable=False, index=True)
    document_type = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False)
    note = Column(Text)  # Turkish: why it was rejected / what is expected
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Bonus(Base):
    __tablename__ = "bonuses"
    __table_args__ = (
        CheckConstraint(_in("status", BONUS_STATUSES), name="ck_bonus_status"),
        CheckConstraint("wagering_done_minor >= 0", name="ck_bonus_done"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    player_id = Column(String(16), ForeignKey("players.id"), nullable=False, index=True)
    name = Column(String(120), nullable=False)  # Turkish display name
    status = Column(String(16), nullable=False)
    amount_minor = Column(Integer, nullable=False)
    wagering_required_minor = Column(Integer, nullable=False)
    wagering_done_minor = Column(Integer, nullable=False, default=0)
    max_cashout_minor = Column(Integer, nullable=True)
    reason = Column(Text)  # why it was cancelled, in Turkish
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class RgLimit(Base):
    """A responsible-gaming limit; raising or removing waits 24 hours in ``pending_*``."""

    __tablename__ = "rg_limits"
    __table_args__ = (
        CheckConstraint(_in("limit_type", LIMIT_TYPES), name="ck_limit_type"),
        CheckConstraint(_in("period", LIMIT_PERIODS), name="ck_limit_period"),
        UniqueConstraint("player_id", "limit_type", "period", name="uq_limit"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    player_id = Column(String(16), ForeignKey("players.id"), nullable=False)
    limit_type = Column(String(16), nullable=False, default="deposit")
    period = Column(String(16), nullable=False)
    amount_minor = Column(Integer, nullable=True)  # NULL: no limit in force
    pending_amount_minor = Column(Integer, nullable=True)
    pending_remove = Column(Boolean, nullable=False, default=False, server_default="0")
    pending_effective_at = Column(UTCDateTime, nullable=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class SelfExclusion(Base):
    __tablename__ = "self_exclusions"
    __table_args__ = (
        CheckConstraint(_in("period", EXCLUSION_PERIODS), name="ck_exclusion_period"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    player_id = Column(String(16), ForeignKey("players.id"), nullable=False, index=True)
    period = Column(String(16), nullable=False)
    starts_at = Column(UTCDateTime, nullable=False, default=utcnow)
    ends_at = Column(UTCDateTime, nullable=True)  # NULL: permanent
    source = Column(String(16), nullable=False, default="bot")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_in("kind", TICKET_KINDS), name="ck_ticket_kind"),
        CheckConstraint(_in("priority", TICKET_PRIORITIES), name="ck_ticket_priority"),
        CheckConstraint(_in("status", TICKET_STATUSES), name="ck_ticket_status"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(32), nullable=False, unique=True)
    kind = Column(String(16), nullable=False)
    priority = Column(String(16), nullable=False, default="normal")
    status = Column(String(16), nullable=False, default="open")
    player_id = Column(String(16), ForeignKey("players.id"), nullable=True, index=True)
    conversation_id = Column(String(128), nullable=True)
    subject = Column(String(200))
    description = Column(Text)
    transaction_id = Column(String(16), nullable=True)  # as the player gave it; not a FK
    contact_phone = Column(String(32))
    contact_email = Column(String(254))
    preferred_window = Column(String(64))
    details = Column(Text)  # JSON
    due_at = Column(UTCDateTime, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
