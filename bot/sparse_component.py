"""The plumbing every component built on `bot.sparse.SparseModel` shares: the model's arrays are
stored as one `.npz` (no pickle) in Rasa's model storage, loaded back, or absent before training."""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.sparse import SparseModel

logger = logging.getLogger(__name__)


class SparseModelComponent(GraphComponent):
    ARRAYS = "model.npz"  # each subclass names its own file

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 arrays: Optional[Dict[str, np.ndarray]] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = SparseModel(arrays) if arrays else None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SparseModelComponent":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SparseModelComponent":
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / cls.ARRAYS, allow_pickle=False) as stored:
                    arrays = {key: stored[key] for key in stored.files}
        except (ValueError, FileNotFoundError):
            logger.debug("%s: no trained model in storage.", cls.__name__)
            arrays = None
        return cls(config, model_storage, resource, arrays)

    def _store(self, model: SparseModel) -> Resource:
        self._model = model
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / self.ARRAYS, **model.arrays)
        return self._resource
