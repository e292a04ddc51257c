"""When a parsed message is escalated at once as urgent. One rule for the conversation policy, the
evaluation and the content kit: the safety detector's mark (bot/safety_detector.py), or a message
the intent classifier itself puts under `report_fraud` (a pipeline without the detector, a button
payload, a test story)."""
from __future__ import annotations

from typing import Any, Mapping, Optional, Tuple

FRAUD_INTENT = "report_fraud"
FRAUD_INTENT_CONFIDENCE = 0.5


def _intent(parse: Mapping[str, Any]) -> Tuple[Optional[str], float]:
    intent = parse.get("intent")
    if isinstance(intent, Mapping):  # Rasa's parse: {"name", "confidence"}
        return intent.get("name"), float(intent.get("confidence") or 0.0)
    return intent, float(parse.get("confidence", 1.0) or 0.0)  # the content kit's flat parse


def escalates(parse: Mapping[str, Any]) -> bool:
    if parse.get("safety"):
        return True
    name, confidence = _intent(parse)
    return name == FRAUD_INTENT and confidence >= FRAUD_INTENT_CONFIDENCE
