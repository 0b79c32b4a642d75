"""action_answer_topic: every guide topic is answered from the guide file."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.topics import ActionAnswerTopic
from paybot.guide import load_guide
from tests.conftest import SEOUL_SATURDAY, TrackerFactory

PHONE = "1577-1940"


@pytest.mark.parametrize(
    "intent, text, remembers_topic",
    [
        pytest.param("payment_failure", "결제가 안 돼요", True, id="payment"),
        pytest.param("transfer_issue", "송금했는데 상대가 못 받았대요", True, id="transfer"),
        pytest.param("refund", "환불 언제 돼요", True, id="refund"),
        pytest.param("account_access", "로그인이 안 돼요", True, id="account"),
        pytest.param("ask_contact", "고객센터 번호 알려주세요", False, id="contact"),
        pytest.param("ask_hours", "상담 시간이 어떻게 돼요", False, id="hours"),
    ],
)
async def test_topic_answer_comes_from_the_guide(
    intent: str,
    text: str,
    remembers_topic: bool,
    dispatcher: CollectingDispatcher,
    make_tracker: TrackerFactory,
    domain: Dict[str, Any],
    frozen_clock: Any,
) -> None:
    """The reply is the guide's answer, with the phone number; problem topics are remembered."""
    events = await ActionAnswerTopic().run(dispatcher, make_tracker(text, intent), domain)

    assert [message["text"] for message in dispatcher.messages] == [load_guide().answer(intent)]
    assert PHONE in dispatcher.messages[0]["text"]
    assert events == ([SlotSet("topic", intent)] if remembers_topic else [])


async def test_hours_answer_says_whether_agents_work_now(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any], frozen_clock: Any
) -> None:
    """On a Saturday the hours answer says agents are limited and when they are next in."""
    frozen_clock(SEOUL_SATURDAY)
    await ActionAnswerTopic().run(dispatcher, make_tracker("상담 시간", "ask_hours"), domain)
    text = dispatcher.messages[0]["text"]
    assert "토요일" in text
    assert "11월 30일(월) 오전 9시" in text
    assert "평일 오전 9시부터 오후 6시" in text


async def test_amount_and_error_code_are_acknowledged_honestly(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any], frozen_clock: Any
) -> None:
    """A mentioned amount is repeated back; an error code gets 'the guide does not explain it'."""
    entities = [
        {"entity": "amount", "value": 30000, "start": 0, "end": 3},
        {"entity": "error_code", "value": "E1023", "start": 10, "end": 15},
    ]
    tracker = make_tracker("3만원 결제 오류 E1023", "payment_failure", entities=entities)
    await ActionAnswerTopic().run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert "30,000원" in text
    assert "E1023" in text and "정확히 알려 드릴 수 없어요" in text


async def test_refund_answer_invents_no_timeline(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any], frozen_clock: Any
) -> None:
    """The guide gives no refund timeline, so the bot says it cannot tell and gives the number."""
    await ActionAnswerTopic().run(dispatcher, make_tracker("환불 며칠 걸려요", "refund"), domain)
    text = dispatcher.messages[0]["text"]
    assert "정확히 안내해 드릴 수 없어요" in text
    assert PHONE in text
    assert not any(word in text for word in ("영업일", "3일", "7일", "즉시 환불"))


async def test_out_of_scope_says_what_the_bot_can_help_with(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any]
) -> None:
    """An off-topic request gets what the bot does instead, without a slot change."""
    events = await ActionAnswerTopic().run(dispatcher, make_tracker("맛집 추천해줘", "out_of_scope"), domain)
    assert events == []
    assert "결제, 송금, 환불" in dispatcher.messages[0]["text"]
