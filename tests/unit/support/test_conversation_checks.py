"""tests/support/conversation_checks.py: every conversation check on plain replies, without a live bot."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List

import pytest

from paybot.guide import load_guide
from tests.support.conversation_checks import (
    CHECK_NAMES,
    Vocabulary,
    always_problems,
    evaluate,
    reply_lines,
    slots_from_events,
    transcript,
    turn_problems,
    validate_check,
)

PHONE = "1577-1940"
WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 0)
WEDNESDAY_NIGHT = datetime(2026, 12, 2, 22, 0)
SATURDAY = datetime(2026, 12, 5, 14, 0)
GREETING = "안녕하세요! 고객지원 챗봇이에요 😊 결제, 송금, 환불을 안내해 드려요. 무엇을 도와드릴까요?"
CASE_QUESTIONS = [
    "문제가 언제 생겼나요? (예: 방금, 어제 오후 3시)",
    "그때 어떤 기능을 쓰고 계셨나요? (예: 카드 결제, 계좌 송금, QR 결제)",
    "화면에 나온 오류 메시지나 오류 코드가 있었다면 그대로 적어 주세요.",
]


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    """The vocabulary built from the real guide, with the domain's greeting and case questions."""
    return Vocabulary.from_guide(load_guide(), GREETING, CASE_QUESTIONS)


def test_phone(vocab: Vocabulary) -> None:
    """@phone finds the number."""
    assert evaluate("@phone", f"고객센터 {PHONE}으로 전화해 주세요.", vocab)
    assert not evaluate("@phone", "고객센터로 전화해 주세요.", vocab)


def test_ars24(vocab: Vocabulary) -> None:
    """@ars24 finds the 24-hour line."""
    assert evaluate("@ars24", "자동응답(ARS)은 24시간 이용할 수 있어요.", vocab)
    assert not evaluate("@ars24", "자동응답(ARS)으로 전화해 주세요.", vocab)


def open_status_line() -> str:
    """The guide's "agents can be reached now" line, until 6 pm."""
    return load_guide().message("agent_status_open", until="오후 6시", agent_status="")


def test_agents_open_and_closed_from_the_guides_own_status_lines(vocab: Vocabulary) -> None:
    """The guide's status line for each moment is recognised as open or closed, never both."""
    guide = load_guide()
    open_line = open_status_line()
    for closed_line in (guide.agent_status_text(WEDNESDAY_NIGHT), guide.agent_status_text(SATURDAY)):
        assert evaluate("@agents_closed", closed_line, vocab), closed_line
        assert not evaluate("@agents_open", closed_line, vocab), closed_line
    assert evaluate("@agents_open", open_line, vocab)
    assert not evaluate("@agents_closed", open_line, vocab)


@pytest.mark.parametrize(
    "text, is_open, is_closed",
    [
        pytest.param("지금은 상담원과 바로 통화하실 수 있어요.", True, False, id="open-reworded"),
        pytest.param("지금은 상담원 연결이 어려워요.", False, True, id="closed-hard"),
        pytest.param("오늘(성탄절)은 상담원 연결이 제한될 수 있어요.", False, True, id="limited-holiday"),
        pytest.param("주말과 공휴일에는 상담원 연결이 제한될 수 있어요.", False, False, id="general-summary-only"),
        pytest.param("상담원 상담은 평일 오전 9시부터 오후 6시까지예요.", False, False, id="hours-only"),
    ],
)
def test_agent_status_phrasings(vocab: Vocabulary, text: str, is_open: bool, is_closed: bool) -> None:
    """The general hours summary says nothing about now; reworded status lines still count."""
    assert evaluate("@agents_open", text, vocab) is is_open
    assert evaluate("@agents_closed", text, vocab) is is_closed


def test_until(vocab: Vocabulary) -> None:
    """@until is the guide's closing time with 까지."""
    assert evaluate("@until", "오늘은 오후 6시까지 상담원과 통화할 수 있어요.", vocab)
    assert not evaluate("@until", "평일 오전 9시부터예요.", vocab)


