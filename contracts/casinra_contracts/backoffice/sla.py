"""Service levels of tickets: one table of targets by kind and priority, and what they mean.

A ticket owes the player an answer from the moment it is opened (or reopened by the player's
reply) until an agent answers or closes it; ``due_at`` is that moment plus the target below. The
targets follow the operator's promises: e-mail answers in 24–72 hours, callbacks within the
working day, KVKK requests within the law's 30 days, fraud reports at once.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

HOUR = timedelta(hours=1)

# (kind, priority) → time to answer
SLA_TARGETS: dict[tuple[str, str], timedelta] = {
    ("email", "urgent"): 4 * HOUR, ("email", "high"): 24 * HOUR, ("email", "normal"): 72 * HOUR,
    ("callback", "urgent"): 1 * HOUR, ("callback", "high"): 2 * HOUR, ("callback", "normal"): 4 * HOUR,
    ("complaint", "urgent"): 4 * HOUR, ("complaint", "high"): 24 * HOUR, ("complaint", "normal"): 48 * HOUR,
    ("fraud", "urgent"): 1 * HOUR, ("fraud", "high"): 4 * HOUR, ("fraud", "normal"): 24 * HOUR,
    ("privacy", "urgent"): 72 * HOUR, ("privacy", "high"): 15 * 24 * HOUR, ("privacy", "normal"): 30 * 24 * HOUR,
    ("bonus_dispute", "urgent"): 4 * HOUR, ("bonus_dispute", "high"): 48 * HOUR,
    ("bonus_dispute", "normal"): 72 * HOUR,
}
DEFAULT_TARGET = 72 * HOUR
# a ticket is "at risk" when less than this share of its target is left
AT_RISK_SHARE = 0.2
# statuses in which the player waits for us (the SLA clock runs)
OWED_STATUSES = ("open", "in_progress")

TICKET_KIND_LABELS = {
    "email": "E-posta talebi",
    "callback": "Geri arama",
    "complaint": "Şikâyet",
    "fraud": "Dolandırıcılık bildirimi",
    "privacy": "KVKK başvurusu",
    "bonus_dispute": "Bonus itirazı",
}
TICKET_STATUS_LABELS = {
    "open": "açık",
    "in_progress": "inceleniyor",
    "answered": "yanıtlandı",
    "closed": "kapatıldı",
}
SLA_STATE_LABELS = {"ok": "Süresinde", "at_risk": "Süresi dolmak üzere", "breached": "Süresi geçti",
                    "none": "Süre işlemiyor"}
# reference prefixes (the subject of every mail carries the reference)
TICKET_PREFIXES = {"fraud": "DLD", "privacy": "KVKK", "callback": "ARA", "email": "EPT", "complaint": "SKY",
                   "bonus_dispute": "ITR"}


def target(kind: str, priority: str) -> timedelta:
    """The time to answer a ticket of this kind and priority."""
    return SLA_TARGETS.get((kind, priority), DEFAULT_TARGET)


def due(kind: str, priority: str, start: datetime) -> datetime:
    return start + target(kind, priority)


def state(status: str, due_at: Optional[datetime], now: datetime, kind: str, priority: str) -> str:
    """'breached' (past due, unanswered), 'at_risk' (less than 20 % of the target left), 'ok', or
    'none' (nothing owed: answered or closed)."""
    if status not in OWED_STATUSES or due_at is None:
        return "none"
    left = due_at - now
    if left <= timedelta(0):
        return "breached"
    return "at_risk" if left <= target(kind, priority) * AT_RISK_SHARE else "ok"
