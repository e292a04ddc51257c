"""Rasa component: safety keywords escalate even when the classifier is unsure.

Runs last in the NLU pipeline (after the FallbackClassifier). When a message
contains a safety phrase (self-exclusion, addiction, an account taken over, …)
and the classifier did not already pick that topic with confidence, the intent
is set to the safety topic and the message is marked with `safety`, which the
hand-off action turns into an urgent escalation.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from casinra_contracts.text import fold

DEFAULT_KEYWORDS = Path(__file__).with_name("safety_keywords.yml")
INTENT_RANKING = "intent_ranking"


def load_rules(path: Path) -> List[Tuple[str, re.Pattern]]:
    """`{intent: [regex, …]}` → compiled patterns over folded text."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = []
    for intent, patterns in data.items():
        for pattern in patterns:
            rules.append((intent, re.compile(fold(pattern))))
    return rules


def match_safety(text: str, rules: List[Tuple[str, re.Pattern]]) -> Optional[Tuple[str, str]]:
    folded = fold(text)
    for intent, pattern in rules:
        found = pattern.search(folded)
        if found:
            return intent, found.group(0)
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class SafetyEscalation(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"keywords_file": str(DEFAULT_KEYWORDS), "confident": 0.8}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config
        self._rules: Optional[List[Tuple[str, re.Pattern]]] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyEscalation":
        return cls(config)

    @property
    def rules(self) -> List[Tuple[str, re.Pattern]]:
        if self._rules is None:
            self._rules = load_rules(Path(self._config["keywords_file"]))
        return self._rules

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            hit = match_safety(text, self.rules)
            if not hit:
                continue
            intent_name, phrase = hit
            current = message.get(INTENT) or {}
            if (
                current.get(INTENT_NAME_KEY) == intent_name
                and current.get(PREDICTED_CONFIDENCE_KEY, 0) >= self._config["confident"]
            ):
                continue
            confidence = max(current.get(PREDICTED_CONFIDENCE_KEY, 0.0), self._config["confident"])
            message.set(
                INTENT,
                {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: confidence},
                add_to_output=True,
            )
            ranking = [r for r in message.get(INTENT_RANKING) or [] if r.get("name") != intent_name]
            message.set(
                INTENT_RANKING,
                [{INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: confidence}] + ranking,
                add_to_output=True,
            )
            message.set(
                "safety",
                {"intent": intent_name, "phrase": phrase, "overridden": current.get(INTENT_NAME_KEY)},
                add_to_output=True,
            )
        return messages
