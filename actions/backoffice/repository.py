"""The back-office repository: reads and writes named after the domain.

Every method opens its own short session, returns plain frozen dataclasses (never ORM
objects) and turns database errors into :class:`BackOfficeUnavailable`.  Actions do not call
these methods directly from the event loop; they go through :func:`actions.backoffice.service.ask`,
which runs them in a worker thread with a time-out.
"""
from __future__ import annotations

import functools
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Optional, Sequence, Tuple, TypeVar

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from actions.backoffice.db import Database
from actions.backoffice.models import (
    Agent,
    AuditLog,
    Bonus,
    Feedback,
    KycCase,
    KycDocument,
    Player,
    RgLimit,
    SelfExclusion,
    Ticket,
    TicketEvent,
    TicketMessage,
    Transaction,
)
from actions.settings import ActionSettings
from casinra_contracts.backoffice import mails, sla
from casinra_contracts.timezone import utcnow

logger = logging.getLogger(__name__)

T = TypeVar("T")

LIMIT_CHANGE_DELAY = timedelta(hours=24)
KVKK_RESPONSE_DAYS = 30
TICKET_PREFIXES = sla.TICKET_PREFIXES
# the contract topic of a ticket, by kind (tickets opened for another topic pass it)
TICKET_TOPICS = {"email": "support", "callback": "support", "complaint": "support", "fraud": "security",
                 "privacy": "privacy", "bonus_dispute": "bonus"}
NPS_INTERVAL = timedelta(days=90)
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPRSTUVYZ23456789"


class BackOfficeUnavailable(RuntimeError):
    """The back-office could not answer (down, slow, broken). Safe to show an apology."""


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except BackOfficeUnavailable:
            raise
        except (SQLAlchemyError, OSError) as exc:
            # the class only: messages may carry personal data (phone numbers, e-mails)
            logger.warning("back-office call %s failed: %s", method.__name__, exc.__class__.__name__)
            raise BackOfficeUnavailable(f"{method.__name__}: {exc.__class__.__name__}") from exc

    return wrapper


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class PlayerInfo:
    id: str
    name: str
    email: Optional[str]
    phone: Optional[str]
    locked: bool


@dataclass(frozen=True)
class TransactionInfo:
    id: str
    player_id: str
    kind: str
    method: str
    amount_minor: int
    currency: str
    status: str
    reason: Optional[str]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DocumentInfo:
    document_type: str
    status: str
    note: Optional[str]


@dataclass(frozen=True)
class KycInfo:
    status: str
    reason: Optional[str]
    updated_at: datetime
    documents: Tuple[DocumentInfo, ...] = ()


@dataclass(frozen=True)
class BonusInfo:
    name: str
    status: str
    amount_minor: int
    wagering_required_minor: int
    wagering_done_minor: int
    max_cashout_minor: Optional[int]
    reason: Optional[str]
    created_at: datetime
    expires_at: Optional[datetime]


@dataclass(frozen=True)
class LimitInfo:
    limit_type: str
    period: str
    amount_minor: Optional[int]
    pending_amount_minor: Optional[int]
    pending_remove: bool
    pending_effective_at: Optional[datetime]


@dataclass(frozen=True)
class LimitChange:
    """outcome: set | lowered | raised | removed | unchanged | nothing_to_remove"""

    outcome: str
    limit_type: str
    period: str
    previous_minor: Optional[int]
    new_minor: Optional[int]
    effective_at: datetime


@dataclass(frozen=True)
class ExclusionInfo:
    period: str
    starts_at: datetime
    ends_at: Optional[datetime]  # None: permanent


@dataclass(frozen=True)
class ExclusionResult:
    applied: bool  # False: a longer exclusion was already in force and was kept
    exclusion: ExclusionInfo


@dataclass(frozen=True)
class TicketInfo:
    reference: str
    kind: str
    priority: str
    created_at: datetime
    due_at: Optional[datetime]
    mailed: bool = False  # a confirmation mail was queued


