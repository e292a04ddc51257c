"""The bot ↔ gateway hand-off contract.

The bot asks for a person with one message whose ``custom`` is ``{"handoff": {...}}`` (a
:class:`Handoff`); it promises nothing itself. The gateway, which knows whether an agent is
available, tells the player: either one "you are in the queue" notice, or it triggers
``EXTERNAL_AGENTS_UNAVAILABLE`` and the bot offers an e-mail ticket or a callback. When the agent
resolves the chat the gateway resumes the bot with ``EXTERNAL_HANDOFF_RESOLVED``.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Optional

from .topics import DEFAULT_REASON, DEFAULT_TOPIC, LANGUAGES, PRIORITIES, REASONS, RISKS, TOPICS

CUSTOM_KEY = "handoff"
EXTERNAL_HANDOFF_RESOLVED = "EXTERNAL_handoff_resolved"
EXTERNAL_AGENTS_UNAVAILABLE = "EXTERNAL_agents_unavailable"
UNAVAILABLE_REASONS = ("offline", "out_of_hours")

SUMMARY_MAX = 500


@dataclass(frozen=True)
class Handoff:
    topic: str = DEFAULT_TOPIC          # a key of topics.TOPICS
    reason: str = DEFAULT_REASON        # a key of topics.REASONS
    priority: str = "normal"            # urgent | high | normal
    summary: str = ""                   # one Turkish sentence for the agent (PII masked)
    intent: Optional[str] = None        # what the player needed (an intent name)
    risk: Optional[str] = None          # a key of topics.RISKS, for safety escalations
    language: str = "tr"                # the language the player writes in
    references: tuple[str, ...] = field(default_factory=tuple)  # records the bot created (tickets, reports)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["references"] = list(self.references)
        return data

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> "Handoff":
        """Validate what arrived: unknown values fall back to safe defaults, text is bounded."""
        def pick(key: str, allowed: Mapping[str, Any], default: Optional[str]) -> Optional[str]:
            value = raw.get(key)
            return value if isinstance(value, str) and value in allowed else default

        risk = pick("risk", RISKS, None)
        priority = "urgent" if risk else pick("priority", PRIORITIES, "normal")
        intent = raw.get("intent")
        refs = raw.get("references") or ()
        return cls(
            topic=pick("topic", TOPICS, DEFAULT_TOPIC) or DEFAULT_TOPIC,
            reason=pick("reason", REASONS, DEFAULT_REASON) or DEFAULT_REASON,
            priority=priority or "normal",
            summary=str(raw.get("summary") or "")[:SUMMARY_MAX],
            intent=intent if isinstance(intent, str) and re.fullmatch(r"[a-z_/]{1,64}", intent) else None,
            risk=risk,
            language=pick("language", LANGUAGES, "tr") or "tr",
            references=tuple(str(r)[:32] for r in refs if isinstance(r, str))[:5] if isinstance(refs, (list, tuple)) else (),
        )

    def message(self) -> dict[str, Any]:
        """The bot message that carries this request (Rasa's ``json_message``)."""
        return {CUSTOM_KEY: self.to_dict()}


def handoff_in(message: Mapping[str, Any]) -> Optional[Handoff]:
    """The hand-off request inside one bot message (Rasa's output), if any."""
    custom = message.get("custom")
    if isinstance(custom, Mapping) and isinstance(custom.get(CUSTOM_KEY), Mapping):
        return Handoff.from_dict(custom[CUSTOM_KEY])
    return None


# ------------------------------------------------------------------------------------ ratings
RATING_INTENT = "rate"
_RATING_PAYLOAD = re.compile(r'^/rate\{\s*"rating"\s*:\s*"?([1-5])"?\s*\}$')


def rating_payload(score: int) -> str:
    """The button payload of a 1–5 rating: ``/rate{"rating":"4"}``."""
    return f"/{RATING_INTENT}" + json.dumps({"rating": str(int(score))}, separators=(",", ":"))


def rating_buttons() -> list[dict[str, str]]:
    return [{"title": str(n), "payload": rating_payload(n)} for n in range(1, 6)]


def rating_from_payload(payload: str) -> Optional[int]:
    match = _RATING_PAYLOAD.match(payload.strip())
    return int(match.group(1)) if match else None
