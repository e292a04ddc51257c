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

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.sparse import SparseModel
from casinra_contracts.text import fold_words
from casinra_contracts.topics import NEUTRAL_INTENTS

logger = logging.getLogger(__name__)

ARRAYS = "second_question.npz"
SECONDARY_INTENT = "secondary_intent"
SECONDARY_RESPONSE = "secondary_response"
CUTS = re.compile(r"[,;.!?]+|\b(?:ve|ayrica|bir de|hem de|hem|ek olarak|bunun yaninda|bir sey daha|and|also)\b")


def clauses(text: str) -> List[str]:
    """The parts of a message that could each be a question (two words at least)."""
    return [part.strip() for part in CUTS.split(fold_words(text)) if part and len(part.split()) >= 2]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SecondQuestion(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"confidence": 0.4, "C": 20.0}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 arrays: Optional[Dict[str, np.ndarray]] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = SparseModel(arrays) if arrays else None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SecondQuestion":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SecondQuestion":
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / ARRAYS, allow_pickle=False) as stored:
                    arrays = {key: stored[key] for key in stored.files}
        except (ValueError, FileNotFoundError):
            arrays = None
        return cls(config, model_storage, resource, arrays)

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = [], []
        for example in training_data.intent_examples:
            if example.get(TEXT) and example.get(INTENT):
                texts.append(example.get(TEXT))
                labels.append(example.get(INTENT_RESPONSE_KEY) or example.get(INTENT))
        if len(set(labels)) < 2:
            return self._resource
        self._model = SparseModel.fit(texts, labels, self._config["C"])
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / ARRAYS, **self._model.arrays)
        return self._resource

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
