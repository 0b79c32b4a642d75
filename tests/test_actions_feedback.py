"""The feedback form: ratings read from digits, stars and words; skips and topic changes."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import ValidateFeedbackForm
from paybot.ratings import parse_rating
from tests.conftest import TrackerFactory

ASKING_RATING = {"requested_slot": "feedback_rating"}


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("5", 5, id="digit"),
        pytest.param("4점이요", 4, id="digit-with-unit"),
        pytest.param("⭐⭐⭐", 3, id="stars"),
        pytest.param("⭐ 2", 2, id="button-title"),
        pytest.param("오점 드릴게요", 5, id="korean-numeral"),
        pytest.param("다섯 점", 5, id="native-numeral"),
        pytest.param("10", None, id="out-of-range"),
        pytest.param("010-1234-5678", None, id="phone-number"),
        pytest.param("좋았어요", None, id="no-number"),
    ],
)
def test_parse_rating(text: str, expected: Optional[int]) -> None:
    """Ratings 1-5 are read from how customers answer; other numbers are not ratings."""
    assert parse_rating(text) == expected


async def test_rating_is_extracted(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any]
) -> None:
    """A tapped '4' fills the rating."""
    tracker = make_tracker("4", "affirm", slots=ASKING_RATING, active_loop="feedback_form")
    assert await ValidateFeedbackForm().extract_feedback_rating(dispatcher, tracker, domain) == {
        "feedback_rating": 4
    }


async def test_skipping_the_rating_ends_the_feedback(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any]
) -> None:
    """'평가 안 할래요' skips both the rating and the comment."""
    tracker = make_tracker("평가 안 할래요", "deny", slots=ASKING_RATING, active_loop="feedback_form")
    assert await ValidateFeedbackForm().extract_feedback_rating(dispatcher, tracker, domain) == {
        "feedback_rating": "skipped",
        "feedback_comment": "skipped",
    }


async def test_new_topic_leaves_the_rating_to_the_rules(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any]
) -> None:
    """A question about something else extracts nothing, so the form yields."""
    tracker = make_tracker("상담 시간 알려줘", "ask_hours", slots=ASKING_RATING, active_loop="feedback_form")
    assert await ValidateFeedbackForm().extract_feedback_rating(dispatcher, tracker, domain) == {}
    assert dispatcher.messages == []


async def test_unclear_rating_is_asked_again(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any]
) -> None:
    """An answer without a rating gets 'pick 1 to 5' and the question again."""
    tracker = make_tracker("글쎄요", "affirm", slots=ASKING_RATING, active_loop="feedback_form")
    assert await ValidateFeedbackForm().extract_feedback_rating(dispatcher, tracker, domain) == {
        "feedback_rating": None
    }
    assert dispatcher.messages[0]["response"] == "utter_invalid_rating"
