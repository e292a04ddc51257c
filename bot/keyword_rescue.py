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

The phrases file is read when the model is trained and stored in the model (its digest is part of
the component's fingerprint, so a changed file retrains it): a promoted or rolled-back model
rescues with the phrases it was measured with, whatever the working tree holds.
"""
from __future__ import annotations

import hashlib
import logging
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
from rasa.shared.nlu.training_data.training_data import TrainingData

from casinra_contracts.text import fold

logger = logging.getLogger(__name__)

DEFAULT_KEYWORDS = Path(__file__).with_name("rescue_keywords.yml")
STORED = "rescue_keywords.yml"  # the phrases as trained, in the model
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
    return parse_rules(path.read_text(encoding="utf-8"))


def parse_rules(source: str) -> List[Rule]:
    """`{intent: {max_words, patterns, explicit, negation, keep}}` (YAML) → rules."""
    data = yaml.safe_load(source) or {}
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
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class KeywordRescue(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"keywords_file": str(DEFAULT_KEYWORDS)}

    @classmethod
    def keywords_file(cls, config: Dict[Text, Any]) -> Path:
        """The phrases file `config` names, else the default one."""
        return Path({**cls.get_default_config(), **config}["keywords_file"])

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The phrases file is not given by Rasa's graph: without its digest in the fingerprint,
        Rasa's training cache would keep the phrases of an earlier training."""
        path = cls.keywords_file(config)
        return hashlib.sha256(path.read_bytes() if path.is_file() else b"").hexdigest()

    def __init__(self, config: Dict[Text, Any], model_storage: Optional[ModelStorage] = None,
                 resource: Optional[Resource] = None, source: Optional[str] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._source = source  # the phrases as trained (None: not trained, read from the file)
        self._rules: Optional[List[Rule]] = None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "KeywordRescue":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "KeywordRescue":
        source = None
        try:
            with model_storage.read_from(resource) as directory:
                source = (directory / STORED).read_text(encoding="utf-8")
        except (ValueError, FileNotFoundError):
            logger.warning("KeywordRescue: the model holds no phrases, reading %s", cls.keywords_file(config))
        return cls(config, model_storage, resource, source)

    def train(self, training_data: TrainingData) -> Resource:
        """Keep the phrases file in the model (checked by parsing it now)."""
        source = self.keywords_file(self._config).read_text(encoding="utf-8")
        self._rules = parse_rules(source)
        self._source = source
        assert self._model_storage is not None and self._resource is not None
        with self._model_storage.write_to(self._resource) as directory:
            (directory / STORED).write_text(source, encoding="utf-8")
        return self._resource

    @property
    def rules(self) -> List[Rule]:
        if self._rules is None:
            self._rules = (parse_rules(self._source) if self._source is not None
                           else load_rules(self.keywords_file(self._config)))
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
