"""The plumbing every component built on `bot.sparse.SparseModel` shares: the model's arrays are
stored as one `.npz` (no pickle) in Rasa's model storage, loaded back, or absent before training;
text files the component read while training (`TEXTS`) are kept beside them, so a model carries
what it was trained with."""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.sparse import SparseModel

logger = logging.getLogger(__name__)


class SparseModelComponent(GraphComponent):
    ARRAYS = "model.npz"  # each subclass names its own file
    TEXTS: Tuple[str, ...] = ()  # text files stored with the arrays (see `_store`)

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 arrays: Optional[Dict[str, np.ndarray]] = None, texts: Optional[Dict[str, str]] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = SparseModel(arrays) if arrays else None
        self._texts: Dict[str, str] = dict(texts or {})

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SparseModelComponent":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SparseModelComponent":
        texts: Dict[str, str] = {}
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / cls.ARRAYS, allow_pickle=False) as stored:
                    arrays = {key: stored[key] for key in stored.files}
                texts = {name: (directory / name).read_text(encoding="utf-8")
                         for name in cls.TEXTS if (directory / name).is_file()}
        except (ValueError, FileNotFoundError):
            logger.debug("%s: no trained model in storage.", cls.__name__)
            arrays = None
        return cls(config, model_storage, resource, arrays, texts)

    def _store(self, model: SparseModel, texts: Optional[Dict[str, str]] = None) -> Resource:
        """Keep the trained model and `texts` ({file name in `TEXTS`: content}) in the model."""
        self._model = model
        self._texts = dict(texts or {})
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / self.ARRAYS, **model.arrays)
            for name, text in self._texts.items():
                (directory / name).write_text(text, encoding="utf-8")
        return self._resource
