"""korean_nlu.dense_reranker: a logistic regression over e5 embeddings re-ranks unsure intents."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from korean_nlu import dense_reranker
from korean_nlu.dense_reranker import FLOOR, DenseReranker, combine, fit_intent_classifier, softmax_probabilities

EXAMPLES = {
    "refund": ["환불 언제 들어와요", "취소한 결제 환불이 아직 안 됐어요", "환불 받고 싶어요"],
    "out_of_scope": ["오늘 날씨 진짜 좋다", "배고파 점심 뭐 먹지", "주말에 영화 볼까"],
}


def ranking(*pairs: Any) -> List[Dict[str, Any]]:
    """An intent ranking from (name, confidence) pairs."""
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_combine_is_a_weighted_geometric_mean() -> None:
    """An intent both opinions like wins over one only a single opinion likes; the result is a
    normalised ranking, best first."""
    combined = combine(
        ranking(("refund", 0.6), ("payment_failure", 0.4)), {"payment_failure": 0.7, "refund": 0.3}, weight=0.7
    )
    assert [item["name"] for item in combined] == ["payment_failure", "refund"]
    expected = {"refund": 0.6**0.3 * 0.3**0.7, "payment_failure": 0.4**0.3 * 0.7**0.7}
    total = sum(expected.values())
    assert combined[0]["confidence"] == pytest.approx(expected["payment_failure"] / total)
    assert sum(item["confidence"] for item in combined) == pytest.approx(1.0)


def test_an_intent_one_side_does_not_name_is_not_vetoed_but_sinks() -> None:
    """Missing from DIET's ranking counts as FLOOR, not zero: the intent appears, far below."""
    combined = combine(ranking(("refund", 1.0)), {"refund": 0.5, "out_of_scope": 0.5}, weight=0.5)
    names = [item["name"] for item in combined]
    assert names == ["refund", "out_of_scope"]
    assert combined[1]["confidence"] == pytest.approx(FLOOR**0.5 * 0.5**0.5 / (0.5**0.5 + FLOOR**0.5 * 0.5**0.5))


def test_softmax_probabilities_sum_to_one_and_follow_the_scores() -> None:
    """The classifier's probabilities: one per intent, summing to 1, the highest score first."""
    weights = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    probabilities = softmax_probabilities(np.array([2.0, 1.0]), weights, np.zeros(3), np.array(["a", "b", "c"]))
    assert set(probabilities) == {"a", "b", "c"}
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert probabilities["a"] > probabilities["b"] > probabilities["c"]


def test_two_intents_get_one_row_each() -> None:
    """sklearn keeps a single row for two classes; the fitted classifier has the softmax form, one row
    per intent, and separates the two."""
    embeddings = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    weights, bias, labels = fit_intent_classifier(embeddings, ["a", "a", "b", "b"], strength=10.0)
    assert weights.shape == (2, 2) and list(labels) == ["a", "b"]
    assert max(softmax_probabilities(np.array([1.0, 0.0]), weights, bias, labels).items(), key=lambda i: i[1])[0] == "a"
    assert max(softmax_probabilities(np.array([0.0, 1.0]), weights, bias, labels).items(), key=lambda i: i[1])[0] == "b"


def train_reranker(folder: Path, cache: Path) -> DenseReranker:
    """A re-ranker trained on a handful of real examples (real e5 embeddings), loaded back from its storage."""
    config = {**DenseReranker.get_default_config(), "cache_dir": str(cache)}
    folder.mkdir(parents=True)
    storage = LocalModelStorage(folder)
    component = DenseReranker.create(config, storage, Resource("dense"), ExecutionContext(None))  # type: ignore[arg-type]
    messages = [Message(data={TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items() for text in texts]
    component.train(TrainingData(messages))
    return DenseReranker.load(config, storage, Resource("dense"), ExecutionContext(None))  # type: ignore[arg-type]


@pytest.fixture
def reranker(tmp_path: Path) -> DenseReranker:
    """A re-ranker trained on a handful of real examples."""
    return train_reranker(tmp_path / "model", tmp_path / "cache")


def test_retraining_reuses_the_embeddings_and_learns_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second training embeds nothing (the cache has every example) and fits the same classifier."""
    first = train_reranker(tmp_path / "first", tmp_path / "cache")
    embedded: List[str] = []
    real_embed = dense_reranker.embed
    monkeypatch.setattr(dense_reranker, "embed", lambda texts: embedded.extend(texts) or real_embed(texts))
    second = train_reranker(tmp_path / "second", tmp_path / "cache")
    assert embedded == []
    np.testing.assert_allclose(first.weights, second.weights)
    assert list(first.labels) == list(second.labels)


def test_an_unsure_chit_chat_message_is_re_ranked_towards_out_of_scope(reranker: DenseReranker) -> None:
    """'날씨가 너무 좋네요' that the classifier half-thought a refund becomes out of scope."""
    message = Message(data={TEXT: "날씨가 너무 좋네요"})
    message.set(INTENT, {"name": "refund", "confidence": 0.55})
    message.set(INTENT_RANKING_KEY, ranking(("refund", 0.55), ("out_of_scope", 0.45)))
    reranker.process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"


def test_a_sure_message_is_left_alone(reranker: DenseReranker) -> None:
    """At or above ``below_confidence`` the classifier's decision stands (and nothing is embedded)."""
    message = Message(data={TEXT: "날씨가 너무 좋네요"})
    message.set(INTENT, {"name": "refund", "confidence": 0.995})
    message.set(INTENT_RANKING_KEY, ranking(("refund", 0.995)))
    reranker.process([message])
    assert message.get(INTENT) == {"name": "refund", "confidence": 0.995}


def test_a_message_the_shorthand_guard_made_unclear_stays_unclear(reranker: DenseReranker) -> None:
    """Confidence 0 (a keyboard mash) is not revived by the second opinion."""
    message = Message(data={TEXT: "ㅋㅌㅊㅍ"})
    message.set(INTENT, {"name": "affirm", "confidence": 0.0})
    message.set(INTENT_RANKING_KEY, ranking(("affirm", 0.96)))
    reranker.process([message])
    assert message.get(INTENT)["confidence"] == 0.0
