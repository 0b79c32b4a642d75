"""korean_nlu.dense_reranker: nearest training examples in e5 space re-rank unsure intents."""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from korean_nlu.dense_reranker import DenseReranker, mix, neighbour_vote

EXAMPLES = {
    "refund": ["환불 언제 들어와요", "취소한 결제 환불이 아직 안 됐어요", "환불 받고 싶어요"],
    "out_of_scope": ["오늘 날씨 진짜 좋다", "배고파 점심 뭐 먹지", "주말에 영화 볼까"],
}


def ranking(*pairs: Any) -> List[Dict[str, Any]]:
    """An intent ranking from (name, confidence) pairs."""
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_vote_weighs_the_nearest_examples() -> None:
    """The most similar examples' intents get the vote, in proportion to their similarity."""
    labels = np.array(["a", "b", "a", "c"])
    vote = neighbour_vote(np.array([0.9, 0.85, 0.88, 0.2]), labels, k=3, temperature=0.02)
    assert set(vote) == {"a", "b"} and vote["a"] > vote["b"]
    assert sum(vote.values()) == pytest.approx(1.0)


def test_mix_keeps_the_ranking_order_by_combined_score() -> None:
    """The mixed ranking is sorted, and an intent only the vote names appears in it."""
    mixed = mix(ranking(("refund", 0.6), ("payment_failure", 0.4)), {"out_of_scope": 1.0}, weight=0.5)
    assert [item["name"] for item in mixed] == ["out_of_scope", "refund", "payment_failure"]
    assert mixed[0]["confidence"] == pytest.approx(0.5)


@pytest.fixture
def reranker(tmp_path: Any) -> DenseReranker:
    """A re-ranker trained on a handful of real examples (real e5 embeddings)."""
    storage = LocalModelStorage(tmp_path)
    component = DenseReranker.create(
        DenseReranker.get_default_config(), storage, Resource("dense"), ExecutionContext(None)  # type: ignore[arg-type]
    )
    messages = [Message(data={TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items() for text in texts]
    component.train(TrainingData(messages))
    return DenseReranker.load(DenseReranker.get_default_config(), storage, Resource("dense"), ExecutionContext(None))  # type: ignore[arg-type]


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
    """Confidence 0 (a keyboard mash) is not revived by the vote."""
    message = Message(data={TEXT: "ㅋㅌㅊㅍ"})
    message.set(INTENT, {"name": "affirm", "confidence": 0.0})
    message.set(INTENT_RANKING_KEY, ranking(("affirm", 0.96)))
    reranker.process([message])
    assert message.get(INTENT)["confidence"] == 0.0
