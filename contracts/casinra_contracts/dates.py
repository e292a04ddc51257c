"""Dates and times in Turkish, in Istanbul time (formatted by Babel)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Union

from babel.dates import format_date as _babel_date

from .timezone import local

LOCALE = "tr_TR"


def format_date(value: Union[datetime, date]) -> str:
    """``'23 Kasım 2026'`` (a datetime is shown in Istanbul time)."""
    if isinstance(value, datetime):
        value = local(value).date()
    return _babel_date(value, "d MMMM y", locale=LOCALE)


def format_datetime(value: datetime) -> str:
    """``'23 Kasım 2026, 14:30'`` in Istanbul time."""
    value = local(value)
    return f"{format_date(value)}, {value:%H:%M}"


def add_business_days(start: datetime, days: int) -> datetime:
    """Add working days (Monday–Friday) in Istanbul time; public holidays are not modelled."""
    current = local(start)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def business_days_between(start: datetime, end: datetime) -> int:
    """Working days elapsed after ``start`` up to ``end``."""
    current, stop = local(start).date(), local(end).date()
    count = 0
    while current < stop:
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count
