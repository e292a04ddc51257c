"""The back-office schema, written once: SQLAlchemy Core tables on one ``MetaData``.

The action server maps its ORM classes onto these tables (``actions/backoffice/models.py``); the
gateway reads players, KYC cases and transactions through :mod:`.players` and writes its own
tables (``agents``, ``audit_log``, ``chat_transcripts``) with them. Runs on SQLAlchemy 1.4 (the
bot's environment) and 2.x (the gateway's).

Timestamps are timezone-aware UTC. PostgreSQL stores them as ``timestamptz``; SQLite, which has
no time zones, stores naive UTC text and they come back tagged as UTC.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

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
TICKET_KINDS = ("email", "callback", "fraud", "privacy", "complaint", "bonus_dispute")
TICKET_PRIORITIES = ("urgent", "high", "normal")
# open: waits for an agent; in_progress: an agent took it; answered: waits for the player; closed
TICKET_STATUSES = ("open", "in_progress", "answered", "closed")
TICKET_MESSAGE_DIRECTIONS = ("in", "out", "note")  # mail from the player, mail to the player, internal note
MAIL_STATES = ("queued", "sent", "failed")  # of an outbound mail (the gateway's mail worker sends it)
FEEDBACK_KINDS = ("csat", "nps")
ACTOR_TYPES = ("player", "agent", "system", "bot")
# what a console user may see: agents the chats, supervisors the figures, editors the content pages
AGENT_ROLES = ("agent", "supervisor", "editor")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A ``DateTime(timezone=True)`` that takes and hands back aware UTC datetimes only."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use an aware datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _one_of(name: str, column: str, values: Iterable[str]) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=name)


metadata = MetaData()

# ------------------------------------------------------------------ read by the gateway and the bot
players = Table(
    "players", metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("email", String(254)),
    Column("phone", String(32)),
    Column("locked", Boolean, nullable=False, default=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
)

kyc_cases = Table(
    "kyc_cases", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("player_id", String(16), ForeignKey("players.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False, default="not_started"),
    Column("reason", Text),  # Turkish: what is missing / why it was rejected
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    _one_of("ck_kyc_status", "status", KYC_STATUSES),
)

transactions = Table(
    "transactions", metadata,
    Column("id", String(16), primary_key=True),  # 'TX-10000001'
    Column("player_id", String(16), ForeignKey("players.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("method", String(16), nullable=False),
    Column("amount_minor", Integer, nullable=False),  # kuruş
    Column("currency", String(3), nullable=False, default="TRY"),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    _one_of("ck_tx_kind", "kind", TX_KINDS),
    _one_of("ck_tx_method", "method", TX_METHODS),
    _one_of("ck_tx_status", "status", TX_STATUSES),
    CheckConstraint("amount_minor >= 0", name="ck_tx_amount"),
    Index("ix_transactions_player_created", "player_id", "created_at"),
)

# ------------------------------------------------------------------ written by the gateway
agents = Table(
    "agents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("team", String(64)),
    Column("active", Boolean, nullable=False, default=True, server_default="1"),
    Column("role", String(16), nullable=False, default="agent", server_default="agent"),  # AGENT_ROLES
    # the languages the agent serves players in, comma-separated (contracts.topics.LANGUAGES)
    Column("languages", String(32), nullable=False, default="tr", server_default="tr"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, default=utcnow),
    Column("actor_type", String(16), nullable=False),
    Column("actor_id", String(64)),
    Column("action", String(64), nullable=False),
    Column("target", String(128)),
    Column("details", Text),  # JSON
    _one_of("ck_audit_actor_type", "actor_type", ACTOR_TYPES),
    Index("ix_audit_log_at", "at"),
)

chat_transcripts = Table(
    "chat_transcripts", metadata,
    Column("conversation_id", String(128), primary_key=True),
    Column("player_id", String(16), nullable=True),
    Column("agent_username", String(64), nullable=True),
    Column("topic", String(64)),
    Column("priority", String(16)),
    Column("started_at", UTCDateTime),
    Column("resolved_at", UTCDateTime),
    Column("transcript", Text),  # JSON; the rating is in `feedback`, stored once by the bot
)

# One row per hand-off an agent resolved (a conversation may have several): the times the figures
# need (queued → first agent answer → resolved), who took it and why (issue 14).
chat_handoffs = Table(
    "chat_handoffs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handoff_id", String(160), nullable=False, unique=True),  # '<conversation>@<queued epoch ms>'
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("player_id", String(16), nullable=True),
    Column("agent_username", String(64), nullable=True),
    Column("topic", String(64)),
    Column("priority", String(16)),
    Column("reason", String(32)),
    Column("intent", String(64)),
    Column("risk", String(32)),
    Column("queued_at", UTCDateTime, nullable=False),
    Column("assigned_at", UTCDateTime, nullable=True),
    Column("first_response_at", UTCDateTime, nullable=True),  # the agent's first message to the player
    Column("resolved_at", UTCDateTime, nullable=False),
    Column("agent_messages", Integer, nullable=False, default=0, server_default="0"),
    Column("player_messages", Integer, nullable=False, default=0, server_default="0"),
    Index("ix_chat_handoffs_resolved", "resolved_at"),
)

# What the supervisor's figures need of a conversation the bot had, kept after Rasa's tracker expires
# (CASINRA_TRACKER_TTL_S): per player turn its intent, the bot's answer and what followed — never text.
conversation_facts = Table(
    "conversation_facts", metadata,
    Column("conversation_id", String(128), primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("last_at", UTCDateTime, nullable=False),
    Column("topic", String(32)),
    Column("turns", Text, nullable=False),  # JSON, figures.Turn.facts()
    Index("ix_conversation_facts_started", "started_at"),
)

# ------------------------------------------------------------------ the action server's own
kyc_documents = Table(
    "kyc_documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("kyc_cases.id"), nullable=False, index=True),
    Column("document_type", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("note", Text),  # Turkish: why it was rejected / what is expected
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    _one_of("ck_kycdoc_type", "document_type", KYC_DOCUMENT_TYPES),
    _one_of("ck_kycdoc_status", "status", KYC_DOCUMENT_STATUSES),
)

bonuses = Table(
    "bonuses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("player_id", String(16), ForeignKey("players.id"), nullable=False, index=True),
    Column("name", String(120), nullable=False),  # Turkish display name
    Column("status", String(16), nullable=False),
    Column("amount_minor", Integer, nullable=False),
    Column("wagering_required_minor", Integer, nullable=False),
    Column("wagering_done_minor", Integer, nullable=False, default=0),
    Column("max_cashout_minor", Integer, nullable=True),
    Column("reason", Text),  # why it was cancelled, in Turkish
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    _one_of("ck_bonus_status", "status", BONUS_STATUSES),
    CheckConstraint("wagering_done_minor >= 0", name="ck_bonus_done"),
)

# A responsible-gaming limit; raising or removing it waits 24 hours in ``pending_*``.
rg_limits = Table(
    "rg_limits", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("player_id", String(16), ForeignKey("players.id"), nullable=False),
    Column("limit_type", String(16), nullable=False, default="deposit"),
    Column("period", String(16), nullable=False),
    Column("amount_minor", Integer, nullable=True),  # NULL: no limit in force
    Column("pending_amount_minor", Integer, nullable=True),
    Column("pending_remove", Boolean, nullable=False, default=False, server_default="0"),
    Column("pending_effective_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    _one_of("ck_limit_type", "limit_type", LIMIT_TYPES),
    _one_of("ck_limit_period", "period", LIMIT_PERIODS),
    UniqueConstraint("player_id", "limit_type", "period", name="uq_limit"),
)

self_exclusions = Table(
    "self_exclusions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("player_id", String(16), ForeignKey("players.id"), nullable=False, index=True),
    Column("period", String(16), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False, default=utcnow),
    Column("ends_at", UTCDateTime, nullable=True),  # NULL: permanent
    Column("source", String(16), nullable=False, default="bot"),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    _one_of("ck_exclusion_period", "period", EXCLUSION_PERIODS),
)

tickets = Table(
    "tickets", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("priority", String(16), nullable=False, default="normal"),
    Column("status", String(16), nullable=False, default="open"),
    Column("player_id", String(16), ForeignKey("players.id"), nullable=True, index=True),
    Column("conversation_id", String(128), nullable=True),
    Column("subject", String(200)),
    Column("description", Text),
    Column("transaction_id", String(16), nullable=True),  # as the player gave it; not a FK
    Column("contact_phone", String(32)),
    Column("contact_email", String(254)),
    Column("preferred_window", String(64)),
    Column("details", Text),  # JSON
    Column("due_at", UTCDateTime, nullable=True),  # the answer owed by then (sla.py); NULL: nothing owed
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    # service level (issue 14): who has it, when it was first answered and closed, the mail thread
    Column("topic", String(32)),  # a contract topic (casinra_contracts.topics)
    Column("assigned_agent", String(64)),
    Column("first_response_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=True),
    Column("thread_id", String(255)),  # Message-ID of the first mail: replies name it in References
    _one_of("ck_ticket_kind", "kind", TICKET_KINDS),
    _one_of("ck_ticket_priority", "priority", TICKET_PRIORITIES),
    _one_of("ck_ticket_status", "status", TICKET_STATUSES),
    Index("ix_tickets_status_due", "status", "due_at"),
)

# Every status change of a ticket, with the due time it set (the SLA history).
ticket_events = Table(
    "ticket_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False, default=utcnow),
    Column("status_from", String(16)),  # NULL: created
    Column("status_to", String(16), nullable=False),
    Column("due_at", UTCDateTime, nullable=True),  # the ticket's due time after this change
    Column("actor_type", String(16), nullable=False),
    Column("actor_id", String(64)),
    Column("note", String(200)),  # e.g. "reopened by the player's mail"
    _one_of("ck_ticket_event_status", "status_to", TICKET_STATUSES),
    _one_of("ck_ticket_event_actor", "actor_type", ACTOR_TYPES),
)

# The ticket's thread: mails in and out (threaded by Message-ID) and internal notes.
ticket_messages = Table(
    "ticket_messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False, default=utcnow),
    Column("direction", String(8), nullable=False),
    Column("author_type", String(16), nullable=False),
    Column("author_id", String(64)),  # the agent's username; NULL for the player and the system
    Column("from_addr", String(254)),
    Column("to_addr", String(254)),
    Column("subject", String(300)),
    Column("body", Text),  # inbound: personal data masked; outbound: as sent to the player
    Column("message_id", String(255), unique=True),  # the mail's Message-ID (NULL for notes)
    Column("in_reply_to", String(255)),
    Column("mail_state", String(8)),  # outbound only (MAIL_STATES)
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("error", String(200)),
    Column("sent_at", UTCDateTime, nullable=True),
    _one_of("ck_ticket_msg_direction", "direction", TICKET_MESSAGE_DIRECTIONS),
    _one_of("ck_ticket_msg_author", "author_type", ACTOR_TYPES),
    CheckConstraint("mail_state IS NULL OR mail_state IN ('queued', 'sent', 'failed')", name="ck_ticket_msg_state"),
    Index("ix_ticket_messages_outbox", "mail_state", "at"),
)

# Files that came with a player's mail: stored like chat attachments, outside any served folder,
# readable only by the agent the ticket is assigned to.
ticket_attachments = Table(
    "ticket_attachments", metadata,
    Column("id", String(40), primary_key=True),  # 'ta_…'
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("message_id", Integer, ForeignKey("ticket_messages.id"), nullable=True),
    Column("name", String(200), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("path", String(500), nullable=False),  # relative to the attachments folder
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
)

# ------------------------------------------------------------------ ratings: stored once, here
# CSAT (1–5 after a resolved chat) and NPS (0–10, asked at most once every 90 days per player), written
# only by the action server's repository. `dedupe_key` makes a repeated turn one row.
feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),
    Column("score", Integer, nullable=True),  # NULL: asked, not (yet) answered (NPS)
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("conversation_id", String(128), nullable=True, index=True),
    Column("player_id", String(16), nullable=True, index=True),
    Column("topic", String(32)),
    Column("human", Boolean, nullable=False, default=False, server_default="0"),  # an agent was involved
    Column("agent_username", String(64)),
    Column("asked_at", UTCDateTime, nullable=True),
    Column("answered_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    _one_of("ck_feedback_kind", "kind", FEEDBACK_KINDS),
    CheckConstraint("score IS NULL OR (kind = 'csat' AND score BETWEEN 1 AND 5) "
                    "OR (kind = 'nps' AND score BETWEEN 0 AND 10)", name="ck_feedback_score"),
    Index("ix_feedback_answered", "kind", "answered_at"),
)
