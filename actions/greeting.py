"""Greets the player, by first name when the channel says who they are.

"İyi günler" and its kin open a conversation and close one: after the conversation has started
they are a goodbye, and with a thank-you they are thanks."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text
from actions.identity import player_name_of
from casinra_contracts.text import fold_words

# both hello and goodbye in Turkish; folded
PARTING = re.compile(r"\b(iyi (gunler|aksamlar|geceler|calismalar|hafta ?sonlari)|hayirli (gunler|aksamlar|isler))\b")
THANKS = re.compile(r"\b(tesekkur|sag ol|sagol|eyvallah|tsk|thanks|thank you)")

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
        said = fold_words(latest_text(tracker))
        started = sum(1 for e in tracker.events if e.get("event") == "user") > 1
        if THANKS.search(said):
            dispatcher.utter_message(response="utter_thank")
            return []
        if started and PARTING.search(said):
            dispatcher.utter_message(response="utter_goodbye")
            return []
        name = player_name_of(tracker)
        hello = f"Merhaba {name.split()[0]}!" if name else "Merhaba!"
        dispatcher.utter_message(
            text=f"{hello} Ben Casinra Destek asistanı. Para yatırma ve çekme, hesap doğrulama, "
            "bonuslar ve hesap güvenliği konularında size hemen yardımcı olabilirim. Nasıl yardımcı olabilirim?",
            buttons=TOPIC_BUTTONS,
        )
        return []
