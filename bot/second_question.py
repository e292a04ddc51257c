"""Rasa component: a second question in the same message ("e-posta adresiniz ne, telefonla da
arayabilir miyim?", "bonusum ne durumda, bir de yatırımım neden geçmedi").

A whole-message classifier is sure of one intent and says nothing of the other, so the message is
cut into clauses (at punctuation and at "ve", "ayrıca", "bir de", "hem", …) and each clause is
classified on its own by a small model of this component (trained on the NLU examples, the FAQ
answers as labels). When a later clause asks for something else, it is written to the message:
`secondary_intent` (another topic, answered by the rules of that intent) or `secondary_response`
(another FAQ answer of the same intent). `bot.policy.ConversationPolicy` answers it after the first.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.sparse import SparseModel
from bot.sparse_component import SparseModelComponent
from casinra_contracts.text import fold_words
from casinra_contracts.topics import NEUTRAL_INTENTS

logger = logging.getLogger(__name__)

SECONDARY_INTENT = "secondary_intent"
SECONDARY_RESPONSE = "secondary_response"
CUTS = re.compile(r"[,;.!?]+|\b(?:ve|ayrica|bir de|hem de|hem|ek olarak|bunun yaninda|bir sey daha|and|also)\b")


def clauses(text: str) -> List[str]:
    """The parts of a message that could each be a question (two words at least)."""
    return [part.strip() for part in CUTS.split(fold_words(text)) if part and len(part.split()) >= 2]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SecondQuestion(SparseModelComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"confidence": 0.4, "C": 20.0}

    ARRAYS = "second_question.npz"

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = [], []
        for example in training_data.intent_examples:
            if example.get(TEXT) and example.get(INTENT):
                texts.append(example.get(TEXT))
                labels.append(example.get(INTENT_RESPONSE_KEY) or example.get(INTENT))
        if len(set(labels)) < 2:
            return self._resource
        return self._store(SparseModel.fit(texts, labels, self._config["C"]))

    def second(self, text: str, intent: str, response: Optional[str]) -> Optional[Dict[str, Any]]:
        """The other question of a two-part message, given what the whole message was taken for."""
        if self._model is None:
            return None
        parts = clauses(text)
        if len(parts) < 2:
            return None
        asked = []
        for part in parts:
            probs = self._model.probabilities(part)
            label = max(probs, key=probs.__getitem__)
            if probs[label] >= self._config["confidence"] and label.split("/")[0] not in NEUTRAL_INTENTS:
                asked.append((label, probs[label]))
        first = response or intent
        others = [(label, p) for label, p in asked if label != first and label.split("/")[0] != "follow_up"]
        if not others or not any(label == first or label.split("/")[0] == intent for label, _ in asked):
            return None  # the whole message's answer must be one of the parts
        label, confidence = others[0]
        if label.split("/")[0] == intent:
            return {SECONDARY_RESPONSE: {"name": label, "confidence": round(confidence, 3)}}
        return {SECONDARY_INTENT: {"name": label.split("/")[0], "confidence": round(confidence, 3)}}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            intent = (message.get(INTENT) or {}).get("name")
            if not text or text.startswith("/") or not intent or intent in NEUTRAL_INTENTS:
                continue
            selectors = message.get("response_selector") or {}
            selector = selectors.get(intent) or selectors.get("default") or {}
            response = (selector.get("response") or {}).get("intent_response_key")
            response = response if response and response.startswith(intent + "/") else None
            found = self.second(text, intent, response)
            for key, value in (found or {}).items():
                message.set(key, value, add_to_output=True)
        return messages