@dataclass(frozen=True)
class TicketStatusInfo:
    """What a player may know about their own request."""

    reference: str
    kind: str
    priority: str
    status: str
    subject: Optional[str]
    created_at: datetime
    due_at: Optional[datetime]
    first_response_at: Optional[datetime]
    closed_at: Optional[datetime]
    updated_at: Optional[datetime]
    preferred_window: Optional[str]


@dataclass(frozen=True)
class FeedbackInfo:
    kind: str  # csat | nps
    score: Optional[int]
    conversation_id: Optional[str]
    topic: Optional[str]
    human: bool
    agent_username: Optional[str]
    changed: bool  # False: the same answer was already stored (a repeated turn)


def _ticket_status(row: Ticket) -> TicketStatusInfo:
    return TicketStatusInfo(
        reference=row.reference, kind=row.kind, priority=row.priority, status=row.status, subject=row.subject,
        created_at=row.created_at, due_at=row.due_at, first_response_at=row.first_response_at,
        closed_at=row.closed_at, updated_at=row.updated_at, preferred_window=row.preferred_window,
    )


def _feedback(row: Feedback, changed: bool) -> FeedbackInfo:
    return FeedbackInfo(row.kind, row.score, row.conversation_id, row.topic, bool(row.human),
                        row.agent_username, changed)


def _tx(row: Transaction) -> TransactionInfo:
    return TransactionInfo(
        id=row.id, player_id=row.player_id, kind=row.kind, method=row.method,
        amount_minor=row.amount_minor, currency=row.currency, status=row.status,
        reason=row.reason, created_at=row.created_at, updated_at=row.updated_at,
    )


def _limit(row: RgLimit) -> LimitInfo:
    return LimitInfo(
        limit_type=row.limit_type, period=row.period, amount_minor=row.amount_minor,
        pending_amount_minor=row.pending_amount_minor, pending_remove=bool(row.pending_remove),
        pending_effective_at=row.pending_effective_at,
    )


def exclusion_end(period: str, start: datetime) -> Optional[datetime]:
    return {
        "24h": lambda: start + timedelta(hours=24),
        "7d": lambda: start + timedelta(days=7),
        "30d": lambda: start + timedelta(days=30),
        "6m": lambda: start + relativedelta(months=6),
        "permanent": lambda: None,
    }[period]()


