"""The operator's time zone."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

ISTANBUL = ZoneInfo("Europe/Istanbul")


def local(value: datetime) -> datetime:
    """An aware datetime in Istanbul time (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ISTANBUL)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
