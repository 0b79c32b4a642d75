"""Rasa graph component: a message of bare jamo or symbols the training data never showed is unclear.

Customers write shorthand in 초성 (ㅇㅇ yes, ㄴㄴ no, ㄱㅅ thanks) and the training data teaches the
classifier those. But the classifier also answers confidently for a keyboard mash with the same
characters: "ㅋㅌㅊㅍ" came out as *affirm* (0.96), "ㅂㅈㄷㄱ" as *goodbye* (0.99), "..." as *affirm*; after
"안내가 도움이 되셨나요?" that would close the customer's problem as solved.

A *bare* message has no complete Hangul syllable, no Latin letter and no digit: only jamo (ㅇㅇ, ㅠㅠ),
punctuation and emoji. Its *key* drops the whitespace and the decoration around jamo and emoji
(punctuation, ~, ^: "ㅇㅇ!" and "ㄱㅅ^^" are ㅇㅇ and ㄱㅅ; a message of punctuation alone keeps it), drops ㅠ/ㅜ
typed after other jamo as a tone ("ㅂㅂㅇㅠ" is ㅂㅂㅇ; "ㅠㅠ" alone stays ㅠㅠ) and shortens
every run of one character to two (ㅇㅇㅇ → ㅇㅇ, ㅋㅋㅋㅋ → ㅋㅋ). Training collects, per intent, the keys of its bare training examples.
A bare message is *known* for the intent the classifier gave it when its key is one of that intent's keys
or, for keys of two or more characters, when every pair of neighbouring characters occurs in that
intent's keys (ㅂㅂㅇ is goodbye from ㅂㅂ and ㅂㅇ). Otherwise it gets intent confidence 0, so the
FallbackClassifier after this component turns it into ``nlu_fallback`` and the bot asks what the customer
means. Trainers teach a new shorthand the usual way: an example ``ㅇㅋㅇㅋ`` under *affirm* makes it known
after retraining.

Use it after the intent classifier and before the FallbackClassifier in ``config.yml``::

    - name: korean_nlu.shorthand_guard.ShorthandGuard
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

KEYS_FILE = "known_shorthand.json"
# What makes a message more than shorthand: a Hangul syllable, a Latin letter (any case), a digit.
_WORDS = re.compile(r"[\uac00-\ud7a3A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_RUN = re.compile(r"(.)\1{2,}", re.DOTALL)
# Jamo that mark crying or sadness (ㅠㅠ, ㅜㅜ), typed after other shorthand as a tone.
_TEARS = frozenset("ㅠㅜ")


def _is_decoration(character: Text) -> bool:
    """Punctuation, ~ and ^, spaces, combining marks and joiners: what "ㅇㅇ!", "ㅇㅇ~", "ㄱㅅ^^" add to ㅇㅇ, ㄱㅅ."""
    category = unicodedata.category(character)
    return category[0] in "PZMC" or category in ("Sm", "Sk")


def shorthand_key(text: Text) -> Optional[Text]:
    """The key of a bare message (see the module docstring), or None when the message has words."""
    if _WORDS.search(text):
        return None
    characters = "".join(text.split())
    core = "".join(character for character in characters if not _is_decoration(character))
    # ㅠ/ㅜ beside other jamo are a tone ("ㅂㅂㅇㅠ" is a sad ㅂㅂㅇ), not part of the shorthand; alone they stay.
    letters = "".join(character for character in core if character not in _TEARS)
    key = _RUN.sub(r"\1\1", letters or core or characters)
    return key or None


def _pairs(key: Text) -> Set[Text]:
    return {key[index:index + 2] for index in range(len(key) - 1)}


class KnownShorthand:
    """The bare training examples' keys, per intent."""

    def __init__(self, keys_by_intent: Optional[Mapping[Text, Iterable[Text]]] = None) -> None:
        """Builds the lookup from ``{intent: keys}``."""
        self.keys_by_intent: Dict[Text, FrozenSet[Text]] = {
            intent: frozenset(keys) for intent, keys in (keys_by_intent or {}).items()
        }
        self._pairs_by_intent = {
            intent: set().union(*map(_pairs, keys)) if keys else set()
            for intent, keys in self.keys_by_intent.items()
        }

    @classmethod
    def from_examples(cls, examples: Iterable[Tuple[Text, Text]]) -> "KnownShorthand":
        """From (text, intent) pairs: the keys of the bare texts, per intent."""
        keys: Dict[Text, Set[Text]] = {}
        for text, intent in examples:
            key = shorthand_key(text)
            if key:
                keys.setdefault(intent, set()).add(key)
        return cls(keys)

    def knows(self, key: Text, intent: Optional[Text]) -> bool:
        """Whether ``key`` is shorthand the training data showed for ``intent`` (see the module docstring)."""
        keys = self.keys_by_intent.get(intent or "", frozenset())
        if key in keys:
            return True
        return len(key) >= 2 and _pairs(key) <= self._pairs_by_intent.get(intent or "", set())

    def as_json(self) -> Text:
        """The lookup as JSON, for the model."""
        return json.dumps({intent: sorted(keys) for intent, keys in sorted(self.keys_by_intent.items())},
                          ensure_ascii=False)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ShorthandGuard(GraphComponent):
    """Sets intent confidence 0 for bare shorthand the training data never showed."""

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, known: Optional[KnownShorthand] = None
    ) -> None:
        """Creates the guard with the known shorthand."""
        self._model_storage = model_storage
        self._resource = resource
        self.known = known or KnownShorthand()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ShorthandGuard":
        """Creates an untrained guard (it knows no shorthand yet)."""
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ShorthandGuard":
        """Loads the known keys from the model."""
        try:
            with model_storage.read_from(resource) as directory:
                stored = json.loads((directory / KEYS_FILE).read_text(encoding="utf-8"))
            if not isinstance(stored, dict) or not all(isinstance(keys, list) for keys in stored.values()):
                raise ValueError(f"{KEYS_FILE} is not {{intent: [keys]}}")
            known = KnownShorthand(stored)
        except (ValueError, FileNotFoundError) as error:
            logger.warning("No known shorthand in the model (%s); every bare message will count as unclear. "
                           "Retrain the model.", error)
            known = KnownShorthand()
        return cls(model_storage, resource, known)

    def train(self, training_data: TrainingData) -> Resource:
        """Collects the keys of the bare training examples and stores them with the model."""
        self.known = KnownShorthand.from_examples(
            (example.get(TEXT) or "", example.get(INTENT)) for example in training_data.intent_examples
        )
        with self._model_storage.write_to(self._resource) as directory:
            (directory / KEYS_FILE).write_text(self.known.as_json(), encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Marks bare messages with an unknown key as unclear (intent confidence 0)."""
        for message in messages:
            key = shorthand_key(message.get(TEXT) or "")
            intent = message.get(INTENT)
            if key is None or not intent or self.known.knows(key, intent.get(INTENT_NAME_KEY)):
                continue
            logger.debug("Unknown shorthand %r (classified as %s): unclear.", key, intent.get(INTENT_NAME_KEY))
            message.set(INTENT, {**intent, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged."""
        return training_data
