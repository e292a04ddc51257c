"""Mask personal data before it is logged, exported or stored for analytics."""
from __future__ import annotations

import re

_PATTERNS = [
    # e-mail addresses
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[e-posta]"),
    # IBAN: TR + 24 digits, spaces allowed
    (re.compile(r"\bTR\s?\d{2}(?:\s?\d{4}){5}\s?\d{2}\b", re.IGNORECASE), "[IBAN]"),
    # card numbers: 13–19 digits, optionally grouped by spaces or dashes
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), "[kart]"),
    # T.C. kimlik numarası: 11 digits, first not zero
    (re.compile(r"\b[1-9]\d{10}\b"), "[TCKN]"),
    # Turkish phone numbers: +90 / 0 prefix, 10 significant digits
    (re.compile(r"(?:\+90[\s-]?|\b0)?\(?5\d{2}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}\b"), "[telefon]"),
]


def mask_pii(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
