"""action_clarify: the likeliest topics as buttons, then a hand-off on the second miss."""

from __future__ import annotations

from typing import Any, Dict

from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionClarify
from paybot.clarify import likely_topics
from paybot.guide import load_guide
from tests.conftest import TrackerFactory, user_event

RANKING = [
    {"name": "nlu_fallback", "confidence": 0.5},
    {"name": "refund", "confidence": 0.31},
    {"name": "greet", "confidence": 0.2},
    {"name": "payment_failure", "confidence": 0.19},
    {"name": "transfer_issue", "confidence": 0.1},
]


async def test_first_miss_offers_the_likeliest_topics(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any]
) -> None:
    """The clarification shows the two likeliest guide topics and the hand-off, as Korean buttons."""
    tracker = make_tracker("돈이 이상해요", "nlu_fallback", ranking=RANKING)
    events = await ActionClarify().run(dispatcher, tracker, domain)

    assert events == []
    [message] = dispatcher.messages
    assert message["text"] == load_guide().message("clarify")
    assert message["buttons"] == [
        {"title": "환불 문의", "payload": "/refund"},
        {"title": "결제 오류", "payload": "/payment_failure"},
        {"title": "상담원 연결", "payload": "/request_human"},
    ]


async def test_second_miss_in_a_row_hands_off(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any], frozen_clock: Any
) -> None:
    """Two unclear messages in a row get the phone number and the agents' status instead."""
    earlier = [user_event("뭐지", "nlu_fallback")]
    tracker = make_tracker("음 그러니까", "nlu_fallback", ranking=RANKING, earlier=earlier)
    await ActionClarify().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert "1577-1940" in message["text"]
    assert "상담원 연결이 가능한 시간" in message["text"]
    assert not message.get("buttons")


def test_likely_topics_fill_with_hand_off_when_ranking_is_thin() -> None:
    """With no answerable intent in the ranking, the customer still gets the hand-off button."""
    labels = load_guide().labels
    assert likely_topics([{"name": "greet"}, {"name": "affirm"}], labels) == [("request_human", "상담원 연결")]
