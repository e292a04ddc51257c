"""Mask personal data: e-mails, IBANs, card numbers, T.C. kimlik numbers, phone numbers.

Transaction ids (`TX-10482733`, 8 digits) and ordinary amounts are left alone.
"""
from __future__ import annotations

import re
from typing import Any

_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+\.)+[A-Za-z]{2,}")
_IBAN = re.compile(r"\bTR\s?\d{2}(?:\s?[0-9A-Z]){22}\b", re.IGNORECASE)
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_TCKN = re.compile(r"(?<!\d)[1-9]\d{10}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+?90[ -]?|0)?\(?5\d{2}\)?[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}(?!\d)")


def _luhn_ok(digits: str) -> bool:
    total, alt = 0, False
    for ch in reversed(digits):
        d = int(ch)
        if alt:
            d *= 2
            if d > 9:
                d -= 9
        total += d
        alt = not alt
    return total % 10 == 0


def _card(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    if 13 <= len(digits) <= 19 and _luhn_ok(digits):
        return "[KART ****" + digits[-4:] + "]"
    return m.group(0)


def mask_text(text: str) -> str:
    if not text:
        return text
    text = _EMAIL.sub(lambda m: m.group(1) + "***@***", text)
    text = _IBAN.sub("[IBAN]", text)
    text = _CARD.sub(_card, text)
    text = _TCKN.sub("[TCKN]", text)
    text = _PHONE.sub("[TELEFON]", text)
    return text


def mask(value: Any) -> Any:
    """Mask strings inside any JSON-like structure."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(v) for v in value]
    return value


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return email
    user, _, domain = email.partition("@")
    return (user[:1] or "*") + "***@" + domain


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    return ("*" * max(0, len(digits) - 2)) + digits[-2:]
