"""action_check_sign_in: tells the dialogue whether a player is signed in (slot ``signed_in``).

Rules branch on this slot (a guest cannot set a limit or self-exclude through the bot). It is
only a routing hint: every account action checks the metadata again itself.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent
from actions.handoff import NEED_SLOT, URGENT_INTENTS
from actions.identity import player_id_of


class ActionCheckSignIn(Action):
    def name(self) -> Text:
        return "action_check_sign_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = [SlotSet("signed_in", player_id_of(tracker) is not None)]
        intent = latest_intent(tracker)
        if intent in URGENT_INTENTS:
            events.append(SlotSet(NEED_SLOT, intent))
        return events
