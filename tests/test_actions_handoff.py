"""Hand-off actions: phone number and agent status at once, the case summary, fraud safety."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionCaseSummary, ActionHandoff, ActionStartCase, ValidateCaseForm
from paybot.guide import load_guide
from tests.conftest import TrackerFactory

PHONE = "1577-1940"


async def test_request_for_a_person_gets_number_and_status_then_the_offer(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any], frozen_clock: Any
) -> None:
    """The number and 'agents are in now' come first; the case-summary offer follows with buttons."""
    events = await ActionHandoff().run(dispatcher, make_tracker("상담원 연결", "request_human"), domain)

    first, offer = dispatcher.messages
    assert PHONE in first["text"] and "상담원 연결이 가능한 시간" in first["text"]
    assert offer["response"] == "utter_offer_case_summary"
    assert offer["offer_text"] == load_guide().message("offer_case_summary")
    assert events == []


async def test_fraud_gets_the_number_and_safety_steps_at_once(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any], frozen_clock: Any
) -> None:
    """A fraud report is answered with the phone and 'never share passwords or PINs'."""
    events = await ActionHandoff().run(dispatcher, make_tracker("피싱 당했어요", "report_fraud"), domain)

    text = dispatcher.messages[0]["text"]
    assert PHONE in text
    assert "비밀번호" in text and "PIN" in text and "절대 묻지 않아요" in text
    assert events == [SlotSet("topic", "report_fraud")]


async def test_unresolved_problem_gets_the_hand_off_message(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any], frozen_clock: Any
) -> None:
    """A 'no' to 'did it help?' gets the guide's hand-off message."""
    await ActionHandoff().run(dispatcher, make_tracker("아니요", "deny"), domain)
    assert dispatcher.messages[0]["text"] == load_guide().message("handoff")


async def test_case_is_prefilled_from_what_the_customer_said(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any]
) -> None:
    """Time, method and error code already mentioned are not asked again."""
    slots = {"topic": "payment_failure", "method": "카드", "when": "어제", "error_code": "E1023"}
    events = await ActionStartCase().run(dispatcher, make_tracker("네", "affirm", slots=slots), domain)
    assert events == [
        SlotSet("case_when", "어제"),
        SlotSet("case_feature", "결제 오류 (카드)"),
        SlotSet("case_error", "E1023"),
    ]


async def test_case_prefill_leaves_unknown_questions_to_ask(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any]
) -> None:
    """With nothing said yet, no case slot is set, so the form asks every question."""
    events = await ActionStartCase().run(dispatcher, make_tracker("네", "affirm"), domain)
    assert events == []


async def test_case_summary_shows_answers_and_skips(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any], frozen_clock: Any
) -> None:
    """The summary lists each answer, 'unknown' for a skipped one, then the number; slots reset."""
    slots = {"case_when": "어제 오후 3시", "case_feature": "QR 결제", "case_error": "skipped"}
    events = await ActionCaseSummary().run(dispatcher, make_tracker("없어요", "deny", slots=slots), domain)

    text = dispatcher.messages[0]["text"]
    assert "문제가 생긴 시점: 어제 오후 3시" in text
    assert "사용한 기능: QR 결제" in text
    assert "오류 메시지: 확인 안 됨" in text
    assert PHONE in text
    assert events == [SlotSet("case_when", None), SlotSet("case_feature", None), SlotSet("case_error", None)]


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("  어제   저녁 ", "어제 저녁", id="spaces-collapsed"),
        pytest.param("skipped", "skipped", id="skip-kept"),
        pytest.param("   ", "skipped", id="blank-is-skip"),
        pytest.param(None, None, id="unasked-stays-unasked"),
        pytest.param("가" * 500, "가" * 200, id="long-answer-capped"),
    ],
)
def test_case_answers_are_tidied(
    value: Optional[str], expected: Optional[str], dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any]
) -> None:
    """Free-text answers are trimmed and capped; blank ones count as skipped."""
    validator = ValidateCaseForm()
    tracker = make_tracker(value, "out_of_scope")
    assert validator.validate_case_when(value, dispatcher, tracker, domain) == {"case_when": expected}


@pytest.mark.parametrize(
    "channel, button, open_now, expected",
    [
        ("rest", "true", True, "chat_handoff_phone_only"),
        ("kakao", "false", True, "chat_handoff_phone_only"),
        ("kakao", "true", False, "chat_handoff_phone_only"),
        ("kakao", "true", True, "chat_handoff_kakao_operator"),
    ],
)
async def test_request_for_a_person_says_how_this_chat_reaches_one(
    dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, domain: Dict[str, Any], frozen_clock: Any,
    monkeypatch: pytest.MonkeyPatch, channel: str, button: str, open_now: bool, expected: str,
) -> None:
    """On Kakao with the operator button shown, the answer points to it; everywhere else: phone only."""
    monkeypatch.setenv("KAKAO_OPERATOR_BUTTON", button)
    if not open_now:
        frozen_clock(datetime(2026, 11, 25, 22, 30))  # a Wednesday night in Seoul
    tracker = make_tracker("상담원 연결", "request_human")
    tracker.events[-1]["input_channel"] = channel
    await ActionHandoff().run(dispatcher, tracker, domain)

    guide = load_guide()
    last_line = dispatcher.messages[0]["text"].splitlines()[-1]
    assert last_line == guide.message(expected, operator_label=guide.topic("request_human").label)
    assert PHONE in dispatcher.messages[0]["text"]
