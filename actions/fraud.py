"""Fraud reports: fraud_report_form → urgent ticket → offer to lock the account → hand-off."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backoffice.repository import BackOfficeUnavailable
from actions.backoffice.service import ask
from actions.common import latest_text
from actions.forms_common import (
    is_activation_turn,
    optional,
    reset,
    transaction_id_from_trigger,
    validate_optional_transaction_id,
)
from actions.handoff import NEED_SLOT
from actions.identity import player_id_of

INTENT = "report_fraud"
FORM_SLOTS = ("fraud_description", "fraud_transaction_id")


class ValidateFraudReportForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_fraud_report_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        activation = is_activation_turn(tracker, [INTENT])
        events = await super().run(dispatcher, tracker, domain)
        if activation:
            # From the first turn on, a hand-off (even mid-form) is classified as urgent.
            events.append(SlotSet(NEED_SLOT, INTENT))
        return events

    async def extract_fraud_description(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Dict[Text, Any]:
        """A report that already tells the story ("hesabım çalındı, biri 5.000 TL çekmiş…")
        is not asked again."""
        if tracker.get_slot("fraud_description") is None and is_activation_turn(tracker, [INTENT]):
            text = latest_text(tracker).strip()
            if len(text.split()) >= 6 and not text.startswith("/"):
                return {"fraud_description": text}
        return {}

    async def extract_fraud_transaction_id(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                           domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("fraud_transaction_id") is None and is_activation_turn(tracker, [INTENT]):
            tx_id = transaction_id_from_trigger(tracker)
            if tx_id:
                return {"fraud_transaction_id": tx_id}
        return {}

    def validate_fraud_description(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if len(text) < 10 or len(text.split()) < 3:
            dispatcher.utter_message(
                text=("Size doğru yardım edebilmem için biraz daha ayrıntı verir misiniz? Örneğin ne "
                      "zaman fark ettiniz, hesabınızda ne değişti ya da hangi işlemi siz yapmadınız?"))
            return {"fraud_description": None}
        return {"fraud_description": text[:2000]}

    def validate_fraud_transaction_id(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validate_optional_transaction_id("fraud_transaction_id", value, dispatcher)


class ActionFraudReportSubmit(Action):
    """Opens the urgent ticket. Sets ``signed_in`` so the rules know whether to offer a lock."""

    def name(self) -> Text:
        return "action_fraud_report_submit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        player_id = player_id_of(tracker)
        description = tracker.get_slot("fraud_description")
        tx_id = optional(tracker.get_slot("fraud_transaction_id"))
        events: List[EventType] = [SlotSet("signed_in", player_id is not None),
                                   SlotSet(NEED_SLOT, INTENT), *reset(*FORM_SLOTS)]
        try:
            ticket = await ask(lambda bo: bo.open_ticket(
                "fraud", priority="urgent", player_id=player_id, conversation_id=tracker.sender_id,
                subject="Dolandırıcılık / yetkisiz işlem bildirimi", description=description,
                transaction_id=tx_id, details={"source": "chat"}))
        except BackOfficeUnavailable:
            dispatcher.utter_message(
                text=("Üzgünüm, bildiriminizi şu anda sistemimize kaydedemedim. Bu yüzden sizi hemen "
                      "güvenlik ekibimizden bir temsilciye bağlayacağım; anlattıklarınızı ona "
                      "ileteceğim."))
            return [SlotSet("signed_in", False), *events[1:]]
        tx_text = f" ({tx_id} numaralı işlem dahil)" if tx_id else ""
        text = (f"Bildiriminizi{tx_text} acil öncelikle kaydettim. Referans numaranız: "
                f"{ticket.reference}. Güvenlik ekibimiz konuyu hemen inceleyecek.")
        if player_id is None:
            text += (" Hesabınıza giriş yapamıyorsanız endişelenmeyin: temsilcimiz kimliğinizi "
                     "doğrulayıp hesabınızı güvenceye alacak. Şimdi sizi bir güvenlik temsilcimize "
                     "bağlıyorum.")
        dispatcher.utter_message(text=text)
        return events


class ActionLockAccount(Action):
    def name(self) -> Text:
        return "action_lock_account"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = [SlotSet(NEED_SLOT, INTENT)]
        player_id: Optional[str] = player_id_of(tracker)
        if player_id is None:
            dispatcher.utter_message(
                text=("Hesabı kilitleyebilmem için oturum açmış olmanız gerekiyor. Sizi hemen bir "
                      "güvenlik temsilcimize bağlıyorum; kimliğinizi doğrulayıp hesabı o kilitleyecek."))
            return events
        try:
            newly_locked = await ask(lambda bo: bo.lock_account(
                player_id, reason="fraud_report", conversation_id=tracker.sender_id))
        except BackOfficeUnavailable:
            dispatcher.utter_message(
                text=("Üzgünüm, hesabınızı şu anda kilitleyemedim. Sizi hemen bir güvenlik "
                      "temsilcimize bağlıyorum; kilitleme işlemini o yapacak."))
            return events
        if newly_locked:
            text = ("Hesabınızı kilitledim. Kilit kaldırılana kadar hesabınızda giriş, para yatırma ve "
                    "çekim yapılamaz; güvenlik ekibimiz kimliğinizi doğruladıktan sonra kilidi "
                    "sizinle birlikte kaldıracak.")
        else:
            text = "Hesabınız zaten kilitli; güvenlik ekibimiz kimliğinizi doğruladıktan sonra kilidi kaldıracak."
        dispatcher.utter_message(text=text + " Şimdi sizi bir güvenlik temsilcimize bağlıyorum.")
        return events
