"""Rasa component: Turkish case- and diacritic-insensitive tokens and lemmas.

Runs after the tokenizer. It rewrites `token.text` and `token.lemma` (which the
featurizers read) to folded forms, so `İPTAL`, `iptal` and `ıptal` or `çekim` and
`cekim` produce the same features. The message text itself is never changed, so
what is logged, stored and shown stays exactly what the player wrote.

With `SpacyNLP` in the pipeline, lemmas come from the folded lemma table that
`bot.spacy_model` stores in the project's spaCy model.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.spacy_model import FOLDED_TABLE
from casinra_contracts.text import fold

RESPONSE = "response"
_ATTRIBUTES = (TEXT, RESPONSE, ACTION_TEXT)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    is_trainable=False,
    model_from="SpacyNLP",
)
class TurkishTextNormalizer(GraphComponent):
    """Folds token texts and lemmas with Turkish casing and ASCII spellings."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"fold_text": True, "fold_lemma": True, "relemmatize": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config
        self._table: Any = None
        self._table_from: Optional[int] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TurkishTextNormalizer":
        return cls(config)

    def _lemma_table(self, model: Optional[SpacyModel]) -> Any:
        if model is None or not self._config["relemmatize"]:
            return None
        if self._table_from != id(model.model):
            self._table_from = id(model.model)
            self._table = None
            if "lemmatizer" in model.model.pipe_names:
                lookups = model.model.get_pipe("lemmatizer").lookups
                if lookups.has_table(FOLDED_TABLE):
                    self._table = lookups.get_table(FOLDED_TABLE)
        return self._table

    def _normalize(self, message: Message, table: Any) -> None:
        for attribute in _ATTRIBUTES:
            tokens = message.get(TOKENS_NAMES[attribute])
            if not tokens:
                continue
            for token in tokens:
                folded = fold(token.text)
                lemma = table.get(folded) if table is not None else None
                if self._config["fold_lemma"]:
                    token.lemma = fold(lemma or token.lemma or token.text)
                if self._config["fold_text"]:
                    token.text = folded

    def process_training_data(
        self, training_data: TrainingData, model: Optional[SpacyModel] = None
    ) -> TrainingData:
        table = self._lemma_table(model)
        for example in training_data.training_examples:
            self._normalize(example, table)
        return training_data

    def process(
        self, messages: List[Message], model: Optional[SpacyModel] = None
    ) -> List[Message]:
        table = self._lemma_table(model)
        for message in messages:
            self._normalize(message, table)
        return messages
