"""Greets the player, by first name when the channel says who they are."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.identity import player_name_of

TOPIC_BUTTONS = [
    {"title": "Para çekme durumum", "payload": "Para çekme talebim ne durumda?"},
    {"title": "Hesap doğrulama", "payload": "Hesap doğrulama için hangi belgeler gerekli?"},
    {"title": "Bonuslarım", "payload": "Bonus çevrimimden ne kadar kaldı?"},
    {"title": "Canlı destek", "payload": "/human_handoff"},
]


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        name = player_name_of(tracker)
        hello = f"Merhaba {name.split()[0]}!" if name else "Merhaba!"
        dispatcher.utter_message(
            text=f"{hello} Ben Casinra Destek asistanı. Para yatırma ve çekme, hesap doğrulama, "
            "bonuslar ve hesap güvenliği konularında size hemen yardımcı olabilirim. Nasıl yardımcı olabilirim?",
            buttons=TOPIC_BUTTONS,
        )
        return []
