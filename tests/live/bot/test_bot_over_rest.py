"""The whole bot as a customer meets it: the REST channel, the trained model and the action server."""

from __future__ import annotations

import json
import sqlite3
from typing import List

import pytest

from paybot.guide import load_guide
from tests.support.live_servers import LiveBot

PHONE = "1577-1940"


def agent_status_messages() -> List[str]:
    """Every way the guide can say whether agents work now (the test runs on the real clock)."""
    messages = load_guide().messages
    return [messages[key].split("{")[0] for key in ("agent_status_open", "agent_status_closed", "agent_status_limited")]


def test_phone_number_question_gets_the_number(bot: LiveBot) -> None:
    """The README's curl: '고객센터 전화번호 알려주세요' answers with 1577-1940."""
    assert PHONE in bot.texts("rest-contact", "고객센터 전화번호 알려주세요")


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("상담원 연결해주세요", id="polite"),
        pytest.param("상담원연결", id="no-spaces"),
        pytest.param("사람이랑 얘기하고 싶어요ㅠㅠ", id="crying"),
    ],
)
def test_request_for_a_person_gets_number_and_agent_status(bot: LiveBot, message: str) -> None:
    """Asking for a person gives the number and whether agents work right now."""
    text = bot.texts(f"rest-human-{message}", message)
    assert PHONE in text
    assert any(status in text for status in agent_status_messages())


def test_unresolved_payment_collects_the_case_and_summarises_it(bot: LiveBot) -> None:
    """Details already given are not asked again; the summary lists them for the agent."""
    sender = "rest-case"
    first = bot.say(sender, "어제 3만원 카드결제했는데 돈만 빠지고 결제가 안됐어요 ㅠㅠ")
    assert "30,000원" in first[0]["text"]
    assert first[-1]["buttons"][0]["payload"] == "/affirm"
    assert PHONE in bot.texts(sender, "아니요")
    question = bot.texts(sender, "네")
    assert "오류 메시지" in question
    summary = bot.texts(sender, "에러 E1023 떴어요")
    assert "문제가 생긴 시점: 어제" in summary
    assert "사용한 기능: 결제 오류 (카드)" in summary
    assert "E1023" in summary
    assert PHONE in summary


def test_skipping_every_case_question(bot: LiveBot) -> None:
    """Each question can be skipped with its button; the summary says what is unknown."""
    sender = "rest-skip"
    bot.texts(sender, "상담원 바꿔주세요")
    assert "언제" in bot.texts(sender, "네")
    assert "기능" in bot.texts(sender, "/deny")
    assert "오류" in bot.texts(sender, "/deny")
    summary = bot.texts(sender, "/deny")
    assert summary.count(load_guide().messages["case_unknown"]) == 3


def test_resolved_topic_asks_for_feedback_and_keeps_it(bot: LiveBot) -> None:
    """A resolved topic asks for a 1-5 rating and a comment, both kept in the tracker store."""
    sender = "rest-feedback"
    bot.texts(sender, "송금 잘못 보냈어요 😭")
    assert "1점" in bot.texts(sender, "해결됐어요")
    assert "더 하고 싶은 말씀" in bot.texts(sender, "⭐⭐⭐⭐")
    assert "감사" in bot.texts(sender, "상담원분이 친절했어요")

    with sqlite3.connect(bot.tracker_db) as database:
        rows = database.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot'", (sender,)
        ).fetchall()
    slots = {json.loads(data)["name"]: json.loads(data)["value"] for (data,) in rows}
    assert slots["feedback_rating"] == 4
    assert slots["feedback_comment"] == "상담원분이 친절했어요"


def test_two_unclear_messages_in_a_row_hand_off(bot: LiveBot) -> None:
    """The first unclear message gets topic buttons; the second one the phone number."""
    sender = "rest-unclear"
    first = bot.say(sender, "음 그러니까 그게")
    assert first[0]["text"] == load_guide().message("clarify")
    assert len(first[0]["buttons"]) >= 2
    assert PHONE in bot.texts(sender, "뭐지")


def test_fraud_is_urgent(bot: LiveBot) -> None:
    """A fraud report gets the number and 'never share your PIN' straight away."""
    text = bot.texts("rest-fraud", "보이스피싱 당한거 같아요 제가 안한 송금이 있어요")
    assert PHONE in text
    assert "PIN" in text


def test_interrupted_rating_answers_then_asks_again(bot: LiveBot) -> None:
    """A guide question during the rating is answered, then the rating is asked again."""
    sender = "rest-interrupt"
    bot.texts(sender, "환불 신청하고 싶어요")
    bot.texts(sender, "네 도움됐어요")
    text = bot.texts(sender, "근데 상담 시간이 언제예요?")
    assert "오전 9시" in text
    assert "1점" in text


def test_keyboard_mash_after_the_feedback_question_is_not_a_yes(bot: LiveBot) -> None:
    """'ㅋㅌㅊㅍ' after '도움이 되셨나요?' gets the clarification, while the shorthand 'ㅇㅇ!' is a yes."""
    clarify = load_guide().message("clarify").splitlines()[0]
    assert "도움이 되셨나요" in bot.texts("rest-mash", "결제가 안 돼요")
    assert clarify in bot.texts("rest-mash", "ㅋㅌㅊㅍ")
    assert "도움이 되셨나요" in bot.texts("rest-shorthand", "결제가 안 돼요")
    yes = bot.texts("rest-shorthand", "ㅇㅇ!")
    assert yes and clarify not in yes
