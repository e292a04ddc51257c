"""Masking of personal data before it is logged, stored for analytics or shown to the content team.

Card numbers, IBANs, T.C. kimlik numbers, phone numbers, e-mail addresses and (given) player
names. Transaction ids (``TX-10482733``, 8 digits) and ordinary amounts are left alone.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

EMAIL = "[e-posta]"
IBAN = "[IBAN]"
NATIONAL_ID = "[T.C. kimlik no]"
PHONE = "[telefon]"
NAME = "[ad]"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+\.)+[A-Za-z]{2,}")
_IBAN = re.compile(r"\bTR\s?\d{2}(?:\s?[0-9A-Z]){22}\b", re.IGNORECASE)
# Digits inside an identifier (a hex conversation id, a reference) are not personal data.
_CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
_NATIONAL_ID = re.compile(r"(?<!\w)[1-9]\d{10}(?!\w)")
_PHONE = re.compile(r"(?<![\w+])(?:\+?90[ -]?|0)?\(?5\d{2}\)?[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}(?!\d)")


def _card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if 13 <= len(digits) <= 19:
        return f"[kart ****{digits[-4:]}]"
    return match.group(0)


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    """The text with personal data replaced by labels such as ``[kart ****1234]``."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _IBAN.sub(IBAN, text)
    text = _CARD.sub(_card, text)
    text = _NATIONAL_ID.sub(NATIONAL_ID, text)
    text = _PHONE.sub(PHONE, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME, text, flags=re.IGNORECASE)
    return text


def mask(value: Any, names: Iterable[str] = ()) -> Any:
    """``mask_text`` applied to every string inside a JSON-like value."""
    names = tuple(names)
    if isinstance(value, str):
        return mask_text(value, names)
    if isinstance(value, dict):
        return {k: mask(v, names) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(v, names) for v in value]
    return value


def name_parts(full_name: str | None) -> list[str]:
    """A player's full name and each of its words, for ``names=``."""
    if not full_name:
        return []
    return [full_name, *full_name.split()]


def mask_email(email: str | None) -> str | None:
    """``ahmet@example.com`` → ``a***@example.com`` (for the agent's context panel)."""
    if not email or "@" not in email:
        return email
    user, _, domain = email.partition("@")
    return (user[:1] or "*") + "***@" + domain


def mask_phone(phone: str | None) -> str | None:
    """``+90 532 123 45 67`` → ``**********67``."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    return "*" * max(0, len(digits) - 2) + digits[-2:]
