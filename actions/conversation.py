"""What bot/policy.py asks for in any topic: leaving a form, answering a second question."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ANSWERING_SLOT


class ActionLeaveForm(Action):
    """Ends the form in progress and clears what it had collected, so that starting it again
    later asks afresh. The answer to what the player said follows (the policy replays it)."""

    def name(self) -> Text:
        return "action_leave_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        form = tracker.active_loop.get("name")
        slots = (domain.get("forms") or {}).get(form, {}).get("required_slots") or []
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(slot, None) for slot in slots]


class ActionSecondAnswer(Action):
    """The FAQ answer to the second question of a message (`secondary_response` of the NLU)."""

    def name(self) -> Text:
        return "action_second_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        second = ((tracker.latest_message or {}).get("secondary_response") or {}).get("name")
        response = f"utter_{second}" if second else None
        if response and response in (domain.get("responses") or {}):
            dispatcher.utter_message(response=response)
        return []


class ActionNextQuestion(Action):
    """Before the answer to the second question of a message: the actions that answer it read
    that question's intent (`actions.common.latest_intent`), not the first one's."""

    def name(self) -> Text:
        return "action_next_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        second = ((tracker.latest_message or {}).get("secondary_intent") or {}).get("name")
        message_id = (tracker.latest_message or {}).get("message_id") or ""
        return [SlotSet(ANSWERING_SLOT, f"{message_id}|{second}" if second else None)]
