"""Helpers shared by the form validation and submit actions (plain functions, no Action classes)."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent
from actions.identity import player_id_of
from actions.parsing import is_none_answer, parse_email, transaction_id_in

NONE_VALUE = "yok"  # an optional field the player chose to leave empty
CONTACT_EMAIL = "contact_email"


def is_activation_turn(tracker: Tracker, intents: Iterable[str]) -> bool:
    """True while the form is being activated by one of ``intents`` (nothing asked yet)."""
    return tracker.get_slot("requested_slot") is None and latest_intent(tracker) in set(intents)


def with_guest_contact(slots: List[Text], tracker: Tracker) -> List[Text]:
    """Guests have no e-mail on file: ask for one at the end of the form."""
    if player_id_of(tracker) is None and CONTACT_EMAIL not in slots:
        return [*slots, CONTACT_EMAIL]
    return [s for s in slots if s != CONTACT_EMAIL] if player_id_of(tracker) else slots


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


def validate_contact_email(value: Any, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    email = parse_email(value)
    if email:
        return {CONTACT_EMAIL: email}
    dispatcher.utter_message(
        text="Bu bir e-posta adresine benzemiyor. Lütfen ornek@alanadi.com biçiminde yazar mısınız?")
    return {CONTACT_EMAIL: None}


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
