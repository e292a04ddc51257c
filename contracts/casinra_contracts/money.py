"""Money as players write it and as we show it (Turkish conventions, formatted by Babel)."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Optional, Union

from babel.numbers import format_decimal

from .text import fold_words

LOCALE = "tr_TR"
_CURRENCY = re.compile(r"(₺|\btl\b|\btry\b|\blira\b|\bturk lirasi\b)")
_MULTIPLIERS = {"bin": 1000, "milyon": 1_000_000}


class AmountError(ValueError):
    """Why a text is not an amount: ``reason`` is 'negative', 'zero' or 'unreadable'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _number(token: str) -> Decimal:
    """``1.500,00`` / ``1,500.00`` / ``1500,5`` / ``1.500`` → Decimal."""
    if "," in token and "." in token:
        decimal_sep = "," if token.rfind(",") > token.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        token = token.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in token:
        token = token.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", token) else token.replace(",", ".")
    elif "." in token and re.fullmatch(r"\d{1,3}(\.\d{3})+", token):
        token = token.replace(".", "")
    return Decimal(token)


def parse_amount(text: object) -> Decimal:
    """``'1.500,00 TL'``, ``'₺1500'``, ``'2 bin'``, ``'1,5 bin TL'`` → Decimal lira, two places.

    Raises :class:`AmountError`."""
    folded = _CURRENCY.sub(" ", fold_words(text)).strip()
    negative = folded.startswith(("-", "eksi")) or bool(re.search(r"(^|\s)-\s*\d", folded))
    match = re.search(r"(\d[\d.,]*)\s*(bin|milyon)?\b", folded)
    if not match:
        if folded in _MULTIPLIERS:
            return Decimal(_MULTIPLIERS[folded]).quantize(Decimal("0.01"))
        raise AmountError("unreadable")
    try:
        value = _number(match.group(1).rstrip(".,"))
    except (InvalidOperation, ValueError):
        raise AmountError("unreadable") from None
    value *= _MULTIPLIERS.get(match.group(2) or "", 1)
    if negative:
        raise AmountError("negative")
    if value == 0:
        raise AmountError("zero")
    return value.quantize(Decimal("0.01"))


def normalise_amount(text: object) -> Optional[str]:
    """The canonical entity value: ``'1.500,00 TL'`` → ``'1500.00'``; None when unreadable."""
    try:
        return f"{parse_amount(text):.2f}"
    except AmountError as exc:
        return None if exc.reason == "unreadable" else _signed(text)


def _signed(text: object) -> Optional[str]:
    digits = re.search(r"\d[\d.,]*", str(text))
    try:
        return f"{_number(digits.group(0).rstrip('.,')):.2f}" if digits else None
    except (InvalidOperation, ValueError):
        return None


def to_minor(amount: Union[Decimal, str, int, float]) -> int:
    """Decimal lira → kuruş, rounded half up."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_money(amount_minor: Optional[int], currency: str = "TRY") -> Optional[str]:
    """``150000`` → ``'1.500,00 TL'`` (None stays None)."""
    if amount_minor is None:
        return None
    value = Decimal(int(amount_minor)) / 100
    unit = "TL" if currency == "TRY" else currency
    return f"{format_decimal(value, format='#,##0.00', locale=LOCALE)} {unit}"


def format_percent(done: int, required: int) -> str:
    """``'%46,8'``: Turkish puts the sign first and uses a decimal comma; capped at 100."""
    if required <= 0:
        return "%100"
    share = min(Decimal(done) / Decimal(required), Decimal(1))
    share = share.quantize(Decimal("0.001"), ROUND_HALF_UP)
    return "%" + format_decimal(share * 100, format="#,##0.#", locale=LOCALE)
