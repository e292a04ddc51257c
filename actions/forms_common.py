"""Helpers shared by the form validation and submit actions (no Action classes: rasa_sdk
registers every Action subclass it finds)."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backoffice.repository import BackOffice, TicketInfo
from actions.common import latest_intent
from actions.identity import player_id_of
from actions.parsing import is_none_answer, parse_email
from casinra_contracts.ids import transaction_id_in

NONE_VALUE = "yok"  # an optional field the player chose to leave empty
CONTACT_EMAIL = "contact_email"


def is_activation_turn(tracker: Tracker, intents: Iterable[str]) -> bool:
    """True while the form is being activated by one of ``intents`` (nothing asked yet)."""
    return tracker.get_slot("requested_slot") is None and latest_intent(tracker) in set(intents)


def validate_optional_transaction_id(slot: Text, value: Any,
                                     dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    if value is None:
        return {slot: None}
    if str(value).strip() == NONE_VALUE or is_none_answer(value):
        return {slot: NONE_VALUE}
    tx_id = transaction_id_in(value)
    if tx_id:
        return {slot: tx_id}
    dispatcher.utter_message(
        text=("Bunu bir işlem numarası olarak tanıyamadım. İşlem numaraları TX-12345678 gibi 8 haneli "
              "bir sayıdır; numarayı bilmiyorsanız “yok” yazabilirsiniz."))
    return {slot: None}


def transaction_id_from_trigger(tracker: Tracker) -> Optional[str]:
    for value in tracker.get_latest_entity_values("transaction_id"):
        tx_id = transaction_id_in(value)
        if tx_id:
            return tx_id
    return None


class GuestContactSlot:
    """Mixin for the validation of a form that ends with a ticket answered by e-mail: a guest is
    asked for an address at the end (a signed-in player's is on file)."""

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        others = [s for s in domain_slots if s != CONTACT_EMAIL]
        return others if player_id_of(tracker) else [*others, CONTACT_EMAIL]

    async def extract_contact_email(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[Text, Any]:
        return {}  # filled by its from_text mapping; only asked of guests

    def validate_contact_email(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        email = parse_email(value)
        if email:
            return {CONTACT_EMAIL: email}
        dispatcher.utter_message(
            text="Bu bir e-posta adresine benzemiyor. Lütfen ornek@alanadi.com biçiminde yazar mısınız?")
        return {CONTACT_EMAIL: None}


def open_ticket_with_contact(bo: BackOffice, player_id: Optional[str], guest_email: Optional[str],
                             kind: str, **ticket: Any) -> Tuple[TicketInfo, Optional[str]]:
    """Open a ticket answered at the player's e-mail on file (a guest's: the one they gave);
    returns the ticket and that address. Runs inside `ask`, in the back-office's thread."""
    contact = guest_email
    if player_id is not None:
        player = bo.player(player_id)
        contact = player.email if player else None
    return bo.open_ticket(kind, player_id=player_id, contact_email=contact, **ticket), contact


def reply_address(player_id: Optional[str], contact: Optional[str]) -> str:
    """Where the answer goes, as the confirmation says it."""
    return "kayıtlı e-posta adresinize" if player_id else f"{contact} adresine"


def optional(value: Optional[str]) -> Optional[str]:
    return None if value in (None, NONE_VALUE) else value


def reset(*slots: Text) -> List[SlotSet]:
    return [SlotSet(slot, None) for slot in slots]


def mask_phone(phone: Optional[str]) -> str:
    """'+90 532 418 27 63' → '+90 532 *** ** 63'."""
    if not phone:
        return ""
    parts = phone.split()
    if len(parts) == 5:
        return f"{parts[0]} {parts[1]} *** ** {parts[4]}"
    return "*" * max(len(phone) - 2, 0) + phone[-2:]
