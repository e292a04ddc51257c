"""Self-exclusion / time-out: self_exclusion_form (period + explicit confirmation) → applied,
audit-logged, resources repeated → urgent hand-off to a responsible-gaming specialist."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backoffice.labels import EXCLUSION_LABELS
from actions.backoffice.service import ask
from actions.common import AccountAction
from actions.handoff import NEED_SLOT
from actions.parsing import parse_exclusion_period, parse_yes_no
from casinra_contracts.dates import format_datetime

INTENT = "responsible_gaming"
FORM_SLOTS = ("exclusion_period", "exclusion_confirmed")
RESOURCES_SHORT = ("Yeşilay Danışma Hattı 115'i arayarak ya da yedam.org.tr adresinden ücretsiz ve "
                   "gizli destek alabileceğinizi de hatırlatmak isterim.")


def period_phrase(period: str) -> str:
    """'30 gün süreyle' / 'kalıcı olarak'."""
    return "kalıcı olarak" if period == "permanent" else f"{EXCLUSION_LABELS[period]} süreyle"


class ValidateSelfExclusionForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_self_exclusion_form"

    def validate_exclusion_period(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        period = parse_exclusion_period(value)
        if period is None:
            dispatcher.utter_message(
                text=("Bu süreyi anlayamadım. 24 saat, 7 gün, 30 gün, 6 ay ya da kalıcı kapatma "
                      "seçeneklerinden birini seçebilir misiniz?"),
                buttons=[{"title": label, "payload": label} for label in
                         ("24 saat", "7 gün", "30 gün", "6 ay", "kalıcı")])
        return {"exclusion_period": period}

    def validate_exclusion_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if isinstance(value, bool):
            return {"exclusion_confirmed": value}
        answer = parse_yes_no(value)
        if answer is None:
            dispatcher.utter_message(text="Lütfen “evet” ya da “hayır” diye yanıtlar mısınız?",
                                     buttons=CONFIRM_BUTTONS)
        return {"exclusion_confirmed": answer}


CONFIRM_BUTTONS = [{"title": "Evet, onaylıyorum", "payload": "/affirm"},
                   {"title": "Hayır, vazgeçtim", "payload": "/deny"}]


class ActionAskExclusionConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_exclusion_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        period = tracker.get_slot("exclusion_period") or "24h"
        if period == "permanent":
            text = ("Hesabınızı kalıcı olarak oyuna kapatmak üzereyim. Bu işlem geri alınamaz: hesabınıza "
                    "bir daha para yatıramaz ve oyun oynayamazsınız. Onaylıyor musunuz?")
        else:
            text = (f"Hesabınızı {period_phrase(period)} oyuna kapatmak üzereyim. Bu süre boyunca para "
                    "yatıramaz ve oyun oynayamazsınız; süre dolmadan kapatma geri alınamaz. "
                    "Onaylıyor musunuz?")
        dispatcher.utter_message(text=text, buttons=CONFIRM_BUTTONS)
        return []


class ActionSelfExclusionSubmit(AccountAction):
    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "action_self_exclusion_submit"

    def _after(self) -> List[EventType]:
        return [SlotSet(NEED_SLOT, INTENT), *self.cleared()]

    def on_guest(self, dispatcher, tracker, domain) -> List[EventType]:
        dispatcher.utter_message(
            text=("Hesabınızı kapatabilmem için oturum açmış olmanız gerekiyor. " + RESOURCES_SHORT))
        return self._after()

    def on_unavailable(self, dispatcher, tracker, domain) -> List[EventType]:
        dispatcher.utter_message(
            text=("Üzgünüm, kapatmayı şu anda sistemimizde uygulayamadım; bu işlemi sorumlu oyun "
                  "konusunda uzman bir temsilcimizin yapması gerekiyor."))
        return self._after()

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        period = tracker.get_slot("exclusion_period")
        confirmed = tracker.get_slot("exclusion_confirmed") is True
        if not confirmed or period is None:
            dispatcher.utter_message(
                text=("Tamam, hesabınızda bir değişiklik yapmadım. " + RESOURCES_SHORT + " Dilediğiniz "
                      "zaman limit koyabilir ya da ara verebilirsiniz."))
            return self._after()
        result = await ask(lambda bo: bo.exclude(player_id, period, conversation_id=tracker.sender_id))
        current = result.exclusion
        if result.applied:
            if current.ends_at is None:
                text = "Hesabınızı kalıcı olarak oyuna kapattım."
            else:
                text = (f"Hesabınızı {period_phrase(period)} oyuna kapattım; kapatma "
                        f"{format_datetime(current.ends_at)} tarihine kadar geçerli.")
            text += " Bu süre içinde para yatıramaz ve oyun oynayamazsınız."
        elif current.ends_at is None:
            text = "Hesabınız zaten kalıcı olarak oyuna kapalı; bu kapatma devam ediyor."
        else:
            text = (f"Hesabınızda zaten {format_datetime(current.ends_at)} tarihine kadar sürecek bir "
                    "kapatma var; onu kısaltmadım, aynen devam ediyor.")
        dispatcher.utter_message(text=f"{text} Bu adımı attığınız için sizi tebrik ederim. "
                                      f"{RESOURCES_SHORT}")
        return self._after()
