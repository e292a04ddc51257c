"""What every account action shares: the human button, apologies, guest refusal, the base class."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice.repository import BackOfficeUnavailable
from actions.identity import player_id_of

logger = logging.getLogger(__name__)

HUMAN_BUTTON = {"title": "Canlı desteğe bağlan", "payload": "/human_handoff"}
KYC_STATUS_BUTTON = {"title": "Doğrulama durumum", "payload": "/kyc_status"}

UNAVAILABLE_TEXT = (
    "Üzgünüm, şu anda hesap sistemimize ulaşamıyorum ve bilgilerinizi getiremedim. "
    "Birkaç dakika sonra tekrar deneyebilirsiniz; isterseniz sizi hemen canlı destekteki "
    "bir temsilcimize bağlayayım."
)
GUEST_TEXT = (
    "Hesabınıza özel bilgileri paylaşabilmem için sitede oturum açmış olmanız gerekiyor. "
    "Lütfen giriş yapıp bana tekrar yazın. Dilerseniz sizi canlı destekteki bir "
    "temsilcimize de bağlayabilirim."
)


def apologise_unavailable(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(text=UNAVAILABLE_TEXT, buttons=[HUMAN_BUTTON])


def refuse_guest(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(text=GUEST_TEXT, buttons=[HUMAN_BUTTON])


ANSWERING_SLOT = "answering"  # "<message id>|<intent>": the second question of that message


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent the bot is answering now: the message's, or its second question's after
    `action_next_question` (only for that same message)."""
    latest = tracker.latest_message or {}
    answering = tracker.get_slot(ANSWERING_SLOT) or ""
    message_id, _, second = answering.partition("|")
    if second and message_id and message_id == latest.get("message_id"):
        return second
    return (latest.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


class AccountAction(Action, ABC):
    """An action that acts for the signed-in player.

    Guests get a polite refusal and a human; a back-office that is down or slow gets an
    apology and a human. Subclasses implement :meth:`act` with the verified player id. A form's
    submit action names the form's slots in `form_slots`: they are cleared whatever the outcome,
    so the next request starts empty.
    """

    requires_player = True
    form_slots: Tuple[Text, ...] = ()

    @abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        ...

    def cleared(self) -> List[EventType]:
        return [SlotSet(slot, None) for slot in self.form_slots]

    def on_guest(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                 domain: Dict[Text, Any]) -> List[EventType]:
        refuse_guest(dispatcher)
        return self.cleared()

    def on_unavailable(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: Dict[Text, Any]) -> List[EventType]:
        apologise_unavailable(dispatcher)
        return self.cleared()

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        player_id = player_id_of(tracker)
        if self.requires_player and player_id is None:
            return self.on_guest(dispatcher, tracker, domain)
        try:
            return await self.act(dispatcher, tracker, domain, player_id)
        except BackOfficeUnavailable as exc:
            logger.warning("%s: back-office unavailable (%s)", self.name(), exc)
            return self.on_unavailable(dispatcher, tracker, domain)
        except Exception:  # a bug must not leave the player without an answer
            logger.exception("%s failed", self.name())
            return self.on_unavailable(dispatcher, tracker, domain)
