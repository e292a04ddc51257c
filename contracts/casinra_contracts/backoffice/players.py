"""What an agent may read about a player: the gateway's one read interface over the back-office.

Profile, latest KYC case and recent transactions, ready for the agent's context panel: contact
details partly masked, free text masked with :mod:`casinra_contracts.pii`, money formatted with
:func:`casinra_contracts.money.format_money`, codes with their Turkish labels, times as ISO 8601
UTC. Synchronous (SQLAlchemy Core); the gateway calls it from a worker thread.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, TypedDict

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..money import format_money
from ..pii import mask_email, mask_phone, mask_text, name_parts
from .labels import KYC_STATUS_LABELS, TX_KIND_LABELS, TX_METHOD_LABELS, TX_STATUS_LABELS, label
from .schema import kyc_cases, players, transactions

RECENT_TRANSACTIONS = 10


class PlayerRef(TypedDict):
    id: str
    name: str


class Profile(PlayerRef):
    email: Optional[str]
    phone: Optional[str]
    locked: bool
    created_at: Optional[str]


class Kyc(TypedDict):
    status: str
    status_label: Optional[str]
    reason: Optional[str]
    updated_at: Optional[str]


class TransactionView(TypedDict):
    id: str
    kind: str
    kind_label: Optional[str]
    method: str
    method_label: Optional[str]
    amount_minor: int
    amount: Optional[str]
    currency: str
    status: str
    status_label: Optional[str]
    reason: Optional[str]
    created_at: Optional[str]
    updated_at: Optional[str]


class PlayerContext(TypedDict):
    profile: Optional[Profile]
    kyc: Optional[Kyc]
    transactions: list[TransactionView]


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _masked(text: Optional[str], names: list[str]) -> Optional[str]:
    return mask_text(text, names) if text else text


class Players:
    """Read-only queries over ``players``, ``kyc_cases`` and ``transactions``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def first(self, limit: int) -> list[PlayerRef]:
        """The first players by id (the demo page lists them)."""
        with self.engine.connect() as c:
            rows = c.execute(select(players.c.id, players.c.name).order_by(players.c.id).limit(limit)).all()
        return [PlayerRef(id=r.id, name=r.name) for r in rows]

    def context(self, player_id: str, tx_limit: int = RECENT_TRANSACTIONS) -> PlayerContext:
        """Profile, latest KYC case and the newest transactions; empty for an unknown player."""
        with self.engine.connect() as c:
            p = c.execute(select(players).where(players.c.id == player_id)).mappings().first()
            k = c.execute(
                select(kyc_cases).where(kyc_cases.c.player_id == player_id)
                .order_by(kyc_cases.c.updated_at.desc(), kyc_cases.c.id.desc()).limit(1)
            ).mappings().first()
            txs = c.execute(
                select(transactions).where(transactions.c.player_id == player_id)
                .order_by(transactions.c.created_at.desc(), transactions.c.id.desc()).limit(tx_limit)
            ).mappings().all()
        names = name_parts(p["name"]) if p else []
        return PlayerContext(
            profile=_profile(p) if p else None,
            kyc=Kyc(status=k["status"], status_label=label(KYC_STATUS_LABELS, k["status"]),
                    reason=_masked(k["reason"], names), updated_at=_iso(k["updated_at"])) if k else None,
            transactions=[_transaction(t, names) for t in txs],
        )


def _profile(p: Any) -> Profile:
    return Profile(id=p["id"], name=p["name"], email=mask_email(p["email"]), phone=mask_phone(p["phone"]),
                   locked=bool(p["locked"]), created_at=_iso(p["created_at"]))


def _transaction(t: Any, names: list[str]) -> TransactionView:
    return TransactionView(
        id=t["id"], kind=t["kind"], kind_label=label(TX_KIND_LABELS, t["kind"]),
        method=t["method"], method_label=label(TX_METHOD_LABELS, t["method"]),
        amount_minor=t["amount_minor"], amount=format_money(t["amount_minor"], t["currency"]),
        currency=t["currency"], status=t["status"], status_label=label(TX_STATUS_LABELS, t["status"]),
        reason=_masked(t["reason"], names), created_at=_iso(t["created_at"]), updated_at=_iso(t["updated_at"]),
    )
