"""Who is talking: only the trusted channel's message metadata decides.

The gateway verifies the site's signed token and passes ``player_id`` / ``player_name`` as
metadata of the user message over the signed channel.  Slots and message text are never
consulted: a player can type anything, but cannot forge metadata.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa_sdk import Tracker

_PLAYER_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


def _identity_metadata(tracker: Tracker) -> Dict[str, Any]:
    """Metadata of the latest user message; for a message without any metadata (an
    external intent triggered by the gateway) the most recent user message of the same
    session that carried metadata."""
    latest = tracker.latest_message or {}
    metadata = latest.get("metadata") or {}
    if metadata:
        return metadata
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind == "session_started":
            break
        if kind == "user":
            candidate = event.get("metadata") or (event.get("parse_data") or {}).get("metadata") or {}
            if candidate:
                return candidate
    return {}


def player_id_of(tracker: Tracker) -> Optional[str]:
    """The signed-in player's id, or None for a guest."""
    value = _identity_metadata(tracker).get("player_id")
    if isinstance(value, str) and _PLAYER_ID.match(value.strip()):
        return value.strip()
    return None


def player_name_of(tracker: Tracker) -> Optional[str]:
    """The signed-in player's display name (only when there is a player id)."""
    metadata = _identity_metadata(tracker)
    if not player_id_of(tracker):
        return None
    name = metadata.get("player_name")
    return name.strip()[:120] if isinstance(name, str) and name.strip() else None

