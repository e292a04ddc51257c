"""Rasa component: safety detection — takeover, money the player did not move, phishing, loss of
control, gambling debt, harm to family, hopelessness, self-harm.

It does not depend on one keyword or on the intent classifier's top intent:
- a classifier learns each risk from `data/safety.yml` (stories as players tell them) against every
  ordinary NLU example and the file's `not_safety` list (character n-grams, words, word stems and
  word pairs of the folded text, TF-IDF, multinomial logistic regression; stored as plain arrays,
  no pickle). A strong risk score always escalates; a moderate one escalates unless the intent
  classifier is confident that the message is an ordinary request; self-harm has a lower bar;
- exact phrases in `bot/safety_patterns.yml` (regular expressions over folded text) always count;
  the trained model keeps the patterns it was trained with;
- a message the intent classifier puts under `report_fraud` counts as a fraud risk.

A hit is written to the message as `safety = {risk, score, source, phrase}`; the intent is left as
the classifier said. `bot.policy.ConversationPolicy` turns every hit into an urgent escalation.
Both files are part of the component's training fingerprint: changing either retrains it.
"""
from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.escalation import FRAUD_INTENT, FRAUD_INTENT_CONFIDENCE
from bot.sparse import SparseModel
from bot.sparse_component import SparseModelComponent
from casinra_contracts.text import fold_words
from casinra_contracts.topics import FRAUD_RISKS, RISKS

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
NONE = "none"
SAFETY = "safety"
# Intents whose examples are neither clean counter-examples nor labelled with a risk.
NOT_COUNTER_EXAMPLES = {"report_fraud", "responsible_gaming"}


def load_examples(path: Path) -> Tuple[Dict[str, List[str]], List[str]]:
    """`data/safety.yml` → ({risk: [text, …]}, [not-safety text, …])."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    risks = {}
    for risk, texts in (data.get("safety") or {}).items():
        if risk not in RISKS:
            raise ValueError(f"{path}: unknown risk '{risk}' (known: {', '.join(RISKS)})")
        risks[risk] = [str(t) for t in texts or []]
    return risks, [str(t) for t in data.get("not_safety") or []]


def load_patterns(path: Path) -> List[Tuple[str, re.Pattern]]:
    """`bot/safety_patterns.yml` → [(risk, compiled pattern over folded text), …]."""
    return parse_patterns(path.read_text(encoding="utf-8"), str(path))


def parse_patterns(text: str, source: str) -> List[Tuple[str, re.Pattern]]:
    data = yaml.safe_load(text) or {}
    patterns = []
    for risk, expressions in data.items():
        if risk not in RISKS:
            raise ValueError(f"{source}: unknown risk '{risk}' (known: {', '.join(RISKS)})")
        for expression in expressions or []:
            patterns.append((risk, re.compile(fold_words(expression))))
    return patterns


def _resolve(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafetyDetector(SparseModelComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "examples_file": "data/safety.yml",
            "patterns_file": "bot/safety_patterns.yml",
            "threshold": 0.85,           # 1 − P(none) at or above this always escalates
            "moderate": 0.5,             # … at or above this escalates unless the message is
            "ordinary_confidence": 0.6,  # an ordinary intent classified at least this confidently
            "self_harm_threshold": 0.35,  # P(self_harm) at or above this escalates as self-harm
            "fraud_intent_confidence": FRAUD_INTENT_CONFIDENCE,
            "C": 30.0,
        }

    ARRAYS = "safety_detector.npz"
    PATTERNS = "safety_patterns.yml"
    TEXTS = (PATTERNS,)

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The examples and patterns are read from files, not given by Rasa's graph: without their
        digest in the fingerprint, Rasa's training cache would keep a detector trained on old ones."""
        merged = {**cls.get_default_config(), **config}
        digest = hashlib.sha256()
        for key in ("examples_file", "patterns_file"):
            path = _resolve(merged[key])
            digest.update(path.read_bytes() if path.is_file() else b"")
        return digest.hexdigest()

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 arrays: Optional[Dict[str, np.ndarray]] = None, texts: Optional[Dict[str, str]] = None) -> None:
        super().__init__(config, model_storage, resource, arrays, texts)
        self._patterns: Optional[List[Tuple[str, re.Pattern]]] = None

    def _path(self, key: str) -> Path:
        return _resolve(self._config[key])

    # ------------------------------------------------------------------ training
    def train(self, training_data: TrainingData) -> Resource:
        risks, not_safety = load_examples(self._path("examples_file"))
        texts, labels = [], []
        for risk, examples in risks.items():
            texts += examples
            labels += [risk] * len(examples)
        ordinary = [
            e.get(TEXT) for e in training_data.intent_examples
            if e.get(TEXT) and e.get(INTENT) not in NOT_COUNTER_EXAMPLES
        ] + not_safety
        patterns = self._path("patterns_file").read_text(encoding="utf-8")
        self._patterns = parse_patterns(patterns, str(self._path("patterns_file")))  # a bad one fails the training
        model = SparseModel.fit(texts + ordinary, labels + [NONE] * len(ordinary), self._config["C"])
        return self._store(model, {self.PATTERNS: patterns})

    # ------------------------------------------------------------------ prediction
    @property
    def patterns(self) -> List[Tuple[str, re.Pattern]]:
        """The patterns the model was trained with (an untrained detector: the file's)."""
        if self._patterns is None:
            stored = self._texts.get(self.PATTERNS)
            self._patterns = (parse_patterns(stored, "the model's safety_patterns.yml") if stored is not None
                              else load_patterns(self._path("patterns_file")))
        return self._patterns

    def probabilities(self, text: str) -> Dict[str, float]:
        """P(risk) for every risk and P(none); empty when untrained."""
        return self._model.probabilities(text) if self._model else {}

    def detect(self, text: str, intent: Optional[Dict[str, Any]] = None) -> Optional[Dict[str, Any]]:
        """The safety hit for one message, or None."""
        folded = fold_words(text)
        for risk, pattern in self.patterns:
            found = pattern.search(folded)
            if found:
                return {"risk": risk, "score": 1.0, "source": "pattern", "phrase": found.group(0)}
        probs = self.probabilities(text)
        intent = intent or {}
        if probs:
            if probs.get("self_harm", 0.0) >= self._config["self_harm_threshold"]:
                return {"risk": "self_harm", "score": round(probs["self_harm"], 3), "source": "model"}
            risk_score = 1.0 - probs.get(NONE, 1.0)
            ordinary = (intent.get(INTENT_NAME_KEY) not in (None, "nlu_fallback", *NOT_COUNTER_EXAMPLES)
                        and intent.get(PREDICTED_CONFIDENCE_KEY, 0.0) >= self._config["ordinary_confidence"])
            if risk_score >= self._config["threshold"] or (risk_score >= self._config["moderate"] and not ordinary):
                risk = max((r for r in probs if r != NONE), key=probs.__getitem__)
                return {"risk": risk, "score": round(risk_score, 3), "source": "model"}
        if (intent.get(INTENT_NAME_KEY) == FRAUD_INTENT
                and intent.get(PREDICTED_CONFIDENCE_KEY, 0.0) >= self._config["fraud_intent_confidence"]):
            risk = max(FRAUD_RISKS, key=lambda r: probs.get(r, 0.0)) if probs else "unauthorised_activity"
            return {"risk": risk, "score": round(intent[PREDICTED_CONFIDENCE_KEY], 3), "source": "intent"}
        return None

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            hit = self.detect(text, message.get(INTENT))
            if hit:
                message.set(SAFETY, hit, add_to_output=True)
        return messages
