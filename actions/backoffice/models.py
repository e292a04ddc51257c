"""The action server's ORM classes, mapped onto the shared back-office schema.

The tables themselves (columns, constraints, indexes) are defined once in
``casinra_contracts.backoffice.schema``, which the gateway uses too; here each class only names
its table. The vocabularies (``TX_KINDS``, ``KYC_STATUSES``, …) and the UTC column type are
re-exported for the repository, the seed and the tests.
"""
from __future__ import annotations

from casinra_contracts.backoffice import schema
from casinra_contracts.backoffice.schema import (  # noqa: F401  (re-exported)
    ACTOR_TYPES,
    BONUS_STATUSES,
    EXCLUSION_PERIODS,
    FEEDBACK_KINDS,
    KYC_DOCUMENT_STATUSES,
    KYC_DOCUMENT_TYPES,
    KYC_STATUSES,
    LIMIT_PERIODS,
    LIMIT_TYPES,
    TICKET_KINDS,
    TICKET_MESSAGE_DIRECTIONS,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
    TX_KINDS,
    TX_METHODS,
    TX_STATUSES,
    UTCDateTime,
    utcnow,
)
from sqlalchemy.orm import declarative_base

Base = declarative_base(metadata=schema.metadata)


class Player(Base):
    __table__ = schema.players


class KycCase(Base):
    __table__ = schema.kyc_cases


class Transaction(Base):
    __table__ = schema.transactions


class Agent(Base):
    __table__ = schema.agents


class AuditLog(Base):
    __table__ = schema.audit_log


class ChatTranscript(Base):
    __table__ = schema.chat_transcripts


class ChatHandoff(Base):
    """A hand-off an agent resolved, with its times (written by the gateway's archive)."""

    __table__ = schema.chat_handoffs


class ConversationFacts(Base):
    """What the supervisor's figures keep of a conversation after its tracker expires (the gateway's)."""

    __table__ = schema.conversation_facts


class KycDocument(Base):
    __table__ = schema.kyc_documents


class Bonus(Base):
    __table__ = schema.bonuses


class RgLimit(Base):
    """A responsible-gaming limit; raising or removing waits 24 hours in ``pending_*``."""

    __table__ = schema.rg_limits


class SelfExclusion(Base):
    __table__ = schema.self_exclusions


class Ticket(Base):
    __table__ = schema.tickets


class TicketEvent(Base):
    """A status change of a ticket, with the due time it set (the SLA history)."""

    __table__ = schema.ticket_events


class TicketMessage(Base):
    """A mail in or out of a ticket's thread, or an internal note."""

    __table__ = schema.ticket_messages


class TicketAttachment(Base):
    __table__ = schema.ticket_attachments


class Feedback(Base):
    """A CSAT (1–5) or NPS (0–10) answer: the one place ratings are stored."""

    __table__ = schema.feedback
