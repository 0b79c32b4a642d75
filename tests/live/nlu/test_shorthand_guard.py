"""Bare jamo and symbols: known shorthand (ㅇㅇ, ㄱㅅ) keeps its intent; an unknown mash becomes unclear."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from korean_nlu.shorthand_guard import ShorthandGuard, shorthand_key

TRAINING = [("ㅇㅇ", "affirm"), ("ㅇㅇㅇ", "affirm"), ("ㅇㅋ", "affirm"), ("ㄴㄴ", "deny"), ("ㄱㅅ", "thank"),
            ("ㅂㅂ", "goodbye"), ("ㅂㅇ", "goodbye"), ("ㅁㄴㅇㄹ", "out_of_scope"), ("결제가 안 돼요", "payment_failure"),
            ("ㅇㅇ 해줘", "affirm")]


@pytest.mark.parametrize(
    "text, key",
    [("ㅇㅇ", "ㅇㅇ"), ("ㅇ ㅇ", "ㅇㅇ"), ("ㅋㅋㅋㅋㅋ", "ㅋㅋ"), ("...", ".."), ("ㅠㅠ!!!", "ㅠㅠ"), ("👍", "👍"),
     ("ㅇㅇ~", "ㅇㅇ"), ("ㄱㅅ^^", "ㄱㅅ"), ("ㅂㅂㅇㅠ", "ㅂㅂㅇ"), ("ㄴㄴㅜㅜ", "ㄴㄴ"), ("ㅜㅜㅜ", "ㅜㅜ"), ("ㅇㅇ.", "ㅇㅇ"), ("❤️", "❤"), ("?!?!", "?!?!"),
     ("ㅇㅇ 해줘", None), ("ok", None), ("3만원", None), ("ＯＫ", None), ("/affirm", None), ("   ", None)],
)
def test_keys(text: str, key: str) -> None:
    """Only messages without syllables, Latin letters or digits have a key; runs are shortened to two."""
    assert shorthand_key(text) == key


@pytest.fixture()
def trained(tmp_path: Path) -> ShorthandGuard:
    """A guard trained on a small data set, persisted and loaded again as Rasa does."""
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test-model")
    resource = Resource("shorthand")
    guard = ShorthandGuard.create({}, storage, resource, context)
    guard.train(TrainingData([Message(data={TEXT: text, INTENT: intent}) for text, intent in TRAINING]))
    return ShorthandGuard.load({}, storage, resource, context)


def classified(guard: ShorthandGuard, text: str, intent: str = "affirm", confidence: float = 0.96) -> float:
    """The confidence left after the guard, for a message the classifier gave ``intent``."""
    message = Message(data={TEXT: text, INTENT: {"name": intent, "confidence": confidence}})
    return guard.process([message])[0].get(INTENT)["confidence"]


@pytest.mark.parametrize(
    "text, intent",
    [("ㅇㅇ", "affirm"), ("ㅇㅇㅇㅇ", "affirm"), ("ㅇ ㅇ", "affirm"), ("ㄱㅅ", "thank"), ("ㅁㄴㅇㄹ", "out_of_scope"),
     ("ㅂㅂㅇ", "goodbye"), ("ㅇㅇㅋ", "affirm"), ("ㅇㅇ!", "affirm"), ("ㄱㅅ^^", "thank"), ("ㅂㅂㅇㅠ", "goodbye"), ("ㄴㄴㅜㅜ", "deny"), ("결제 ㅠㅠ", "affirm"), ("ㅋㅌㅊㅍ 결제요", "affirm"), ("ok ㅋㅋ", "affirm")],
)
def test_known_shorthand_and_words_keep_their_confidence(trained: ShorthandGuard, text: str, intent: str) -> None:
    """Shorthand the training data showed for the intent (or made of its pairs), and words, are left alone."""
    assert classified(trained, text, intent) == 0.96


@pytest.mark.parametrize("text, intent", [("ㄱㅅ", "affirm"), ("ㅂㅂ", "affirm"), ("ㅇㅇ", "deny")])
def test_known_shorthand_under_another_intent_is_unclear(trained: ShorthandGuard, text: str, intent: str) -> None:
    """Thanks classified as yes is a classifier mistake: unclear, not yes."""
    assert classified(trained, text, intent) == 0.0


@pytest.mark.parametrize("text", ["ㅋㅌㅊㅍ", "ㅋㅌㅊㅍㅠㅠ", "ㅂㅈㄷㄱ", "ㅏㅓㅗㅜ", "...", "ㅋㅋㅋㅋ", "ㅎㅎ", "👍👍", "ㄱㄱ"])
def test_unknown_shorthand_becomes_unclear(trained: ShorthandGuard, text: str) -> None:
    """A mash the training data never showed gets confidence 0: the fallback classifier then asks."""
    assert classified(trained, text) == 0.0


def test_an_untrained_model_knows_no_shorthand(tmp_path: Path) -> None:
    """Loading a model without the keys file treats every bare message as unclear, words still pass."""
    storage = LocalModelStorage(tmp_path)
    guard = ShorthandGuard.load({}, storage, Resource("missing"), ExecutionContext(GraphSchema({}), "m"))
    assert classified(guard, "ㅇㅇ") == 0.0
    assert classified(guard, "네 맞아요") == 0.96


def messages_without_intent() -> List[Message]:
    """A message no classifier has labelled (e.g. in a pipeline without one)."""
    return [Message(data={TEXT: "ㅋㅌㅊㅍ"})]


def test_messages_without_an_intent_pass_through(trained: ShorthandGuard) -> None:
    """Nothing to correct when no intent was predicted."""
    assert trained.process(messages_without_intent())[0].get(INTENT) is None


def test_a_model_with_unreadable_keys_still_answers(tmp_path: Path) -> None:
    """Keys stored in another shape (an older model) are ignored with a warning, not a crash per message."""
    storage = LocalModelStorage(tmp_path)
    resource = Resource("old")
    with storage.write_to(resource) as directory:
        (directory / "known_shorthand.json").write_text('["ㅇㅇ"]', encoding="utf-8")
    guard = ShorthandGuard.load({}, storage, resource, ExecutionContext(GraphSchema({}), "m"))
    assert classified(guard, "ㅋㅌㅊㅍ") == 0.0
    assert classified(guard, "결제가 안 돼요") == 0.96
