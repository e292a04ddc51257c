"""Follow-ups read in the topic of the conversation: "neden?", "ne kadar sürer peki",
"tekrar denesem mi?", "ehliyet olur mu?" after an answer.

The topic is the player's latest substantive question (its intent); the aspect comes from the
follow-up's words (`ASPECTS`). The answer is the response `utter_followup_<intent>_<aspect>`
(else `utter_followup_<intent>_general`), filled with the facts the back-office holds now (the
player's latest withdrawal, deposit, verification, request). The content team writes these
responses in domain.yml; a pair without one gets an honest "a person can tell you more" offer.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from datetime import timedelta

from actions.backoffice.repository import BackOfficeUnavailable
from actions.backoffice.service import ask
from actions.common import HUMAN_BUTTON, latest_text
from actions.identity import player_id_of
from actions.transactions import EWALLETS
from casinra_contracts.backoffice.labels import TX_METHOD_LABELS, TX_STATUS_LABELS, label
from casinra_contracts.dates import add_business_days, format_date, format_datetime
from casinra_contracts.money import format_money
from casinra_contracts.text import fold_words
from casinra_contracts.topics import INTENTS, NEUTRAL_INTENTS

FOLLOW_UP = "follow_up"
# aspect → words that ask for it (folded); the first aspect that matches wins
ASPECTS: List[Tuple[str, Tuple[str, ...]]] = [
    ("accepted", ("olur mu", "kabul", "gecerli mi", "sayilir mi", "yeterli mi", "olmaz mi")),
    ("duration", ("ne kadar sur", "kac gun", "kac saat", "ne zaman", "ne zamana", "surer", "sure", "bitmesi",
                  "biter", "gecer mi", "how long", "when")),
    ("retry", ("tekrar dene", "yeniden dene", "bir daha dene", "tekrar yatir", "yeniden yatir", "tekrar gonder")),
    ("cost", ("ucret", "komisyon", "masraf", "kesinti", "fee")),
    ("why", ("neden", "niye", "nicin", "sebep", "nasil olur", "why")),
    ("next", ("ne yap", "nasil", "napay", "ne etmem", "what should", "what now")),
]
ACCEPTED_DOCUMENTS = {"kimlik", "pasaport", "ehliyet", "adres belgesi"}
# a FAQ topic's own answer to an aspect (`utter_<topic>/<sub-answer>`), used when no follow-up is written
ASPECT_ANSWERS = {"cost": "fees", "duration": "duration", "why": "why", "accepted": "documents",
                  "next": "process", "retry": "methods"}


def aspect_of(text: str) -> str:
    folded = fold_words(text)
    for aspect, words in ASPECTS:
        if any(re.search(rf"(?<![a-z]){re.escape(w)}", folded) for w in words):
            return aspect
    return "general"


def previous_topic(tracker: Tracker) -> Optional[str]:
    """The intent of the player's latest substantive question before this message."""
    users = [e for e in tracker.events if e.get("event") == "user"][:-1]
    for event in reversed(users[-6:]):
        name = (((event.get("parse_data") or {}).get("intent") or {}).get("name") or "").split("/")[0]
        if name in INTENTS and name not in NEUTRAL_INTENTS and name != FOLLOW_UP:
            return name
    return None


def entity(tracker: Tracker, name: str) -> Optional[str]:
    for e in (tracker.latest_message or {}).get("entities") or []:
        if e.get("entity") == name and e.get("value"):
            return str(e["value"])
    return None


async def facts(tracker: Tracker, topic: str) -> Dict[str, Any]:
    """What the back-office holds now about the player's last question (empty for guests)."""
    player_id = player_id_of(tracker)
    if not player_id:
        return {}
    kind = {"withdrawal_status": "withdrawal", "deposit_missing": "deposit"}.get(topic)
    try:
        if kind:
            rows = await ask(lambda bo: bo.transactions_of(player_id, kinds=[kind], limit=1))
            return transaction_facts(rows[0]) if rows else {}
        if topic == "kyc_status":
            kyc = await ask(lambda bo: bo.kyc_of(player_id))
            return {"kyc_status": kyc.status, "kyc_reason": kyc.reason or ""} if kyc else {}
        if topic == "bonus_status":
            bonuses = await ask(lambda bo: bo.bonuses_of(player_id, limit=1))
            if bonuses:
                b = bonuses[0]
                return {"bonus": b.name, "done": format_money(b.wagering_done_minor),
                        "remaining": format_money(max(0, b.wagering_required_minor - b.wagering_done_minor)),
                        "expires": format_date(b.expires_at) if b.expires_at else "belirtilmemiş"}
    except BackOfficeUnavailable:
        return {}
    return {}


def transaction_facts(tx: Any) -> Dict[str, Any]:
    """The latest transaction's facts for the follow-up texts (the due time by method)."""
    if tx.method == "bank_transfer":
        due = format_date(add_business_days(tx.created_at, 5))
    elif tx.method in EWALLETS:
        due = format_datetime(tx.created_at + timedelta(hours=24))
    else:
        due = "birkaç iş günü içinde"
    return {"tx_id": tx.id, "amount": format_money(tx.amount_minor), "method": tx.method,
            "method_label": label(TX_METHOD_LABELS, tx.method), "status": tx.status,
            "status_label": label(TX_STATUS_LABELS, tx.status), "created": format_date(tx.created_at),
            "due": due, "reason": (tx.reason or "kayıtlı bir sebep yok").strip().rstrip(".")}


def pick_response(domain: Dict[str, Any], topic: str, aspect: str, known: Dict[str, Any]) -> Optional[str]:
    responses = domain.get("responses") or {}
    candidates = []
    for key in ("status", "kyc_status", "method"):
        if known.get(key):
            candidates.append(f"utter_followup_{topic}_{aspect}_{known[key]}")
    candidates.append(f"utter_followup_{topic}_{aspect}")
    if aspect in ASPECT_ANSWERS:
        candidates.append(f"utter_{topic}/{ASPECT_ANSWERS[aspect]}")
    candidates.append(f"utter_followup_{topic}_general")
    return next((c for c in candidates if c in responses), None)


class ActionFollowUp(Action):
    def name(self) -> Text:
        return "action_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        topic = previous_topic(tracker)
        text = latest_text(tracker)
        aspect = aspect_of(text)
        if topic is None:
            dispatcher.utter_message(response="utter_followup_no_topic")
            return []
        document = entity(tracker, "document_type")
        if aspect == "accepted" and document and topic.startswith("kyc"):
            accepted = document in ACCEPTED_DOCUMENTS
            dispatcher.utter_message(response=f"utter_followup_kyc_document_{'yes' if accepted else 'no'}",
                                     document=document)
            return []
        known = await facts(tracker, topic)
        response = pick_response(domain, topic, aspect, known)
        if response is None:
            dispatcher.utter_message(response="utter_followup_unknown", buttons=[HUMAN_BUTTON])
            return []
        dispatcher.utter_message(response=response, **{k: v for k, v in known.items() if v is not None})
        return []
