"""Searching the conversations and reading one, on a real SQLite store of known conversations."""

from __future__ import annotations

from datetime import date
from typing import Dict, List

import pytest
from sqlalchemy.engine import Engine

from console.conversations import load_conversation, search_conversations
from console.filters import FilterError, Period, Search, read_search
from console.signals import Signals
from tests.unit.console.samples import MASKED_PHONE_QUESTION

DAY = Period(date(2026, 12, 1), date(2026, 12, 1))


def senders(store: Engine, signals: Signals, search: Search) -> List[str]:
    """The sender ids the search lists, in its order."""
    return [row.sender_id for row in search_conversations(store, signals, search).rows]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        (Search(period=DAY, text="환불"), {"web-1", "rest-3"}),
        (Search(text="환불"), {"web-1", "rest-3", "old-1"}),
        (Search(period=DAY, handed_off=True), {"web-2", "kakao:k1", "rest-1"}),
        (Search(period=DAY, low_rating=True), {"rest-2"}),
        (Search(period=DAY, resolved=True), {"web-1", "rest-2", "rest-3"}),
        (Search(period=DAY, low_confidence=True), {"rest-1"}),
        (Search(period=DAY, channel="web"), {"web-1", "web-2"}),
        (Search(period=DAY, channel="kakao"), {"kakao:k1"}),
        (Search(topic="refund"), {"web-1", "rest-3", "old-1"}),
        (Search(period=DAY, text="없는 말"), set()),
    ],
)
def test_search_finds_exactly_the_matching_conversations(
    store: Engine, signals: Signals, search: Search, expected: set
) -> None:
    """Each filter lists the conversations it describes and no other."""
    result = search_conversations(store, signals, search)
    assert {row.sender_id for row in result.rows} == expected and result.total == len(expected)


def test_the_list_is_newest_first_and_masks_personal_data(store: Engine, signals: Signals) -> None:
    """The latest conversation comes first; its first message shows the phone number masked."""
    rows = search_conversations(store, signals, Search(period=DAY)).rows
    assert rows[0].sender_id == "rest-3"
    assert rows[0].first_text == MASKED_PHONE_QUESTION and rows[0].topics == ["refund"]
    assert [row.rating for row in rows if row.sender_id in ("web-1", "rest-2")] == [1, 5]


def test_a_conversation_shows_every_turn_and_the_buttons_tapped(store: Engine) -> None:
    """The customer's question, the bot's answer with its buttons, and the tapped '네, 해결됐어요'."""
    conversation = load_conversation(store, "web-1")
    assert conversation is not None
    first, tapped, rating, comment = conversation.turns
    assert (first.text, first.intent, first.tapped) == ("환불 언제 돼요", "refund", None)
    assert first.replies[1] == {"text": "안내가 도움이 되셨나요?", "buttons": ["네, 해결됐어요", "아니요, 상담원 연결"]}
    assert (tapped.text, tapped.tapped) == ("/affirm", "네, 해결됐어요")
    assert rating.text == "5" and comment.text == "친절했어요"
    assert load_conversation(store, "nobody") is None


def test_a_conversation_view_masks_personal_data(store: Engine) -> None:
    """A phone number that reached the store unmasked is masked on the page."""
    conversation = load_conversation(store, "rest-3")
    assert conversation is not None and conversation.turns[0].text == MASKED_PHONE_QUESTION


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"since": "2026-13-01"}, "날짜를 2026-12-03처럼"),
        ({"since": "2026-12-02", "until": "2026-12-01"}, "끝 날짜가 시작 날짜보다"),
        ({"channel": "fax"}, "채널은"),
        ({"topic": "weather"}, "주제는 목록에서"),
        ({"page": "-1"}, "페이지 번호"),
        ({"q": "가" * 101}, "100자까지"),
    ],
)
def test_bad_search_input_is_answered_in_korean(args: Dict[str, str], message: str) -> None:
    """Each unusable field gets its own clear message."""
    with pytest.raises(FilterError, match=message):
        read_search(args, {"refund": "환불 문의"})
