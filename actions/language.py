"""A player asks for an agent who speaks another language: answered honestly, from the agents'
languages in the back-office, in the language the player writes in."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice.repository import BackOfficeUnavailable
from actions.backoffice.service import ask
from actions.common import latest_text
from actions.handoff import request_handoff
from casinra_contracts.text import fold_words
from casinra_contracts.topics import LANGUAGES

ASKED = {"en": r"\b(english|ingilizce|ingilizce bilen|en)\b", "de": r"\b(deutsch|german|almanca|aleman)\b"}
BUTTONS = {
    "en": [{"title": "Yes, connect me", "payload": "/human_handoff"}],
    "de": [{"title": "Ja, bitte verbinden", "payload": "/human_handoff"}],
    "tr": [{"title": "İngilizce", "payload": "İngilizce konuşan bir temsilci istiyorum"},
           {"title": "Almanca", "payload": "Almanca konuşan bir temsilci istiyorum"}],
}


def requested_language(tracker: Tracker) -> Optional[str]:
    folded = fold_words(latest_text(tracker))
    for language, pattern in ASKED.items():
        if re.search(pattern, folded):
            return language
    written = (tracker.latest_message or {}).get("language")
    return written if written in ("en", "de") else None


def turkish_list(items: List[str]) -> str:
    """``['Türkçe', 'İngilizce', 'Almanca']`` → ``'Türkçe, İngilizce ve Almanca'``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " ve " + items[-1]


class ActionLanguageSupport(Action):
    def name(self) -> Text:
        return "action_language_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        language = requested_language(tracker)
        try:
            served = await ask(lambda bo: bo.agent_languages())
        except BackOfficeUnavailable:
            served = frozenset({"tr"})
        names = turkish_list([LANGUAGES[code] for code in LANGUAGES if code in served] or [LANGUAGES["tr"]])
        if language is None:
            buttons = [b for b in BUTTONS["tr"] if ("İngilizce" in b["title"] and "en" in served)
                       or ("Almanca" in b["title"] and "de" in served)]
            dispatcher.utter_message(response="utter_language_support_tr", buttons=buttons, languages=names)
            return []
        if language in served and tracker.get_slot("language") == language:
            # asked again after the offer ("yes, connect me to someone who speaks English")
            return [SlotSet("language", language)] + request_handoff(dispatcher, tracker)
        if language in served:
            dispatcher.utter_message(response=f"utter_language_support_{language}", buttons=BUTTONS[language])
            return [SlotSet("language", language)]
        dispatcher.utter_message(response="utter_language_support_none", language_name=LANGUAGES[language],
                                 languages=names, buttons=[{"title": "Temsilciye bağlan", "payload": "/human_handoff"}])
        return []
