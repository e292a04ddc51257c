"""E-mail tickets (offered when no agent is free): email_ticket_form → ticket with a reference
and the 24–72 hour answer time."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backoffice.service import ask
from actions.common import AccountAction
from actions.forms_common import (
    CONTACT_EMAIL,
    GuestContactSlot,
    is_activation_turn,
    open_ticket_with_contact,
    optional,
    reply_address,
    transaction_id_from_trigger,
    validate_optional_transaction_id,
)

INTENT = "email_ticket"
FORM_SLOTS = ("ticket_subject", "ticket_description", "ticket_transaction_id", CONTACT_EMAIL)


class ValidateEmailTicketForm(GuestContactSlot, FormValidationAction):
    def name(self) -> Text:
        return "validate_email_ticket_form"

    async def extract_ticket_transaction_id(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                            domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("ticket_transaction_id") is None and is_activation_turn(tracker, [INTENT]):
            tx_id = transaction_id_from_trigger(tracker)
            if tx_id:
                return {"ticket_transaction_id": tx_id}
        return {}

    def validate_ticket_subject(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = " ".join(str(value or "").split())
        if len(text) < 3:
            dispatcher.utter_message(text="Konu biraz kısa oldu; birkaç kelimeyle yazar mısınız? (ör. “Çekim talebim gecikti”)")
            return {"ticket_subject": None}
        return {"ticket_subject": text[:120]}

    def validate_ticket_description(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if len(text) < 10 or len(text.split()) < 3:
            dispatcher.utter_message(
                text="Ekibimizin hızlı yardımcı olabilmesi için sorunu birkaç cümleyle anlatır mısınız?")
            return {"ticket_description": None}
        return {"ticket_description": text[:4000]}

    def validate_ticket_transaction_id(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validate_optional_transaction_id("ticket_transaction_id", value, dispatcher)


class ActionEmailTicketSubmit(AccountAction):
    requires_player = False

    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "action_email_ticket_submit"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        subject = tracker.get_slot("ticket_subject")
        description = tracker.get_slot("ticket_description")
        tx_id = optional(tracker.get_slot("ticket_transaction_id"))
        guest_email = tracker.get_slot(CONTACT_EMAIL) if player_id is None else None
        full_subject = f"[{tx_id}] {subject}" if tx_id else subject
        ticket, contact = await ask(lambda bo: open_ticket_with_contact(
            bo, player_id, guest_email, "email", priority="normal", conversation_id=tracker.sender_id,
            subject=full_subject, description=description, transaction_id=tx_id))
        text = (f"Destek talebinizi oluşturdum. Referans numaranız: {ticket.reference}. E-posta ile gelen "
                f"taleplere 24–72 saat içinde yanıt veriyoruz; yanıtımız {reply_address(player_id, contact)} gelecek.")
        if tx_id:
            text += f" {tx_id} numaralı işlemi konu satırına ekledim; bu, incelemeyi hızlandırır."
        dispatcher.utter_message(text=text)
        return self.cleared()