@pytest.mark.parametrize(
    "check, yes, no",
    [
        ("@clarify", "죄송해요, 제가 잘 이해하지 못했어요.", "네, 알겠어요."),
        ("@never_share", "PIN은 누가 물어도 알려 주지 마세요.", "PIN을 준비해 주세요."),
        ("@never_share", "인증번호는 절대 알려주지 마세요.", "인증번호를 알려 주세요."),
        ("@apology", "불편을 드려 죄송해요.", "좋아요!"),
        ("@apology", "많이 답답하셨겠어요.", "알겠어요."),
        ("@resolved_question", "안내가 도움이 되셨나요?", "더 궁금한 점 있으세요?"),
        ("@rating_question", "1점(아쉬워요)부터 5점(아주 좋아요)까지 골라 주세요.", "감사해요."),
        ("@rating_question", "1부터 5 사이의 숫자로 골라 주세요.", "숫자로 골라 주세요."),
        ("@comment_question", "더 하고 싶은 말씀이 있으면 적어 주세요.", "감사해요."),
        ("@summary_offer", "제가 하나씩 여쭤보고 정리해 드릴까요?", "정리했어요."),
        ("@summary", "상담원에게 아래 내용을 그대로 읽어 주세요.", "상담원에게 전화해 주세요."),
        ("@case_question", "문제가 언제 생겼나요? (예: 방금)", "문제가 생겼군요."),
        ("@case_question", "그때 어떤 기능을 쓰고 계셨나요?", "기능이 궁금해요."),
        ("@case_question", "화면에 나온 오류 메시지나 오류 코드가 있었다면 그대로 적어 주세요.",
         "화면에 오류 메시지나 오류 코드가 나왔다면 그대로 적어 두세요."),
        ("@not_in_guide", "그 부분은 안내 자료에 없어요.", "안내해 드릴게요."),
        ("@goodbye", "이용해 주셔서 감사해요.", "감사해요."),
        ("@cheerful", "도움이 되었다니 다행이에요 😊", "도움이 되었다니 다행이에요."),
        ("@cheerful", GREETING.replace(" 😊", ""), "무엇이 불편하셨나요?"),
        ("카드", "카드로 결제하셨군요.", "계좌로 보내셨군요."),
    ],
)
def test_text_checks(vocab: Vocabulary, check: str, yes: str, no: str) -> None:
    """Each text check holds for a reply that says it and not for one that does not."""
    assert evaluate(check, yes, vocab)
    assert not evaluate(check, no, vocab)


def test_topic_reads_the_slot(vocab: Vocabulary) -> None:
    """@topic:<intent> compares the tracker's topic slot."""
    assert evaluate("@topic:refund", "아무 답", vocab, {"topic": "refund"})
    assert not evaluate("@topic:refund", "아무 답", vocab, {"topic": "payment_failure"})
    assert not evaluate("@topic:refund", "아무 답", vocab, {})


def test_topic_answer_is_the_rendered_first_line(vocab: Vocabulary) -> None:
    """@topic_answer finds the first line of the guide's answer, placeholders filled."""
    guide = load_guide()
    for intent in guide.topics:
        full = guide.answer(intent, WEDNESDAY_MORNING) or ""
        assert evaluate(f"@topic_answer:{intent}", full, vocab), intent
    assert not evaluate("@topic_answer:refund", guide.answer("payment_failure", WEDNESDAY_MORNING) or "", vocab)
    assert f"고객센터 전화번호는 {PHONE}" in vocab.topic_first_lines["ask_contact"]


def test_topic_answer_for_an_unknown_topic_is_an_error(vocab: Vocabulary) -> None:
    """A typo in a topic name fails loudly instead of passing a must_not."""
    with pytest.raises(ValueError):
        evaluate("@topic_answer:refnd", "환불", vocab)


def test_max_lines_counts_non_blank_lines(vocab: Vocabulary) -> None:
    """@max_lines:n counts the lines a phone shows, blank ones excluded."""
    text = "한 줄\n\n두 줄\n세 줄"
    assert reply_lines(text) == ["한 줄", "두 줄", "세 줄"]
    assert evaluate("@max_lines:3", text, vocab)
    assert not evaluate("@max_lines:2", text, vocab)


