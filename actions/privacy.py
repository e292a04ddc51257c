"""KVKK / GDPR requests: privacy_request_form → ticket with a reference and the legal deadline."""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backoffice.labels import PRIVACY_LABELS
from actions.backoffice.repository import KVKK_RESPONSE_DAYS
from actions.backoffice.service import ask
from actions.common import AccountAction, latest_text
from actions.forms_common import (
    CONTACT_EMAIL,
    NONE_VALUE,
    GuestContactSlot,
    is_activation_turn,
    open_ticket_with_contact,
    optional,
    reply_address,
)
from actions.parsing import is_none_answer, parse_privacy_type
from casinra_contracts.dates import format_date
from casinra_contracts.timezone import utcnow

INTENT = "privacy_request"
FORM_SLOTS = ("privacy_request_type", "privacy_details", CONTACT_EMAIL)


class ValidatePrivacyRequestForm(GuestContactSlot, FormValidationAction):
    def name(self) -> Text:
        return "validate_privacy_request_form"

    async def extract_privacy_request_type(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                           domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("privacy_request_type") is None and is_activation_turn(tracker, [INTENT]):
            kind = parse_privacy_type(latest_text(tracker))
            if kind:
                return {"privacy_request_type": kind}
        return {}

    def validate_privacy_request_type(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        kind = parse_privacy_type(value)
        if kind is None:
            dispatcher.utter_message(
                text=("Talebinizi tam anlayamadım. Verilerinize erişmek mi, onları düzeltmek mi yoksa "
                      "silinmelerini mi istiyorsunuz?"),
                buttons=TYPE_BUTTONS)
        return {"privacy_request_type": kind}

    def validate_privacy_details(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None or is_none_answer(value):
            return {"privacy_details": NONE_VALUE}
        return {"privacy_details": str(value).strip()[:2000]}


TYPE_BUTTONS = [{"title": "Verilerime erişmek", "payload": "verilerime erişmek istiyorum"},
                {"title": "Verilerimi düzeltmek", "payload": "verilerimi düzeltmek istiyorum"},
                {"title": "Verilerimi sildirmek", "payload": "verilerimin silinmesini istiyorum"}]


class ActionPrivacyRequestSubmit(AccountAction):
    requires_player = False  # guests may file a request too; they give an e-mail address

    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "action_privacy_request_submit"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        kind = tracker.get_slot("privacy_request_type") or "access"
        details = optional(tracker.get_slot("privacy_details"))
        email = tracker.get_slot(CONTACT_EMAIL) if player_id is None else None
        ticket, contact = await ask(lambda bo: open_ticket_with_contact(
            bo, player_id, email, "privacy", priority="normal", conversation_id=tracker.sender_id,
            subject=f"KVKK başvurusu: {PRIVACY_LABELS[kind]}", description=details,
            due_at=utcnow() + timedelta(days=KVKK_RESPONSE_DAYS), details={"request_type": kind}))
        parts = [f"Talebinizi aldım: {PRIVACY_LABELS[kind]}. Referans numaranız: {ticket.reference}.",
                 "6698 sayılı Kişisel Verilerin Korunması Kanunu (KVKK) uyarınca başvurunuz en geç "
                 f"{KVKK_RESPONSE_DAYS} gün içinde, yani {format_date(ticket.due_at)} tarihine kadar "
                 "sonuçlandırılır."]
        if contact:
            parts.append(f"Yanıtımız {reply_address(player_id, contact)} gönderilecek.")
        if player_id is None:
            parts.append("Başvurunun size ait olduğunu doğrulamak için ekibimiz sizden kimlik teyidi isteyebilir.")
        if kind == "deletion":
            parts.append("Bilginize: mevzuat gereği saklamakla yükümlü olduğumuz kayıtlar (ör. finansal "
                         "işlemler) yasal süre boyunca saklanır; diğer verileriniz silinir ya da anonim hâle "
                         "getirilir.")
        dispatcher.utter_message(text=" ".join(parts))
        return self.cleared()
