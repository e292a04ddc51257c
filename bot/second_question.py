"""Rasa component: a second question in the same message ("e-posta adresiniz ne, telefonla da
arayabilir miyim?").

When the message has two clauses (joined by "ve", "ayrıca", "bir de", "hem … hem", a second "?"…)
and the classifier's second intent is strong and about a different need, it is written to the
message as `secondary_intent`; `bot.policy.ConversationPolicy` answers it after the first.
Within one FAQ topic (e-mail and phone under `contact_info`) the response selector's second
answer is marked the same way as `secondary_response`.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from casinra_contracts.text import fold_words
from casinra_contracts.topics import NEUTRAL_INTENTS

SECONDARY_INTENT = "secondary_intent"
SECONDARY_RESPONSE = "secondary_response"
JOINERS = re.compile(r"\b(ve|ayrica|bir de|hem|ek olarak|bunun yaninda|and|also)\b|\?.+\S")


def has_two_clauses(text: str) -> bool:
    folded = fold_words(text)
    return len(folded.split()) >= 4 and bool(JOINERS.search(folded))


def second_choice(ranking: List[Dict[str, Any]], first: str, minimum: float, ratio: float) -> Optional[Dict[str, Any]]:
    """The runner-up of a ranking when it is strong enough and a different, substantive need."""
    if len(ranking) < 2 or not ranking[0].get("confidence"):
        return None
    runner_up = ranking[1]
    name = runner_up.get("name") or runner_up.get("intent_response_key") or ""
    if not name or name == first or name.split("/")[0] in NEUTRAL_INTENTS:
        return None
    if runner_up.get("confidence", 0.0) < max(minimum, ratio * ranking[0]["confidence"]):
        return None
    return runner_up


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SecondQuestion(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"minimum": 0.2, "ratio": 0.3}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SecondQuestion":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            intent = (message.get(INTENT) or {}).get("name")
            if not text or text.startswith("/") or not intent or not has_two_clauses(text):
                continue
            second = second_choice(message.get("intent_ranking") or [], intent, self._config["minimum"],
                                   self._config["ratio"])
            if second:
                message.set(SECONDARY_INTENT, {"name": second["name"], "confidence": second["confidence"]},
                            add_to_output=True)
            selectors = message.get("response_selector") or {}
            selector = selectors.get(intent) or selectors.get("default") or {}
            ranking = [{"name": r.get("intent_response_key"), "confidence": r.get("confidence")}
                       for r in selector.get("ranking") or []
                       if (r.get("intent_response_key") or "").startswith(intent + "/")]
            top = (selector.get("response") or {}).get("intent_response_key") or ""
            response = second_choice(ranking, top, self._config["minimum"], self._config["ratio"])
            if response:
                message.set(SECONDARY_RESPONSE, {"name": response["name"], "confidence": response["confidence"]},
                            add_to_output=True)
        return messages