@pytest.mark.parametrize("check", ["@phon", "@topic", "@max_lines:four", "@phone:1", "", 3])
def test_unknown_or_malformed_checks_are_rejected(check: Any) -> None:
    """A typo in a conversation file is reported, not silently treated as failing or passing."""
    with pytest.raises(ValueError):
        validate_check(check)


def test_every_documented_check_is_known() -> None:
    """The checks the conversation format documents all exist."""
    documented = {"phone", "ars24", "agents_open", "agents_closed", "until", "clarify", "never_share", "cheerful",
                  "apology", "resolved_question", "rating_question", "comment_question", "summary_offer",
                  "summary", "case_question", "not_in_guide", "goodbye", "topic", "topic_answer", "max_lines"}
    assert documented == set(CHECK_NAMES)


@pytest.mark.parametrize(
    "text, previous, problem",
    [
        pytest.param("", None, "empty reply", id="empty"),
        pytest.param("네, 알겠어요.", "네, 알겠어요.", "same reply", id="repeat"),
        pytest.param("오늘(기독탄신일)은 상담원 연결이 제한될 수 있어요.", None, "기독탄신일", id="official-name"),
        pytest.param("지금은 상담원 상담 시간이 아니에요. 지금 바로 상담원에게 전화해 주세요.", None,
                     "call an agent now", id="closed-but-call-now"),
        pytest.param("고객센터 {phone}으로 전화해 주세요.", None, "placeholder", id="placeholder"),
        pytest.param("Traceback (most recent call last):\n  File \"/x.py\"", None, "traceback", id="traceback"),
    ],
)
def test_always_problems(vocab: Vocabulary, text: str, previous: str, problem: str) -> None:
    """The checks every turn gets find each kind of problem."""
    problems = always_problems(text, vocab, previous)
    assert any(problem in line for line in problems), problems


def test_a_good_reply_has_no_problems(vocab: Vocabulary) -> None:
    """A reply that says what it must passes, including the every-turn checks."""
    guide = load_guide()
    text = guide.render(guide.topics["refund"].answer, agent_status="") + "\n" + open_status_line()
    assert turn_problems(text, vocab, {"topic": "refund"}, ["@topic:refund", "@phone", "@agents_open"],
                         ["@clarify", "@cheerful"], previous="다른 답") == []


def test_turn_problems_names_the_failing_checks(vocab: Vocabulary) -> None:
    """Each failed must / must_not is named in the problems."""
    problems = turn_problems("죄송해요, 제가 잘 이해하지 못했어요.", vocab, {}, ["@phone"], ["@clarify"])
    assert problems == ["missing @phone", "must not have @clarify"]


def test_slots_from_events_replays_like_rasa() -> None:
    """Slot events set values; a new session clears them and carried-over slots are set again."""
    events: List[Dict[str, Any]] = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "user", "text": "환불이요"},
        {"event": "slot", "name": "topic", "value": "refund"},
        {"event": "slot", "name": "amount", "value": 30000},
        {"event": "session_started"},
        {"event": "slot", "name": "topic", "value": "refund"},
        {"event": "slot", "name": "topic", "value": "payment_failure"},
    ]
    assert slots_from_events(events) == {"topic": "payment_failure"}
    assert slots_from_events(events + [{"event": "restart"}]) == {}


def test_transcript_shows_every_turn() -> None:
    """The failure message shows each user turn and every line of the bot's reply."""
    shown = transcript([("환불이요", "환불 문의 주셨네요.\n1577-1940"), ("네", "")], "2026-12-02 10:00")
    assert shown.splitlines() == [
        "(clock 2026-12-02 10:00)",
        "[1] user: 환불이요",
        "    bot: 환불 문의 주셨네요.",
        "    bot: 1577-1940",
        "[2] user: 네",
        "    bot: ",
    ]


def test_conversation_files_are_valid() -> None:
    """Every conversation file loads: unique names, 2-6 turns, known checks, readable clocks; at least 48."""
    from tests.live.bot.test_conversations import load_conversations

    conversations = load_conversations()
    assert len(conversations) >= 48
    assert {conversation.theme for conversation in conversations} >= {
        "payments", "transfers", "refunds", "account", "emergencies", "forms", "feelings", "hours", "contact",
        "out_of_scope", "mixed",
    }
