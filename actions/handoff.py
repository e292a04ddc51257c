"""Hand-off to a live agent, and what the bot does when the gateway answers.

The request is one bot message whose `custom` is a `casinra_contracts.handoff.Handoff`: the
contract topic of what the player needs, that intent, why (a key of `topics.REASONS`), the
priority, a safety risk when one was detected, and a one-sentence summary for the agent.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.identity import player_id_of, player_name_of
from casinra_contracts import topics
from casinra_contracts.handoff import Handoff, rating_buttons
from casinra_contracts.pii import mask_text

# Set by the flows that know what the player needs before they ask for a person.
NEED_SLOT = "handoff_intent"
URGENT_INTENTS = {"report_fraud", "responsible_gaming"}
HIGH_INTENTS = {"bonus_dispute", "complaint", "withdrawal_status", "deposit_missing", "login_problem"}
# Why the player is handed over, by the latest intent, else by the intent of their need.
REASON_OF_INTENT = {
    "human_handoff": "player_request",
    "nlu_fallback": "repeated_fallback",
    "bonus_dispute": "dispute",
    "complaint": "complaint",
    "report_fraud": "fraud",
    "responsible_gaming": "responsible_gaming",
}


def _user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.events if e.get("event") == "user"]


def _intent_of(event: Dict[str, Any]) -> Optional[str]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def player_need(tracker: Tracker) -> Optional[str]:
    """The intent a flow recorded, else the latest intent of the last turns that names a need."""
    recorded = tracker.get_slot(NEED_SLOT)
    if recorded:
        return recorded
    for event in reversed(_user_events(tracker)[-6:]):
        intent = _intent_of(event)
        if intent in topics.INTENTS and intent not in topics.NEUTRAL_INTENTS:
            return intent
    return None


def handoff_request(tracker: Tracker, *, risk: Optional[str] = None,
                    references: Sequence[str] = ()) -> Handoff:
    """What the agent is told: `risk` as the caller detected it, else the NLU's safety mark;
    `references` of records the bot created for this conversation (tickets, reports)."""
    latest = tracker.latest_message or {}
    latest_intent = (latest.get("intent") or {}).get("name") or ""
    safety = latest.get("safety") if isinstance(latest.get("safety"), dict) else None
    intent = player_need(tracker) or (latest_intent if latest_intent in topics.INTENTS else None)
    if risk not in topics.RISKS:
        risk = None
    if safety and not risk:
        # the safety detector marks a risk; the older keyword component an intent
        risk = safety.get("risk") if safety.get("risk") in topics.RISKS else None
        intent = safety.get("intent") if safety.get("intent") in topics.INTENTS else intent
    if risk:
        intent = "report_fraud" if risk in topics.FRAUD_RISKS else "responsible_gaming"
    if safety or risk:
        reason = "safety"
    else:
        reason = REASON_OF_INTENT.get(latest_intent) or REASON_OF_INTENT.get(intent or "") or topics.DEFAULT_REASON
    topic = topics.RISKS[risk][0] if risk else (topics.topic_of(intent) or topics.DEFAULT_TOPIC)
    if safety or risk or intent in URGENT_INTENTS:
        priority = "urgent"
    elif intent in HIGH_INTENTS or reason == "repeated_fallback":
        priority = "high"
    else:
        priority = "normal"
    return Handoff(topic=topic, reason=reason, priority=priority, intent=intent, risk=risk,
                   summary=summary(tracker, intent, reason, risk), references=tuple(references),
                   language=language_of(tracker))


def language_of(tracker: Tracker) -> str:
    """The language the player asked to be served in, else the one they write in."""
    chosen = tracker.get_slot("language")
    if chosen in topics.LANGUAGES:
        return chosen
    written = (tracker.latest_message or {}).get("language")
    return written if written in topics.LANGUAGES else "tr"


def request_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, *, risk: Optional[str] = None,
                    references: Sequence[str] = ()) -> List[EventType]:
    """Ask the gateway for a person and pause the conversation; the events to return.

    The message carries only the `Handoff` payload: the gateway, which knows whether an agent is
    available, tells the player (one queue notice), or triggers `EXTERNAL_agents_unavailable`."""
    request = handoff_request(tracker, risk=risk, references=references)
    dispatcher.utter_message(json_message=request.message())
    return [SlotSet(NEED_SLOT, None), ConversationPaused()]


def summary(tracker: Tracker, intent: Optional[str], reason: str, risk: Optional[str] = None) -> str:
    """``'Ahmet Yılmaz (P1001): Çekim talebinin durumu (TX-10000001 numaralı işlem); son mesajı: “…”.'``"""
    player_id, name = player_id_of(tracker), player_name_of(tracker)
    who = f"{name} ({player_id})" if player_id and name else (player_id or "Giriş yapmamış bir ziyaretçi")
    if risk:
        need = topics.risk_label(risk)
    elif reason == "repeated_fallback":
        need = topics.reason_label(reason)
    else:
        need = topics.intent_label(intent) or topics.reason_label(reason)
    ids = {
        e.get("value") for event in _user_events(tracker)[-4:]
        for e in (event.get("parse_data") or {}).get("entities", []) if e.get("entity") == "transaction_id"
    }
    tx = f" ({', '.join(sorted(i for i in ids if i))} numaralı işlem)" if ids - {None} else ""
    last = _last_player_text(tracker)
    quote = f"; son mesajı: “{last}”" if last else ""
    return f"{who}: {need}{tx}{quote}."


def _last_player_text(tracker: Tracker, limit: int = 160) -> str:
    for event in reversed(_user_events(tracker)):
        text = (event.get("text") or "").strip()
        if text and not text.startswith("/"):
            text = re.sub(r"\s+", " ", mask_text(text))
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


class ActionHandoffRequest(Action):
    def name(self) -> Text:
        return "action_handoff_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return request_handoff(dispatcher, tracker)


class ActionHandoffResolved(Action):
    def name(self) -> Text:
        return "action_handoff_resolved"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        agent = tracker.get_slot("agent_name")
        name = player_name_of(tracker)
        hello = f"Tekrar merhaba {name.split()[0]}" if name else "Tekrar merhaba"
        by = f"{agent} ile görüşmeniz" if agent else "Temsilcimizle görüşmeniz"
        dispatcher.utter_message(
            text=f"{hello}, ben yine Casinra asistanıyım. {by} tamamlandı. "
            "Aldığınız desteği 1 (çok kötü) ile 5 (çok iyi) arasında puanlar mısınız?",
            buttons=rating_buttons(),
        )
        return []


class ActionAgentsUnavailable(Action):
    def name(self) -> Text:
        return "action_agents_unavailable"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if tracker.get_slot("unavailable_reason") == "out_of_hours":
            why = "şu anda canlı destek çalışma saatlerimizin dışındayız"
        else:
            why = "şu anda tüm müşteri temsilcilerimiz dolu ya da çevrim dışı"
        risk = tracker.get_slot("safety_risk")
        if risk in ("self_harm", "hopelessness", "family_harm"):
            # the emergency numbers again, before anything else
            dispatcher.utter_message(response="utter_safety_unavailable_crisis")
        elif risk in topics.FRAUD_RISKS and tracker.get_slot("safety_reference"):
            dispatcher.utter_message(response="utter_safety_unavailable")
        elif risk in topics.RISKS:
            dispatcher.utter_message(response="utter_safety_unavailable_gaming")
        dispatcher.utter_message(
            text=f"Özür dilerim, {why}. Talebinizi kaybetmemek için "
            "size e-posta ile destek kaydı açabilir (24–72 saat içinde yanıt) ya da sizi telefonla "
            "geri aratabilirim. Hangisini tercih edersiniz?",
            buttons=[
                {"title": "E-posta ile destek kaydı", "payload": "/email_ticket"},
                {"title": "Beni geri arayın", "payload": "/callback_request"},
            ],
        )
        return [SlotSet("unavailable_reason", None), SlotSet("safety_risk", None),
                SlotSet("safety_reference", None)]
