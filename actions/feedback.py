"""Ratings, stored once and in one place (the back-office `feedback` table, through the repository).

CSAT: the 1–5 rating the bot asks for when an agent resolved the chat (the gateway's
`EXTERNAL_handoff_resolved` carries the agent, the topic and the hand-off's id), clicked or typed
("4 yıldız veriyorum", "beş"); "10 üzerinden 8" is not a 1–5 answer and is asked again. A rating
given without a hand-off rates the bot's conversation. NPS: after a stored CSAT, a signed-in
player not asked in the last 90 days is asked the 0–10 question once. The bot confirms only what
the back-office stored.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice.repository import BackOfficeUnavailable
from actions.backoffice.service import ask
from actions.identity import player_id_of
from casinra_contracts import scores, topics
from casinra_contracts.handoff import EXTERNAL_HANDOFF_RESOLVED, rating_buttons

PENDING_SLOT = "feedback_pending"  # "nps" while the 0–10 question waits for its answer
REPLIES = {
    1: "Yaşadığınız deneyim için çok üzgünüm. Geri bildiriminizi ekip liderimize iletiyorum; daha iyisini yapacağız.",
    2: "Geri bildiriminiz için teşekkür ederim. Beklentinizi karşılayamadığımız için üzgünüm; bunu değerlendireceğiz.",
    3: "Teşekkür ederim. Hizmetimizi geliştirmek için görüşlerinizi dikkate alacağız.",
    4: "Teşekkür ederim, memnun kalmanıza sevindim!",
    5: "Çok teşekkür ederim, harika! Yardımcı olabildiğimize sevindik.",
}
NPS_QUESTION = ("Son bir soru: Casinra'yı bir arkadaşınıza tavsiye etme olasılığınız 0 (hiç) ile 10 (kesinlikle) "
                "arasında kaç? Bu soruyu size en fazla üç ayda bir soruyoruz.")
ASK_CSAT_AGAIN = ("Puanınızı 1 (çok kötü) ile 5 (çok iyi) arasında bir sayı olarak alabiliyorum; örneğin “4” ya da "
                  "“dört yıldız”. Lütfen aşağıdan seçin ya da yazın.")
ASK_NPS_AGAIN = "Lütfen 0 ile 10 arasında bir sayı seçin ya da yazın (ör. “8”)."
NOT_STORED = ("Üzgünüm, puanınızı şu anda sistemimize kaydedemedim. Birkaç dakika sonra tekrar puan verebilirsiniz; "
              "görüşünüz bizim için önemli.")
ANYTHING_ELSE = "Başka bir konuda yardımcı olabilir miyim?"


def nps_buttons() -> List[Dict[str, str]]:
    return [{"title": str(n), "payload": f'/rate{{"nps":"{n}"}}'} for n in range(11)]


def entity_value(tracker: Tracker, name: str) -> Optional[str]:
    return scores.entity_value((tracker.latest_message or {}).get("entities"), name)


def last_resolution(tracker: Tracker) -> Optional[Dict[str, Optional[str]]]:
    """The latest `EXTERNAL_handoff_resolved` of this conversation: who resolved which hand-off, on
    what topic (as the gateway passed them); None when no agent was involved."""
    for event in reversed(tracker.events or []):
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        if (parse.get("intent") or {}).get("name") != EXTERNAL_HANDOFF_RESOLVED:
            continue
        values = {e.get("entity"): e.get("value") for e in parse.get("entities") or []}
        return {"agent": values.get("agent_username"), "topic": values.get("topic"),
                "handoff_id": values.get("handoff_id")}
    return None


def conversation_topic(tracker: Tracker) -> Optional[str]:
    """The contract topic of the player's latest need in this conversation."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in topics.INTENTS and intent not in topics.NEUTRAL_INTENTS:
                return topics.topic_of(intent)
    return None


def typed_or_clicked(tracker: Tracker, entity: str, scale: int) -> Optional[int]:
    """A clicked button's entity, else the typed text parsed on the scale (casinra_contracts.scores)."""
    message = tracker.latest_message or {}
    return scores.clicked_or_typed(message.get("text") or "", message.get("entities"), entity, scale)


class ActionStoreRating(Action):
    def name(self) -> Text:
        return "action_store_rating"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        clicked_nps = text.startswith("/") and entity_value(tracker, "nps") is not None
        if tracker.get_slot(PENDING_SLOT) == "nps" or clicked_nps:
            return await self._nps(dispatcher, tracker)
        return await self._csat(dispatcher, tracker)

    async def _csat(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        score = typed_or_clicked(tracker, "rating", 5)
        if score is None:
            dispatcher.utter_message(text=ASK_CSAT_AGAIN, buttons=rating_buttons())
            return [SlotSet("rating", None)]
        player_id = player_id_of(tracker)
        resolution = last_resolution(tracker)
        topic = (resolution or {}).get("topic") or conversation_topic(tracker)
        try:
            await ask(lambda bo: bo.record_csat(
                score, conversation_id=tracker.sender_id, player_id=player_id,
                topic=topic if topic in topics.TOPICS else None, human=resolution is not None,
                agent_username=(resolution or {}).get("agent"), handoff_id=(resolution or {}).get("handoff_id")))
        except BackOfficeUnavailable:
            dispatcher.utter_message(text=NOT_STORED)
            return [SlotSet("rating", None)]
        events: List[EventType] = [SlotSet("rating", str(score))]
        asked = False
        if player_id:
            try:
                asked = await ask(lambda bo: bo.ask_nps(
                    player_id, tracker.sender_id, topic=topic if topic in topics.TOPICS else None,
                    human=resolution is not None, agent_username=(resolution or {}).get("agent")))
            except BackOfficeUnavailable:
                asked = False
        if asked:
            dispatcher.utter_message(text=f"{REPLIES[score]} Puanınızı kaydettim.")
            dispatcher.utter_message(text=NPS_QUESTION, buttons=nps_buttons())
            return events + [SlotSet(PENDING_SLOT, "nps")]
        dispatcher.utter_message(text=f"{REPLIES[score]} Puanınızı kaydettim. {ANYTHING_ELSE}")
        return events

    async def _nps(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        score = typed_or_clicked(tracker, "nps", 10)
        if score is None:
            dispatcher.utter_message(text=ASK_NPS_AGAIN, buttons=nps_buttons())
            return []
        player_id = player_id_of(tracker)
        if player_id is None:
            return [SlotSet(PENDING_SLOT, None)]
        try:
            stored = await ask(lambda bo: bo.record_nps(score, player_id=player_id,
                                                        conversation_id=tracker.sender_id))
        except BackOfficeUnavailable:
            dispatcher.utter_message(text=NOT_STORED)
            return []
        if stored is None:  # nothing was asked in this conversation (an old button)
            dispatcher.utter_message(text=ANYTHING_ELSE)
            return [SlotSet(PENDING_SLOT, None)]
        dispatcher.utter_message(text=f"Teşekkür ederim, cevabınızı ({score}/10) kaydettim. {ANYTHING_ELSE}")
        return [SlotSet(PENDING_SLOT, None)]
