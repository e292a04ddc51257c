"""A complaint is recorded as a ticket with a reference before anything is promised."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice.repository import BackOfficeUnavailable
from actions.backoffice.service import ask
from actions.common import latest_text
from actions.identity import player_id_of
from casinra_contracts.ids import transaction_id_in
from casinra_contracts.pii import mask_text


class ActionComplaintRecord(Action):
    def name(self) -> Text:
        return "action_complaint_record"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = mask_text(latest_text(tracker))[:2000]
        try:
            ticket = await ask(lambda bo: bo.open_ticket(
                "complaint", priority="high", player_id=player_id_of(tracker),
                conversation_id=tracker.sender_id, subject="Hizmet şikâyeti", description=text,
                transaction_id=transaction_id_in(text), details={"source": "chat"}))
        except BackOfficeUnavailable:
            dispatcher.utter_message(response="utter_complaint_not_recorded")
            return []
        dispatcher.utter_message(response="utter_complaint_recorded", reference=ticket.reference)
        return []
