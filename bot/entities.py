"""Rasa component: Turkish-aware entity extraction and normalisation.

Reads the regexes, lookup tables and synonyms that the content team keeps in
`data/nlu/entities.yml`, matches lookup entries case- and diacritic-insensitively
(`KREDİ KARTI`, `kredi karti`), and gives every entity one canonical value:
`transaction_id` → `TX-10482733`, `amount` → `1500.00`, others via synonyms.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_json_file, dump_obj_as_json_to_file

from casinra_contracts.ids import normalise_transaction_id
from casinra_contracts.money import normalise_amount
from casinra_contracts.text import fold

_WORD = r"[0-9a-zçğıöşüâîû]"

# Entities with a canonical form defined by the shared contracts.
_NORMALIZERS = {"transaction_id": normalise_transaction_id, "amount": normalise_amount}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class TurkishEntityExtractor(GraphComponent):
    """Regex and lookup entities, matched on folded text, with canonical values."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        regexes: Optional[Dict[str, List[str]]] = None,
        lookups: Optional[Dict[str, List[str]]] = None,
        synonyms: Optional[Dict[str, str]] = None,
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._regexes = regexes or {}
        self._lookups = lookups or {}
        self._synonyms = synonyms or {}
        self._compile()

    def _compile(self) -> None:
        # A lookup element is its own canonical spelling unless a synonym maps it.
        self._canonical = {fold(e): e for elements in self._lookups.values() for e in elements}
        self._canonical.update(self._synonyms)
        self._patterns: List[Tuple[str, re.Pattern]] = []
        for entity, patterns in self._regexes.items():
            for pattern in patterns:
                self._patterns.append((entity, re.compile(pattern, re.IGNORECASE)))
        for entity, elements in self._lookups.items():
            words = sorted({fold(e) for e in elements if e.strip()}, key=len, reverse=True)
            if words:
                alternatives = "|".join(re.escape(w) for w in words)
                # Turkish suffixes may follow (`papara'ya`, `pasaportumu`): left edge only.
                self._patterns.append(
                    (entity, re.compile(rf"(?<!{_WORD})(?:{alternatives})"))
                )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TurkishEntityExtractor":
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self._regexes = {}
        for regex in training_data.regex_features:
            self._regexes.setdefault(regex["name"], []).append(regex["pattern"])
        self._lookups = {
            table["name"]: list(_elements(table["elements"]))
            for table in training_data.lookup_tables
        }
        self._synonyms = {fold(k): v for k, v in training_data.entity_synonyms.items()}
        for canonical in set(training_data.entity_synonyms.values()):
            self._synonyms.setdefault(fold(canonical), canonical)
        self._compile()
        with self._model_storage.write_to(self._resource) as path:
            dump_obj_as_json_to_file(
                path / "entities.json",
                {"regexes": self._regexes, "lookups": self._lookups, "synonyms": self._synonyms},
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TurkishEntityExtractor":
        try:
            with model_storage.read_from(resource) as path:
                data = read_json_file(path / "entities.json")
        except ValueError:
            return cls(model_storage, resource)
        return cls(model_storage, resource, data["regexes"], data["lookups"], data["synonyms"])

    def extract(self, text: str) -> List[Dict[str, Any]]:
        folded = fold(text)
        found: List[Dict[str, Any]] = []
        for entity, pattern in self._patterns:
            haystack = text if entity in self._regexes else folded
            for match in pattern.finditer(haystack):
                start, end = match.span()
                if start == end:
                    continue
                value = self.canonical(entity, text[start:end])
                if value is None:
                    continue
                found.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: entity,
                        ENTITY_ATTRIBUTE_START: start,
                        ENTITY_ATTRIBUTE_END: end,
                        ENTITY_ATTRIBUTE_VALUE: value,
                        EXTRACTOR: self.__class__.__name__,
                    }
                )
        return _longest_non_overlapping(found)

    def canonical(self, entity: str, raw: str) -> Optional[str]:
        normalizer = _NORMALIZERS.get(entity)
        if normalizer:
            return normalizer(raw)
        return self._canonical.get(fold(raw), raw)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            existing = message.get(ENTITIES, [])
            taken = [(e["start"], e["end"]) for e in existing if "start" in e]
            new = [
                e for e in self.extract(text)
                if not any(e["start"] < end and start < e["end"] for start, end in taken)
            ]
            message.set(ENTITIES, existing + new, add_to_output=True)
        return messages


def _elements(elements: Any) -> Iterable[str]:
    if isinstance(elements, str):
        return (line.strip() for line in elements.splitlines() if line.strip())
    return (str(e) for e in elements)


def _longest_non_overlapping(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    chosen: List[Dict[str, Any]] = []
    for entity in sorted(entities, key=lambda e: (e["start"] - e["end"], e["start"])):
        if all(entity["end"] <= c["start"] or c["end"] <= entity["start"] for c in chosen):
            chosen.append(entity)
    return sorted(chosen, key=lambda e: e["start"])
