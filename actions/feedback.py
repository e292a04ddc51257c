"""The player's rating after a hand-off is resolved."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from casinra_contracts.handoff import rating_buttons

REPLIES = {
    1: "Yaşadığınız deneyim için çok üzgünüm. Geri bildiriminizi ekip liderimize iletiyorum; daha iyisini yapacağız.",
    2: "Geri bildiriminiz için teşekkür ederim. Beklentinizi karşılayamadığımız için üzgünüm; bunu değerlendireceğiz.",
    3: "Teşekkür ederim. Hizmetimizi geliştirmek için görüşlerinizi dikkate alacağız.",
    4: "Teşekkür ederim, memnun kalmanıza sevindim!",
    5: "Çok teşekkür ederim, harika! Yardımcı olabildiğimize sevindik.",
}


def parse_rating(value: Any) -> int | None:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return rating if 1 <= rating <= 5 else None


class ActionStoreRating(Action):
    def name(self) -> Text:
        return "action_store_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        entities = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "rating"]
        rating = parse_rating(entities[0] if entities else tracker.get_slot("rating"))
        if rating is None:
            dispatcher.utter_message(
                text="Puanınızı anlayamadım. Lütfen 1 ile 5 arasında bir puan seçin.",
                buttons=rating_buttons(),
            )
            return [SlotSet("rating", None)]
        dispatcher.utter_message(text=REPLIES[rating] + " Başka bir konuda yardımcı olabilir miyim?")
        return [SlotSet("rating", str(rating))]