class BackOffice:
    """Domain-named access to players, money, verification, bonuses, limits and tickets."""

    def __init__(self, settings: ActionSettings, database: Optional[Database] = None) -> None:
        self.settings = settings
        self.db = database or Database(settings)

    # ------------------------------------------------------------------ players

    @_guarded
    def player(self, player_id: str) -> Optional[PlayerInfo]:
        with self.db.session() as s:
            row = s.get(Player, player_id)
            if row is None:
                return None
            return PlayerInfo(row.id, row.name, row.email, row.phone, bool(row.locked))

    @_guarded
    def lock_account(self, player_id: str, *, reason: str, conversation_id: Optional[str] = None) -> bool:
        """Lock the player's account. Returns False when it was already locked."""
        with self.db.session() as s, s.begin():
            row = s.get(Player, player_id)
            if row is None:
                raise BackOfficeUnavailable(f"unknown player {player_id}")
            was_locked = bool(row.locked)
            row.locked = True
            self._audit(s, "player", player_id, "account_locked", player_id,
                        {"reason": reason, "already_locked": was_locked,
                         "conversation_id": conversation_id, "via": "bot"})
            return not was_locked

    # ------------------------------------------------------------------ transactions

    @_guarded
    def transactions_of(
        self,
        player_id: str,
        *,
        kinds: Optional[Iterable[str]] = None,
        methods: Optional[Iterable[str]] = None,
        limit: int = 5,
    ) -> Sequence[TransactionInfo]:
        """The player's most recent transactions, newest first."""
        query = select(Transaction).where(Transaction.player_id == player_id)
        if kinds:
            query = query.where(Transaction.kind.in_(list(kinds)))
        if methods:
            query = query.where(Transaction.method.in_(list(methods)))
        query = query.order_by(Transaction.created_at.desc(), Transaction.id.desc()).limit(limit)
        with self.db.session() as s:
            return [_tx(row) for row in s.execute(query).scalars()]

    @_guarded
    def transaction_for(
        self, player_id: str, transaction_id: str, *, conversation_id: Optional[str] = None
    ) -> Optional[TransactionInfo]:
        """The transaction if it belongs to ``player_id``; otherwise None.

        A transaction of another player is treated exactly like an unknown one, and the
        attempt is written to the audit log.
        """
        with self.db.session() as s, s.begin():
            row = s.get(Transaction, transaction_id)
            if row is None:
                return None
            if row.player_id != player_id:
                self._audit(s, "player", player_id, "cross_player_lookup_denied", transaction_id,
                            {"object": "transaction", "conversation_id": conversation_id})
                return None
            return _tx(row)

    # ------------------------------------------------------------------ KYC

    @_guarded
    def kyc_of(self, player_id: str) -> Optional[KycInfo]:
        with self.db.session() as s:
            case = s.execute(
                select(KycCase).where(KycCase.player_id == player_id)
                .order_by(KycCase.updated_at.desc(), KycCase.id.desc()).limit(1)
            ).scalar_one_or_none()
            if case is None:
                return None
            docs = s.execute(
                select(KycDocument).where(KycDocument.case_id == case.id).order_by(KycDocument.id)
            ).scalars()
            return KycInfo(
                status=case.status, reason=case.reason, updated_at=case.updated_at,
                documents=tuple(DocumentInfo(d.document_type, d.status, d.note) for d in docs),
            )

    # ------------------------------------------------------------------ bonuses

    @_guarded
    def bonuses_of(self, player_id: str, *, limit: int = 5) -> Sequence[BonusInfo]:
        query = select(Bonus).where(Bonus.player_id == player_id)
        query = query.order_by(Bonus.created_at.desc(), Bonus.id.desc()).limit(limit)
        with self.db.session() as s:
            return [
                BonusInfo(b.name, b.status, b.amount_minor, b.wagering_required_minor,
                          b.wagering_done_minor, b.max_cashout_minor, b.reason, b.created_at,
                          b.expires_at)
                for b in s.execute(query).scalars()
            ]

    # ------------------------------------------------------------------ responsible gaming

    @staticmethod
    def _mature(row: RgLimit, now: datetime) -> None:
        """Apply a pending raise/removal whose 24 hours have passed."""
        if row.pending_effective_at is not None and row.pending_effective_at <= now:
            row.amount_minor = None if row.pending_remove else row.pending_amount_minor
            row.pending_amount_minor = None
            row.pending_remove = False
            row.pending_effective_at = None

    @_guarded
    def limits_of(self, player_id: str, *, limit_type: Optional[str] = None) -> Sequence[LimitInfo]:
        query = select(RgLimit).where(RgLimit.player_id == player_id)
        if limit_type:
            query = query.where(RgLimit.limit_type == limit_type)
        now = utcnow()
        with self.db.session() as s, s.begin():
            rows = list(s.execute(query.order_by(RgLimit.id)).scalars())
            for row in rows:
                self._mature(row, now)
            return [_limit(r) for r in rows if r.amount_minor is not None or r.pending_effective_at]

    @_guarded
    def limit_of(self, player_id: str, period: str, limit_type: str = "deposit") -> Optional[LimitInfo]:
        for item in self.limits_of(player_id, limit_type=limit_type):
            if item.period == period:
                return item
        return None

    @_guarded
    def set_limit(self, player_id: str, period: str, amount_minor: Optional[int], *,
                  limit_type: str = "deposit", conversation_id: Optional[str] = None) -> LimitChange:
        """Set (amount) or remove (None) a limit. Tighter: now. Looser: after 24 hours."""
        now = utcnow()
        with self.db.session() as s, s.begin():
            row = s.execute(
                select(RgLimit).where(RgLimit.player_id == player_id,
                                      RgLimit.limit_type == limit_type,
                                      RgLimit.period == period)
            ).scalar_one_or_none()
            if row is None:
                row = RgLimit(player_id=player_id, limit_type=limit_type, period=period,
                              amount_minor=None, pending_remove=False)
                s.add(row)
            self._mature(row, now)
            current = row.amount_minor

            def clear_pending() -> None:
                row.pending_amount_minor = None
                row.pending_remove = False
                row.pending_effective_at = None

            if amount_minor is None:
                if current is None:
                    clear_pending()
                    outcome, effective = "nothing_to_remove", now
                else:
                    row.pending_amount_minor = None
                    row.pending_remove = True
                    row.pending_effective_at = effective = now + LIMIT_CHANGE_DELAY
                    outcome = "removed"
            elif current is None or amount_minor < current:
                row.amount_minor = amount_minor
                clear_pending()
                outcome, effective = ("set" if current is None else "lowered"), now
            elif amount_minor == current:
                clear_pending()
                outcome, effective = "unchanged", now
            else:
                row.pending_amount_minor = amount_minor
                row.pending_remove = False
                row.pending_effective_at = effective = now + LIMIT_CHANGE_DELAY
                outcome = "raised"
            row.updated_at = now
            self._audit(s, "player", player_id, "rg_limit_changed", f"{limit_type}:{period}", {
                "outcome": outcome, "previous_minor": current, "new_minor": amount_minor,
                "effective_at": effective.isoformat(), "conversation_id": conversation_id,
                "via": "bot"})
            return LimitChange(outcome, limit_type, period, current, amount_minor, effective)

    @_guarded
    def active_exclusion_of(self, player_id: str) -> Optional[ExclusionInfo]:
        now = utcnow()
        with self.db.session() as s:
            rows = s.execute(select(SelfExclusion).where(SelfExclusion.player_id == player_id)).scalars()
            active = [r for r in rows if r.ends_at is None or r.ends_at > now]
            if not active:
                return None
            best = max(active, key=lambda r: (r.ends_at is None, r.ends_at or now))
            return ExclusionInfo(best.period, best.starts_at, best.ends_at)

    @_guarded
    def exclude(self, player_id: str, period: str, *, conversation_id: Optional[str] = None) -> ExclusionResult:
        """Self-exclude the player for ``period``; a longer exclusion in force is never shortened."""
        now = utcnow()
        ends = exclusion_end(period, now)
        current = self.active_exclusion_of(player_id)
        if current is not None and (current.ends_at is None or (ends is not None and current.ends_at >= ends)):
            with self.db.session() as s, s.begin():
                self._audit(s, "player", player_id, "self_exclusion_kept", player_id, {
                    "requested": period, "kept": current.period, "conversation_id": conversation_id})
            return ExclusionResult(False, current)
        with self.db.session() as s, s.begin():
            s.add(SelfExclusion(player_id=player_id, period=period, starts_at=now, ends_at=ends,
                                source="bot", created_at=now))
            self._audit(s, "player", player_id, "self_exclusion_applied", player_id, {
                "period": period, "ends_at": ends.isoformat() if ends else None,
                "conversation_id": conversation_id, "via": "bot"})
        return ExclusionResult(True, ExclusionInfo(period, now, ends))

    # ------------------------------------------------------------------ agents

    @_guarded
    def agent_languages(self) -> frozenset:
        """The languages at least one active agent serves players in."""
        with self.db.session() as s:
            rows = s.execute(select(Agent.languages).where(Agent.active.is_(True))).scalars()
            return frozenset(lang.strip() for value in rows for lang in (value or "tr").split(",") if lang.strip())

    # ------------------------------------------------------------------ tickets and audit

    @_guarded
    def open_ticket(
        self,
        kind: str,
        *,
        priority: str = "normal",
        player_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        subject: Optional[str] = None,
        description: Optional[str] = None,
        transaction_id: Optional[str] = None,
        contact_phone: Optional[str] = None,
        contact_email: Optional[str] = None,
        preferred_window: Optional[str] = None,
        due_at: Optional[datetime] = None,
        details: Optional[dict] = None,
        topic: Optional[str] = None,
    ) -> TicketInfo:
        """Open a ticket with its SLA due time (``sla.SLA_TARGETS``, unless ``due_at`` is given), its
        first status-history row and, for the kinds answered by mail, the confirmation mail queued
        for the gateway's mail worker — all in one transaction."""
        now = utcnow()
        due = due_at or sla.due(kind, priority, now)
        with self.db.session() as s, s.begin():
            reference = self._new_reference(s, kind, now)
            ticket = Ticket(
                reference=reference, kind=kind, priority=priority, status="open",
                player_id=player_id, conversation_id=conversation_id, subject=subject,
                description=description, transaction_id=transaction_id,
                contact_phone=contact_phone, contact_email=contact_email,
                preferred_window=preferred_window, due_at=due, topic=topic or TICKET_TOPICS.get(kind),
                details=json.dumps(details or {}, ensure_ascii=False), created_at=now, updated_at=now,
            )
            s.add(ticket)
            s.flush()
            s.add(TicketEvent(ticket_id=ticket.id, at=now, status_from=None, status_to="open", due_at=due,
                              actor_type="player" if player_id else "bot", actor_id=player_id,
                              note="created"))
            mailed = bool(contact_email) and kind in mails.CONFIRMED_KINDS
            if mailed:
                name = s.get(Player, player_id).name if player_id and s.get(Player, player_id) else None
                mail_subject, body = mails.confirmation(reference, kind, subject, due, name)
                s.add(TicketMessage(ticket_id=ticket.id, at=now, direction="out", author_type="system",
                                    to_addr=contact_email, subject=mail_subject, body=body,
                                    mail_state="queued", attempts=0))
            self._audit(s, "player" if player_id else "bot", player_id or "guest", "ticket_opened",
                        reference, {"kind": kind, "priority": priority, "due_at": due.isoformat(),
                                    "conversation_id": conversation_id, "mailed": mailed})
            return TicketInfo(reference, kind, priority, now, due, mailed)

    @_guarded
    def tickets_of(self, player_id: str, *, kinds: Optional[Iterable[str]] = None,
                   limit: int = 5) -> Sequence[TicketStatusInfo]:
        """The player's own requests: those still open first, then the newest."""
        query = select(Ticket).where(Ticket.player_id == player_id)
        if kinds:
            query = query.where(Ticket.kind.in_(list(kinds)))
        with self.db.session() as s:
            rows = list(s.execute(query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(50)).scalars())
        rows.sort(key=lambda r: r.status == "closed")  # stable: newest first within each group
        return [_ticket_status(r) for r in rows[:limit]]

    @_guarded
    def ticket_for(self, player_id: str, reference: str, *,
                   conversation_id: Optional[str] = None) -> Optional[TicketStatusInfo]:
        """The ticket if it is the player's; another player's is treated like an unknown one (audited)."""
        with self.db.session() as s, s.begin():
            row = s.execute(select(Ticket).where(Ticket.reference == reference)).scalar_one_or_none()
            if row is None:
                return None
            if row.player_id != player_id:
                self._audit(s, "player", player_id, "cross_player_lookup_denied", reference,
                            {"object": "ticket", "conversation_id": conversation_id})
                return None
            return _ticket_status(row)

    # ------------------------------------------------------------------ ratings (CSAT, NPS)

    @_guarded
    def record_csat(self, score: int, *, conversation_id: str, player_id: Optional[str],
                    topic: Optional[str], human: bool, agent_username: Optional[str],
                    handoff_id: Optional[str]) -> FeedbackInfo:
        """The 1–5 rating of a conversation (of its resolved hand-off ``handoff_id`` when a person
        was involved): one row per conversation and hand-off; a changed answer replaces the score."""
        if not 1 <= score <= 5:
            raise ValueError("CSAT is 1–5")
        key = f"csat:{conversation_id}:{handoff_id or 'bot'}"
        now = utcnow()
        with self.db.session() as s, s.begin():
            row = s.execute(select(Feedback).where(Feedback.dedupe_key == key)).scalar_one_or_none()
            changed = row is None or row.score != score
            if row is None:
                row = Feedback(kind="csat", dedupe_key=key, conversation_id=conversation_id, player_id=player_id,
                               topic=topic, human=human, agent_username=agent_username, asked_at=None,
                               created_at=now)
                s.add(row)
            row.score, row.answered_at = score, now
            if changed:
                self._audit(s, "player" if player_id else "bot", player_id or "guest", "csat_recorded",
                            conversation_id, {"score": score, "human": human, "agent": agent_username})
            return _feedback(row, changed)

    @_guarded
    def nps_due(self, player_id: str) -> bool:
        """True when the player was not asked the NPS question in the last 90 days."""
        since = utcnow() - NPS_INTERVAL
        with self.db.session() as s:
            asked = s.execute(select(func.count()).select_from(Feedback).where(
                Feedback.kind == "nps", Feedback.player_id == player_id,
                func.coalesce(Feedback.asked_at, Feedback.created_at) > since)).scalar_one()
        return asked == 0

    @_guarded
    def ask_nps(self, player_id: str, conversation_id: str, *, topic: Optional[str] = None,
                human: bool = False, agent_username: Optional[str] = None) -> bool:
        """Record that the NPS question is asked now, if it is due; False when it is not."""
        since = utcnow() - NPS_INTERVAL
        now = utcnow()
        with self.db.session() as s, s.begin():
            recent = s.execute(select(func.count()).select_from(Feedback).where(
                Feedback.kind == "nps", Feedback.player_id == player_id,
                func.coalesce(Feedback.asked_at, Feedback.created_at) > since)).scalar_one()
            if recent:
                return False
            s.add(Feedback(kind="nps", score=None, dedupe_key=f"nps:{player_id}:{conversation_id}",
                           conversation_id=conversation_id, player_id=player_id, topic=topic, human=human,
                           agent_username=agent_username, asked_at=now, created_at=now))
            return True

    @_guarded
    def record_nps(self, score: int, *, player_id: str, conversation_id: str) -> Optional[FeedbackInfo]:
        """The 0–10 answer to the NPS question asked in this conversation; None if none was asked."""
        if not 0 <= score <= 10:
            raise ValueError("NPS is 0–10")
        with self.db.session() as s, s.begin():
            row = s.execute(select(Feedback).where(
                Feedback.dedupe_key == f"nps:{player_id}:{conversation_id}")).scalar_one_or_none()
            if row is None:
                return None
            changed = row.score != score
            row.score, row.answered_at = score, utcnow()
            if changed:
                self._audit(s, "player", player_id, "nps_recorded", conversation_id, {"score": score})
            return _feedback(row, changed)

    @staticmethod
    def _new_reference(s, kind: str, now: datetime) -> str:
        prefix = TICKET_PREFIXES.get(kind, "DST")
        for _ in range(5):
            code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
            reference = f"{prefix}-{now:%y%m%d}-{code}"
            if s.execute(select(func.count()).select_from(Ticket)
                         .where(Ticket.reference == reference)).scalar_one() == 0:
                return reference
        raise BackOfficeUnavailable("could not allocate a ticket reference")

    @staticmethod
    def _audit(s, actor_type: str, actor_id: Optional[str], action: str,
               target: Optional[str], details: Optional[dict]) -> None:
        s.add(AuditLog(at=utcnow(), actor_type=actor_type, actor_id=actor_id, action=action,
                       target=target, details=json.dumps(details or {}, ensure_ascii=False,
                                                         default=str)))
