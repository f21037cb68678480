"""Rasa NLU component: each message's MiniLM sentence embedding as a dense feature.

The intent classifier (DIET) saw only bag-of-words and character n-grams, so
"best stretches for tight calves" looked like a report (it names a calf) and
"best running watch for a beginner" like nothing it knew. The sentence
embedding of the MiniLM model that the article search already loads (from a
package, never the network) carries what a message means, so phrasings that
no training example used land near the examples that mean the same.

Sentence level only, in substance: DIET reads the intent from the sentence
features; the sequence features are zeros of the same width, one row per
token, because DIET expects both kinds from a dense featurizer.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.embedder import CACHE_DIR, Embedder

logger = logging.getLogger(__name__)
# Long messages are read in full by the fact extractor; for the intent the
# first part says enough, and the model reads at most 256 word pieces anyway.
MAX_CHARS = 1000


@lru_cache(maxsize=1)
def shared_embedder() -> Embedder:
    """One MiniLM model per process, for this featurizer and the learned sign reader."""
    from knowledge.index import load_encoder

    return Embedder(load_encoder())


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEmbeddingFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self.embedder = shared_embedder()

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [m for m in training_data.training_examples if m.get(TEXT)]
        vectors = self.embedder.many([_readable(m.get(TEXT)) for m in examples], CACHE_DIR)
        for message, vector in zip(examples, vectors):
            self._add(message, vector)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text:
                self._add(message, self.embedder.one(_readable(text)))
        return messages

    def _add(self, message: Message, vector: np.ndarray) -> None:
        tokens: Optional[list] = message.get(TOKENS_NAMES[TEXT])
        sequence = np.zeros((len(tokens or ()) or 1, vector.shape[0]), dtype=np.float32)
        self.add_features_to_message(sequence, vector[np.newaxis, :], TEXT, message)


def _readable(text: str) -> str:
    return text[:MAX_CHARS]
