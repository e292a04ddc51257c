"""Rasa component: which language the player writes in (`tr`, `en` or `de`).

Written to the message as `language`. Function words decide; a mixed Turkish-English message
("withdraw talebim pending'de kaldı") stays Turkish because Turkish words and suffixes count too.
The hand-off asks for an agent who speaks the player's language.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from casinra_contracts.text import turkish_lower

LANGUAGE = "language"
WORDS = {
    "en": set("""the a an is are was were be been my your you i i'm im me we our it its this that
        do does did don't dont have has had can could would should will please want need help with
        for of to from and or but not no yes what how why where when who which any there here
        speak speaks english agent agents person someone account money withdrawal deposit
        bonus password hi hello thanks thank""".split()),
    "de": set("""ich du sie er wir ihr ist sind war bin habe hast hat haben nicht kein keine und oder
        aber mein meine dein ihr der die das den dem ein eine einen mit für von zu auf bitte danke
        hallo konto geld auszahlung einzahlung deutsch sprechen spricht jemand""".split()),
    "tr": set("""ve bir bu şu ne mi mı mu mü için var yok ben sen biz siz o de da ile ama ki gibi
        daha çok nasıl neden niye nerede hangi kaç lütfen merhaba selam teşekkür teşekkürler evet
        hayır tamam hesap hesabım param çekim yatırım bonus şifre kimlik temsilci""".split()),
}
# Turkish letters and suffixes that English and German words do not have.
TURKISH = re.compile(r"[çğışöüÇĞİŞÖÜ]|(yor|yorum|ıyor|iyor|dım|dim|tım|tim|ım|im|um|üm|sın|sin|lar|ler|mı|mi)\b")


def detect_language(text: str) -> str:
    words = re.findall(r"[\w']+", text.lower())  # English/German casing rules
    if not words:
        return "tr"
    turkish_words = re.findall(r"[\w']+", turkish_lower(text))
    scores = {lang: sum(w in vocabulary for w in (turkish_words if lang == "tr" else words))
              for lang, vocabulary in WORDS.items()}
    scores["tr"] += len(TURKISH.findall(text))
    best = max(scores, key=scores.get)
    if best != "tr" and scores[best] >= 2 and scores[best] >= 0.4 * len(words) and scores[best] > scores["tr"]:
        return best
    return "tr"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageDetector(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text and not text.startswith("/"):
                message.set(LANGUAGE, detect_language(text), add_to_output=True)
        return messages
