"""Rasa component: unmistakable phrases decide when the classifier cannot.

Runs after the FallbackClassifier. Two kinds of phrases live in
`bot/rescue_keywords.yml`:

- `patterns` rescue a message that fell back (`nlu_fallback`): a plain request
  for a person, a short greeting, thanks or goodbye gets its answer instead of
  "I did not understand".
- a transaction id in a message the classifier could not place makes it a transaction lookup.
- `explicit` phrases win over any prediction except the intents in `keep`: a
  player who writes "çekimim gelmedi, bir temsilciyle görüşmek istiyorum" has
  asked for a person, whatever the rest of the message is about. A negation
  right after the phrase ("… bağlanmak istemiyorum") cancels it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from casinra_contracts.text import fold

DEFAULT_KEYWORDS = Path(__file__).with_name("rescue_keywords.yml")
FALLBACK = "nlu_fallback"
NEGATION_WINDOW = 30  # characters after an explicit phrase searched for a negation


@dataclass(frozen=True)
class Rule:
    intent: str
    pattern: re.Pattern
    max_words: Optional[int] = None
    explicit: bool = False
    negation: Optional[re.Pattern] = None
    keep: FrozenSet[str] = field(default_factory=frozenset)

    def matches(self, folded: str, words: int) -> bool:
        if self.max_words is not None and words > self.max_words:
            return False
        for match in self.pattern.finditer(folded):
            after = folded[match.end(): match.end() + NEGATION_WINDOW]
            if self.negation is None or not self.negation.search(after):
                return True
        return False


def load_rules(path: Path) -> List[Rule]:
    """`{intent: {max_words, patterns, explicit, negation, keep}}` → rules."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = []
    for intent, spec in data.items():
        negation = re.compile(fold(spec["negation"])) if spec.get("negation") else None
        keep = frozenset(spec.get("keep", ()))
        rules += [
            Rule(intent, re.compile(fold(p)), max_words=spec.get("max_words"))
            for p in spec.get("patterns", ())
        ]
        rules += [
            Rule(intent, re.compile(fold(p)), explicit=True, negation=negation, keep=keep)
            for p in spec.get("explicit", ())
        ]
    return rules


def rescue(text: str, rules: List[Rule], predicted: str = FALLBACK) -> Optional[str]:
    """The intent the phrases decide for `text`, given the classifier's `predicted`."""
    folded = fold(text)
    words = len(re.findall(r"\w+", folded))
    for rule in rules:
        if predicted != FALLBACK and (not rule.explicit or predicted in rule.keep):
            continue
        if rule.intent != predicted and rule.matches(folded, words):
            return rule.intent
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
        self._rules: Optional[List[Rule]] = None

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
    def rules(self) -> List[Rule]:
        if self._rules is None:
            self._rules = load_rules(Path(self._config["keywords_file"]))
        return self._rules

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            current = message.get(INTENT) or {}
            text = message.get(TEXT)
            predicted = current.get(INTENT_NAME_KEY)
            if not predicted or not text:
                continue
            intent = rescue(text, self.rules, predicted)
            if intent is None and predicted in (FALLBACK, "out_of_scope") and any(
                    e.get("entity") == "transaction_id" for e in message.get("entities") or []):
                intent = "transaction_lookup"  # "10000002 ne oldu": an id the classifier could not place
            if intent:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: current.get(PREDICTED_CONFIDENCE_KEY, 0.0)},
                    add_to_output=True,
                )
                message.set("rescued_from", predicted, add_to_output=True)
        return messages
