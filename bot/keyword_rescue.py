"""Rasa component: when the classifier is unsure, unmistakable phrases decide.

Runs after the FallbackClassifier. It only touches messages that fell back
(`nlu_fallback`): if such a message plainly asks for a person ("gerçek bir
insanla konuşmak istiyorum") or is a short greeting, thanks or goodbye, the
player gets that instead of "I did not understand". Confident predictions and
everything else are left alone. Phrases live in `bot/rescue_keywords.yml`.
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

from bot.turkish import fold

DEFAULT_KEYWORDS = Path(__file__).with_name("rescue_keywords.yml")
FALLBACK = "nlu_fallback"


def load_rules(path: Path) -> List[Tuple[str, Optional[int], re.Pattern]]:
    """`{intent: {max_words: N, patterns: [regex, …]}}` → (intent, max_words, pattern)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        (intent, spec.get("max_words"), re.compile(fold(pattern)))
        for intent, spec in data.items()
        for pattern in spec["patterns"]
    ]


def rescue(text: str, rules: List[Tuple[str, Optional[int], re.Pattern]]) -> Optional[str]:
    folded = fold(text)
    words = len(re.findall(r"\w+", folded))
    for intent, max_words, pattern in rules:
        if (max_words is None or words <= max_words) and pattern.search(folded):
            return intent
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class KeywordRescue(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"keywords_file": str(DEFAULT_KEYWORDS)}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config
        self._rules: Optional[List[Tuple[str, Optional[int], re.Pattern]]] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KeywordRescue":
        return cls(config)

    @property
    def rules(self) -> List[Tuple[str, Optional[int], re.Pattern]]:
        if self._rules is None:
            self._rules = load_rules(Path(self._config["keywords_file"]))
        return self._rules

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            current = message.get(INTENT) or {}
            text = message.get(TEXT)
            if current.get(INTENT_NAME_KEY) != FALLBACK or not text:
                continue
            intent = rescue(text, self.rules)
            if intent:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: current.get(PREDICTED_CONFIDENCE_KEY, 0.0)},
                    add_to_output=True,
                )
                message.set("rescued_from", FALLBACK, add_to_output=True)
        return messages
