"""Callback requests: callback_form (Turkish mobile, normalised; preferred window) → ticket."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backoffice.repository import BackOfficeUnavailable
from actions.backoffice.service import ask
from actions.common import AccountAction
from actions.forms_common import mask_phone
from actions.identity import player_id_of
from actions.parsing import national_number, parse_mobile_phone, parse_time_window
from casinra_contracts.text import fold_words

FORM_SLOTS = ("callback_phone", "callback_time")
ON_FILE_WORDS = ("kayitli", "sistemdeki", "hesabimdaki", "bu numara", "ayni numara")  # folded


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_callback_form"

    async def validate_callback_phone(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        phone = parse_mobile_phone(value)
        if phone:
            return {"callback_phone": phone}
        player_id = player_id_of(tracker)
        if player_id and any(word in fold_words(value) for word in ON_FILE_WORDS):
            try:
                player = await ask(lambda bo: bo.player(player_id))
            except BackOfficeUnavailable:
                player = None
            on_file = parse_mobile_phone(player.phone) if player and player.phone else None
            if on_file:
                return {"callback_phone": on_file}
            dispatcher.utter_message(text="Kayıtlı numaranıza şu anda ulaşamadım; numaranızı yazabilir misiniz?")
            return {"callback_phone": None}
        if national_number(value) is not None:  # a valid number, but not a mobile one
            text = ("Bu bir sabit hat numarasına benziyor. Sizi cep telefonunuzdan arayabilmemiz için "
                    "lütfen 5 ile başlayan bir cep numarası yazın (ör. 0532 123 45 67).")
        else:
            text = ("Bu numarayı geçerli bir cep telefonu numarası olarak tanıyamadım. Lütfen 0532 123 45 67 "
                    "gibi 10 haneli bir cep numarası yazın.")
        dispatcher.utter_message(text=text)
        return {"callback_phone": None}

    def validate_callback_time(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        window = parse_time_window(value)
        if window is None:
            dispatcher.utter_message(
                text=("Geri aramaları 09:00 ile 22:00 arasında yapıyoruz. Size uygun zamanı “sabah”, "
                      "“öğleden sonra”, “akşam”, “hemen” ya da “14-16 arası” gibi yazabilir misiniz?"),
                buttons=WINDOW_BUTTONS)
        return {"callback_time": window}


WINDOW_BUTTONS = [{"title": t, "payload": t} for t in ("Hemen", "Sabah", "Öğleden sonra", "Akşam")]


class ActionCallbackSubmit(AccountAction):
    requires_player = False

    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "action_callback_submit"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        phone = tracker.get_slot("callback_phone")
        window = tracker.get_slot("callback_time")
        ticket = await ask(lambda bo: bo.open_ticket(
            "callback", priority="normal", player_id=player_id, conversation_id=tracker.sender_id,
            subject="Geri arama talebi", contact_phone=phone, preferred_window=window))
        when = "en kısa sürede" if window == "en kısa sürede" else f"{window} aralığında"
        if window and "civarı" in window:
            when = window
        dispatcher.utter_message(
            text=(f"Geri arama talebinizi aldım. Referans numaranız: {ticket.reference}. Temsilcimiz sizi "
                  f"{when} {mask_phone(phone)} numaralı telefondan arayacak. Dilerseniz görüşmeyi "
                  "Türkçe dışında bir dilde de yapabilirsiniz; çok dilli temsilcilerimiz var."))
        return self.cleared()
