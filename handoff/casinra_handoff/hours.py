"""Live-support hours, in Istanbul time: ``"09:00-18:00,20:00-24:00"``; a range may wrap midnight."""
from __future__ import annotations

import datetime as dt

from casinra_contracts.timezone import ISTANBUL


def parse_hours(spec: str) -> list[tuple[int, int]]:
    """`"09:00-18:00,20:00-24:00"` → [(540, 1080), (1200, 1440)] minutes of the day."""
    out = []
    for part in spec.split(","):
        part = part.strip()
        try:
            a, b = part.split("-")
            ha, ma = (int(x) for x in a.split(":"))
            hb, mb = (int(x) for x in b.split(":"))
        except ValueError as exc:
            raise ValueError(f"bad support-hours range {part!r}, expected HH:MM-HH:MM") from exc
        start, end = ha * 60 + ma, hb * 60 + mb
        if not (0 <= start <= 1440 and 0 <= end <= 1440):
            raise ValueError(f"bad support-hours range {part!r}")
        out.append((start, end))
    return out


def open_at(spec: str, now: dt.datetime | None = None) -> bool:
    """Whether live support is open at `now` (default: now)."""
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(ISTANBUL)
    minute = now.hour * 60 + now.minute
    for start, end in parse_hours(spec):
        if start <= end:
            if start <= minute < end:
                return True
        elif minute >= start or minute < end:  # wraps midnight, e.g. 22:00-06:00
            return True
    return False
