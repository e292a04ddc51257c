"""Hand-off to a live agent, and what the bot does when the gateway answers."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.identity import player_id_of, player_name_of
from bot.pii import mask_pii

URGENT_TOPICS = {"report_fraud", "responsible_gaming"}
HIGH_TOPICS = {"bonus_dispute", "complaint", "withdrawal_status", "deposit_missing", "login_problem"}
# Intents that say nothing about what the player needs.
NEUTRAL_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "inform", "cancel", "rate",
    "bot_challenge", "out_of_scope", "nlu_fallback", "human_handoff",
}
REASONS = {
    "human_handoff": "player_request",
    "nlu_fallback": "repeated_fallback",
    "bonus_dispute": "bonus_dispute",
    "complaint": "complaint",
    "report_fraud": "fraud",
    "responsible_gaming": "responsible_gaming",
}
TOPIC_PHRASES = {
    "kyc_info": "hesap doğrulama süreci hakkında bilgi",
    "kyc_status": "hesap doğrulamasının durumu hakkında yardım",
    "deposit_info": "para yatırma hakkında bilgi",
    "deposit_missing": "hesabına geçmeyen bir para yatırma işlemi için yardım",
    "withdrawal_info": "para çekme hakkında bilgi",
    "withdrawal_status": "para çekme talebinin durumu hakkında yardım",
    "transaction_lookup": "bir işlemi hakkında yardım",
    "bonus_info": "bonus kuralları hakkında bilgi",
    "bonus_status": "bonusunun durumu hakkında yardım",
    "bonus_dispute": "iptal edilen bir bonus ya da kazanç için itiraz",
    "password_reset": "şifre sıfırlama konusunda yardım",
    "two_factor": "iki adımlı doğrulama konusunda yardım",
    "login_problem": "hesabına giriş yapamadığı için yardım",
    "report_fraud": "hesabında yetkisiz işlem ya da dolandırıcılık şüphesi için acil yardım",
    "privacy_request": "kişisel verileriyle ilgili bir KVKK talebi için yardım",
    "deposit_limit": "yatırım limitleri konusunda yardım",
    "responsible_gaming": "sorumlu oyun ve oyundan uzaklaşma konusunda acil destek",
    "complaint": "hizmetle ilgili bir şikâyet için yardım",
    "account_registration": "üyelik ve kayıt konusunda yardım",
    "contact_info": "iletişim seçenekleri hakkında bilgi",
    "callback_request": "telefonla geri aranmak için yardım",
}
PLAYER_TEXT = {
    "urgent": "Bu konuyu öncelikli olarak ele alıyoruz. Sizi hemen bir uzman temsilcimize aktarıyorum; lütfen sohbetten ayrılmayın.",
    "high": "Sizi bir müşteri temsilcimize aktarıyorum; konunuz öncelikli olarak işaretlendi. Lütfen sohbetten ayrılmayın.",
    "normal": "Sizi bir müşteri temsilcimize aktarıyorum. Kısa süre içinde burada olacak; lütfen sohbetten ayrılmayın.",
}


def _user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.events if e.get("event") == "user"]


def _intent_of(event: Dict[str, Any]) -> Optional[str]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def handoff_topic(tracker: Tracker) -> str:
    """The slot set by a flow, else the latest substantive intent of the last turns."""
    slot = tracker.get_slot("handoff_topic")
    if slot:
        return slot
    for event in reversed(_user_events(tracker)[-6:]):
        intent = _intent_of(event)
        if intent and intent not in NEUTRAL_INTENTS and not intent.startswith("EXTERNAL_"):
            return intent
    return "general"


def handoff_payload(tracker: Tracker) -> Dict[str, str]:
    latest = tracker.latest_message or {}
    latest_intent = (latest.get("intent") or {}).get("name") or ""
    safety = latest.get("safety") if isinstance(latest.get("safety"), dict) else None
    topic = handoff_topic(tracker)
    if safety:
        topic, reason = safety.get("intent") or topic, "safety_keyword"
    else:
        reason = REASONS.get(latest_intent) or REASONS.get(topic) or "bot_escalation"
    if topic in URGENT_TOPICS or reason == "safety_keyword":
        priority = "urgent"
    elif topic in HIGH_TOPICS or reason == "repeated_fallback":
        priority = "high"
    else:
        priority = "normal"
    return {
        "reason": reason,
        "topic": topic,
        "priority": priority,
        "summary": summary(tracker, topic, reason),
    }


def summary(tracker: Tracker, topic: str, reason: str) -> str:
    player_id, name = player_id_of(tracker), player_name_of(tracker)
    who = f"{name} ({player_id})" if player_id and name else (player_id or "Giriş yapmamış bir ziyaretçi")
    need = TOPIC_PHRASES.get(topic, "canlı destek")
    ids = {
        e.get("value") for event in _user_events(tracker)[-4:]
        for e in (event.get("parse_data") or {}).get("entities", []) if e.get("entity") == "transaction_id"
    }
    tx = f" ({', '.join(sorted(i for i in ids if i))} numaralı işlem)" if ids - {None} else ""
    last = _last_player_text(tracker)
    quote = f"; son mesajı: “{last}”" if last else ""
    if reason == "repeated_fallback":
        need = "botun iki kez anlayamadığı bir konuda yardım"
    return f"{who} {need}{tx} istiyor{quote}."


def _last_player_text(tracker: Tracker, limit: int = 160) -> str:
    for event in reversed(_user_events(tracker)):
        text = (event.get("text") or "").strip()
        if text and not text.startswith("/"):
            text = re.sub(r"\s+", " ", mask_pii(text))
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


class ActionHandoffRequest(Action):
    def name(self) -> Text:
        return "action_handoff_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        payload = handoff_payload(tracker)
        dispatcher.utter_message(text=PLAYER_TEXT[payload["priority"]], json_message={"handoff": payload})
        return [SlotSet("handoff_topic", None), ConversationPaused()]


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
            buttons=[{"title": str(n), "payload": f'/rate{{"rating":"{n}"}}'} for n in range(1, 6)],
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
        dispatcher.utter_message(
            text=f"Özür dilerim, {why}. Talebinizi kaybetmemek için "
            "size e-posta ile destek kaydı açabilir (24–72 saat içinde yanıt) ya da sizi telefonla "
            "geri aratabilirim. Hangisini tercih edersiniz?",
            buttons=[
                {"title": "E-posta ile destek kaydı", "payload": "/email_ticket"},
                {"title": "Beni geri arayın", "payload": "/callback_request"},
            ],
        )
        return [SlotSet("unavailable_reason", None)]
