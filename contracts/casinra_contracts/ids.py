"""Identifiers that cross services: transaction, player and conversation ids."""
from __future__ import annotations

import re
from typing import Optional

# Back-office transaction ids look like TX-10482733; players also write tx10482733, "TX 10482733",
# #10482733 or just the 8 digits.
TRANSACTION_ID_RE = re.compile(r"(?<![\w-])(?:tx\s*[-_]?\s*)?#?(\d{8})(?![\w])", re.IGNORECASE)
_EXACT_TRANSACTION_ID = re.compile(r"\s*(?:tx\s*[-_ ]?\s*)?#?(\d{8})\s*", re.IGNORECASE)

PLAYER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
CONVERSATION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def normalise_transaction_id(raw: object) -> Optional[str]:
    """A value that is exactly one transaction id, in any written form → ``TX-10482733``; else None."""
    if raw is None:
        return None
    match = _EXACT_TRANSACTION_ID.fullmatch(str(raw))
    return f"TX-{match.group(1)}" if match else None


def transaction_ids_in(text: object) -> list[str]:
    """Every transaction id written anywhere in a text, normalised, in order, without repeats."""
    if text is None:
        return []
    seen: list[str] = []
    for match in TRANSACTION_ID_RE.finditer(str(text)):
        tx = f"TX-{match.group(1)}"
        if tx not in seen:
            seen.append(tx)
    return seen


def transaction_id_in(text: object) -> Optional[str]:
    """The first transaction id in a text, normalised, or None."""
    found = transaction_ids_in(text)
    return found[0] if found else None


def is_player_id(value: object) -> bool:
    return isinstance(value, str) and bool(PLAYER_ID_RE.match(value))


def is_conversation_id(value: object) -> bool:
    return isinstance(value, str) and bool(CONVERSATION_ID_RE.match(value))
