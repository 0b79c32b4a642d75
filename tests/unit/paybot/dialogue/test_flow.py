"""paybot.dialogue.flow: how a turn is decided in context, with the NLU's reading given and the clock frozen."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Sequence, Tuple
from zoneinfo import ZoneInfo

import pytest

from paybot.dialogue.flow import respond
from paybot.dialogue.state import Context, Outcome, Turn
from paybot.guide import Guide, load_guide

PHONE = "1577-1940"
SEOUL = ZoneInfo("Asia/Seoul")
WEEKDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=SEOUL)  # Wednesday
WEEKDAY_1755 = datetime(2026, 12, 2, 17, 55, tzinfo=SEOUL)
WEEKDAY_1830 = datetime(2026, 12, 2, 18, 30, tzinfo=SEOUL)
NIGHT_03 = datetime(2026, 12, 3, 3, 0, tzinfo=SEOUL)
SATURDAY = datetime(2026, 12, 5, 14, 0, tzinfo=SEOUL)
CHRISTMAS = datetime(2026, 12, 25, 11, 0, tzinfo=SEOUL)
CHUSEOK = datetime(2026, 9, 25, 11, 0, tzinfo=SEOUL)
SEOLLAL = datetime(2027, 2, 7, 11, 0, tzinfo=SEOUL)
SUBSTITUTE = datetime(2026, 3, 2, 11, 0, tzinfo=SEOUL)  # 삼일절 대체공휴일

Entities = Sequence[Tuple[str, Any]]


class Chat:
    """A conversation driven through ``respond`` with the NLU reading given per turn."""

    def __init__(self, guide: Guide, now: datetime = WEEKDAY_10) -> None:
        self.guide = guide
        self.now = now
        self.slots: Dict[str, Any] = {}
        self.replies: List[str] = []

    def say(self, text: str, intent: str, confidence: float = 0.95, entities: Entities = (),
            ranking: Sequence[Tuple[str, float]] = ()) -> Outcome:
        """Sends one message (``ranking``: the model's guesses behind an ``nlu_fallback``) and keeps the slots."""
        turn = Turn(text=text, intent=intent, confidence=confidence,
                    ranking=((intent, confidence), *ranking), entities=tuple(entities))
        for name, value in entities:
            self.slots[name] = value  # Rasa's from_entity mappings fill these before the action runs
        outcome = respond(turn, Context.from_slots(self.slots), self.guide, self.now)
        self.slots.update(outcome.slots)
        self.replies.append(outcome.text)
        return outcome


@pytest.fixture(scope="module")
def guide() -> Guide:
    """The real support guide."""
    return load_guide()


@pytest.fixture
def chat(guide: Guide) -> Chat:
    """A fresh conversation on a weekday morning."""
    return Chat(guide)


def buttons(outcome: Outcome) -> List[str]:
    """Every button title of the turn."""
    return [title for message in outcome.messages for title, _ in message.buttons]


def test_detail_inside_a_topic_is_acknowledged_there_and_did_it_help_survives(chat: Chat) -> None:
    """'카드로 결제했어요' during a refund stays in the refund; the later '네' still means it helped."""
    chat.say("환불 신청했는데 아직 안 들어왔어요", "refund")
    detail = chat.say("카드로 결제했어요", "payment_failure", 0.9, [("method", "카드")])
    assert "카드" in detail.text and "결제가 안 돼서" not in detail.text
    assert chat.slots["topic"] == "refund"
    yes = chat.say("네", "affirm")
    assert "1점" in yes.text and "5점" in yes.text


def test_follow_up_question_stays_on_the_active_topic(chat: Chat) -> None:
    """'취소 가능해요?' after a transfer answers about the transfer, not the refund block."""
    chat.say("다른 사람한테 송금 잘못 보냈어요", "transfer_issue")
    reply = chat.say("취소 가능해요?", "refund", 0.8)
    assert "송금" in reply.text and "환불이 언제" not in reply.text
    assert chat.slots["topic"] == "transfer_issue"


def test_a_clear_new_topic_switches(chat: Chat) -> None:
    """A new problem, clearly stated, gets its own answer."""
    chat.say("결제가 안 돼요", "payment_failure")
    reply = chat.say("그리고 로그인도 안 되는데 비밀번호를 잊어버렸어요", "account_access", 0.97)
    assert "로그인" in reply.text and chat.slots["topic"] == "account_access"


@pytest.mark.parametrize(
    ("message", "intent", "must"),
    [
        pytest.param("인증번호 알려줘도 돼요?", "report_fraud", "절대 알려 주지 마세요", id="code-to-a-caller"),
        pytest.param("지금 전화하면 돼요?", "nlu_fallback", PHONE, id="call-now"),
        pytest.param("경찰에 신고해야 하나요?", "nlu_fallback", "안내 자료에 없어서", id="police"),
        pytest.param("계좌 정지는 어떻게 해요", "account_access", "지금 바로", id="freeze"),
    ],
)
def test_emergency_follow_ups_stay_on_the_emergency(chat: Chat, message: str, intent: str, must: str) -> None:
    """After a phishing report, follow-ups get the emergency answers, with the phone number."""
    chat.say("보이스피싱 당했어요 300만원 보냈어요", "report_fraud", entities=[("amount", 3000000)])
    reply = chat.say(message, intent, 0.6)
    assert must in reply.text and PHONE in reply.text
    assert "잘 이해하지 못했어요" not in reply.text


def test_emergency_off_hours_names_the_24_hour_line(guide: Guide) -> None:
    """At 3 a.m. the fraud answer does not say 'call an agent now' without the 24-hour ARS."""
    chat = Chat(guide, NIGHT_03)
    reply = chat.say("카드를 잃어버렸어요 누가 결제했어요", "report_fraud")
    assert "상담원 상담 시간이 아니에요" in reply.text and "24시간" in reply.text
    assert "300" not in reply.text


def test_call_now_off_hours_is_no_plain_yes(guide: Guide) -> None:
    """On a Saturday night 'will a person answer now?' gets 'call now' and the limited status, not '네'."""
    chat = Chat(guide, datetime(2026, 12, 5, 22, 30, tzinfo=SEOUL))
    chat.say("송금을 엉뚱한 사람한테 보냈어요", "transfer_issue")
    reply = chat.say("지금 전화하면 사람이 받아요?", "request_human", 0.8)
    assert not reply.text.startswith("네") and "제한될 수 있어요" in reply.text and "24시간" in reply.text


def test_amount_is_acknowledged_in_the_emergency(chat: Chat) -> None:
    """The amount of a fraud report is repeated back."""
    reply = chat.say("보이스피싱 당했어요 300만원 보냈어요", "report_fraud", entities=[("amount", 3000000)])
    assert "3,000,000원" in reply.text


def test_lost_card_without_a_model_topic_still_offers_the_fraud_path(chat: Chat) -> None:
    """'카드 분실했어요' read as unclear still gets the fraud button first."""
    reply = chat.say("카드 분실했어요", "nlu_fallback", 0.4)
    assert "피싱" in "".join(buttons(reply)) or "많이 놀라셨겠어요" in reply.text


def test_case_summary_answers_a_question_and_asks_again(chat: Chat) -> None:
    """A question at a case question is answered, and the same question is asked again."""
    chat.say("송금 실패했어요", "transfer_issue")
    chat.say("아니요", "deny")
    chat.say("네", "affirm")
    reply = chat.say("근데 상담 시간이 어떻게 돼요?", "ask_hours")
    assert "오전 9시" in reply.text and "언제 생겼나요" in reply.text
    assert chat.slots.get("case_when") is None


@pytest.mark.parametrize("dont_know", ["몰라요", "잘 모르겠어요 ㅠ", "기억이 안나요", "모르겠는데요?"])
def test_i_dont_know_at_a_case_question_skips_it_and_goes_on(chat: Chat, dont_know: str) -> None:
    """'몰라요' at "when did it happen?" is no reason to stop the summary: that item is skipped."""
    chat.say("송금 실패했어요", "transfer_issue")
    chat.say("아니요", "deny")
    chat.say("네", "affirm")
    reply = chat.say(dont_know, "frustration", 0.8)
    assert chat.guide.message("case_stopped").split("\n")[0] not in reply.text
    assert chat.slots["case_when"] == "skipped" and chat.slots["pending"] != "case_when"


def test_case_summary_goodbye_ends_politely(chat: Chat) -> None:
    """'안녕히계세요' at a case question ends the questions instead of being stored."""
    chat.say("상담원 연결해 주세요", "request_human")
    chat.say("네", "affirm")
    reply = chat.say("안녕히계세요", "goodbye")
    assert "감사해요" in reply.text and chat.slots["pending"] is None
    assert chat.slots.get("case_when") is None


def test_case_summary_is_prefilled_and_shown(chat: Chat) -> None:
    """Details given earlier are not asked again; the summary shows the answers and the phone."""
    chat.say("어제 카드로 결제했는데 결제가 안 됐어요", "payment_failure", entities=[("when", "어제"), ("method", "카드")])
    chat.say("아니요", "deny")
    first = chat.say("네", "affirm")
    assert "오류 메시지" in first.text  # when and feature were known
    summary = chat.say("E102", "inform", entities=[("error_code", "E102")])
    assert "어제" in summary.text and "카드" in summary.text and "E102" in summary.text and PHONE in summary.text


def test_request_for_a_person_during_the_questions_shows_the_summary_so_far(chat: Chat) -> None:
    """Asking for a person ends the questions with what was collected."""
    chat.say("결제가 안 돼요", "payment_failure")
    chat.say("아니요", "deny")
    chat.say("네", "affirm")
    reply = chat.say("그냥 상담원 연결해 주세요", "request_human")
    assert "상담원에게 아래 내용" in reply.text and PHONE in reply.text


@pytest.mark.parametrize("annoyed", ["아 진짜", "하 ㅡㅡ", "아 진짜 짜증나네"])
def test_annoyance_at_did_it_help_is_not_yes(chat: Chat, annoyed: str) -> None:
    """Annoyance never counts as 'it helped'; the customer gets the way to a person."""
    chat.say("환불 언제 돼요", "refund")
    reply = chat.say(annoyed, "affirm", 0.8)
    assert "1점" not in reply.text and PHONE in reply.text


def test_free_text_at_the_rating_is_kept_as_the_comment(chat: Chat) -> None:
    """'앱이 너무 느려요' at the rating question is recorded as the comment, not refused."""
    chat.say("결제가 안 돼요", "payment_failure")
    chat.say("네", "affirm")
    reply = chat.say("앱이 너무 느려요", "payment_failure", 0.7)
    assert chat.slots["feedback_comment"] == "앱이 너무 느려요"
    assert "1부터 5" not in reply.text


def test_low_opinion_at_the_rating_is_a_comment_not_a_skip(chat: Chat) -> None:
    """'별로에요' is the customer's opinion: kept, not recorded as a skipped rating and thanked."""
    chat.say("결제가 안 돼요", "payment_failure")
    chat.say("네", "affirm")
    chat.say("별로에요", "give_feedback", 0.8)
    assert chat.slots["feedback_comment"] == "별로에요"


def test_refusal_at_the_rating_is_acknowledged(chat: Chat) -> None:
    """'평가 안 할래요' is acknowledged as a refusal."""
    chat.say("결제가 안 돼요", "payment_failure")
    chat.say("네", "affirm")
    reply = chat.say("평가 안 할래요", "deny")
    assert "건너뛸게요" in reply.text and chat.slots["feedback_rating"] == "skipped"


@pytest.mark.parametrize("dont_know", ["몰라요", "글쎄요..", "음 잘 모르겠어요"])
def test_i_dont_know_at_the_rating_skips_it(chat: Chat, dont_know: str) -> None:
    """'몰라요' is not a score and not an opinion: the rating is skipped, nothing kept as a comment."""
    chat.say("결제가 안 돼요", "payment_failure")
    chat.say("네", "affirm")
    reply = chat.say(dont_know, "frustration", 0.7)
    assert "건너뛸게요" in reply.text and chat.slots["feedback_rating"] == "skipped"
    assert chat.slots.get("feedback_comment") is None and chat.slots["pending"] is None


def test_i_dont_know_at_the_comment_keeps_no_comment(chat: Chat) -> None:
    """After a score, '몰라요' as the comment is thanked for the rating and not stored as text."""
    chat.say("결제가 안 돼요", "payment_failure")
    chat.say("네", "affirm")
    chat.say("4", "inform")
    chat.say("모르겠어요", "frustration", 0.7)
    assert chat.slots["feedback_rating"] == 4 and chat.slots["feedback_comment"] == "skipped"


def test_rating_then_comment(chat: Chat) -> None:
    """A rating is kept, then the comment."""
    chat.say("결제가 안 돼요", "payment_failure")
    chat.say("네", "affirm")
    chat.say("⭐⭐⭐⭐", "affirm")
    chat.say("빨리 알려줘서 좋았어요", "give_feedback")
    assert chat.slots["feedback_rating"] == 4 and chat.slots["feedback_comment"] == "빨리 알려줘서 좋았어요"


@pytest.mark.parametrize(
    ("message", "intent"),
    [("장난하나 진짜 답답하네", "greet"), ("진짜 짜증나", "account_access"), ("모르겠어요", "report_fraud"), ("하 ㅡㅡ", "nlu_fallback")],
)
def test_feelings_get_an_apology_and_the_way_to_a_person(chat: Chat, message: str, intent: str) -> None:
    """Anger, sighs and confusion: an apology, no cheerful greeting, the phone and the agent status."""
    reply = chat.say(message, intent, 0.8)
    assert "죄송" in reply.text and PHONE in reply.text and "😊" not in reply.text
    assert "상담원과 통화할 수 있어요" in reply.text


def test_thanks_after_an_apology_does_not_claim_it_helped(chat: Chat) -> None:
    """'ㄳ' after the bot apologised gets a plain thank-you; elsewhere, 'glad it helped'."""
    chat.say("아 진짜 짜증나", "frustration", 0.9)
    after_apology = chat.say("ㄳ", "thank", 0.9)
    assert "도움이 되었다니" not in after_apology.text and "감사해요" in after_apology.text
    chat.say("안녕하세요", "greet")
    after_greeting = chat.say("ㄳ", "thank", 0.9)
    assert "도움이 되었다니" in after_greeting.text


def test_narrower_question_without_an_answer_is_honest(chat: Chat) -> None:
    """A question the guide cannot answer says so instead of repeating the block."""
    first = chat.say("로그인이 안 돼요", "account_access")
    reply = chat.say("지문인식으로 바꾸는 메뉴는 어디에 있나요?", "account_access", 0.8)
    assert reply.text != first.text and "안내 자료에 없" in reply.text and PHONE in reply.text


def test_never_the_same_reply_twice_in_a_row(chat: Chat) -> None:
    """The same question twice gets a different second reply."""
    chat.say("PIN 재설정은 어디서 해요?", "account_access")
    chat.say("PIN 재설정은 어디서 해요?", "account_access")
    chat.say("PIN 재설정은 어디서 해요?", "account_access")
    assert all(a != b for a, b in zip(chat.replies, chat.replies[1:], strict=False))


def test_a_second_out_of_scope_question_is_not_sent_to_the_customer_centre(chat: Chat) -> None:
    """'카드 한도' then '핸드폰 요금': two things we do not handle; the second reply is new wording,
    and it does not send the customer to our phone line, which cannot help with a phone bill."""
    first = chat.say("카드 한도 좀 올려 주세요", "out_of_scope", 0.99)
    second = chat.say("이번 달 핸드폰 요금 얼마 나왔어요", "out_of_scope", 0.99)
    assert second.text != first.text and "도와드릴 수 없" in second.text
    assert PHONE not in second.text


def test_other_services_get_a_short_answer_naming_them(chat: Chat) -> None:
    """'카카오뱅크 고객센터는요?' is not answered with this service's number."""
    reply = chat.say("카카오뱅크 고객센터는요?", "ask_contact")
    assert "카카오뱅크" in reply.text and PHONE not in reply.text


@pytest.mark.parametrize(
    ("now", "must", "must_not"),
    [
        pytest.param(WEEKDAY_10, "오후 6시까지", "상담 시간이 아니에요", id="weekday-10"),
        pytest.param(WEEKDAY_1755, "오후 6시까지", "상담 시간이 아니에요", id="weekday-17-55"),
        pytest.param(WEEKDAY_1830, "12월 3일(목) 오전 9시부터", "통화할 수 있어요(", id="weekday-18-30"),
        pytest.param(NIGHT_03, "12월 3일(목) 오전 9시부터", "통화할 수 있어요(", id="night-03"),
        pytest.param(SATURDAY, "오늘(토요일)", "통화할 수 있어요(", id="saturday"),
        pytest.param(SEOLLAL, "오늘(설날)", "통화할 수 있어요(", id="seollal"),
        pytest.param(CHUSEOK, "오늘(추석)", "통화할 수 있어요(", id="chuseok"),
        pytest.param(SUBSTITUTE, "오늘(대체공휴일)", "통화할 수 있어요(", id="substitute-holiday"),
        pytest.param(CHRISTMAS, "오늘(성탄절)", "기독탄신일", id="christmas"),
    ],
)
def test_hand_off_says_the_time_once_and_right(guide: Guide, now: datetime, must: str, must_not: str) -> None:
    """The hand-off tells whether agents are in now, until or from when, and never contradicts the clock."""
    reply = Chat(guide, now).say("상담원 연결해 주세요", "request_human")
    assert must in reply.text and must_not not in reply.text and PHONE in reply.text
    if "상담 시간이 아니에요" in reply.text or "제한될 수 있어요" in reply.text:
        assert "24시간" in reply.text
    assert reply.text.count("제한될 수 있어요") <= 1


def test_hours_answer_on_a_weekend_says_the_weekend_once(guide: Guide) -> None:
    """'주말에는 제한될 수 있어요' is not said twice in the hours answer on a Saturday."""
    reply = Chat(guide, SATURDAY).say("상담 시간 알려주세요", "ask_hours")
    assert reply.text.count("제한될 수 있어요") == 1


@pytest.mark.parametrize(
    ("message", "intent", "must"),
    [
        pytest.param("새벽 3시에 전화하면 사람이 받아요?", "ask_hours", "상담원 상담 시간이 아니에요", id="3am"),
        pytest.param("토요일에도 상담 돼요?", "ask_hours", "제한될 수 있어요", id="saturday"),
        pytest.param("점심시간에도 상담 되나요?", "ask_hours", "안내 자료에 없어요", id="lunch"),
    ],
)
def test_a_question_about_another_time_is_answered_for_that_time(chat: Chat, message: str, intent: str, must: str) -> None:
    """At 10:00 on a weekday, '새벽 3시에…' is not answered with 'agents are in now'."""
    reply = chat.say(message, intent)
    assert must in reply.text
    if "점심" not in message:  # the guide is silent on lunch, so the bot also says how it is now
        assert "지금은 상담원과 통화할 수 있어요" not in reply.text


def test_holidays_asked_after_the_hours_answer(chat: Chat) -> None:
    """'공휴일엔요?' right after the hours answer is about public holidays."""
    chat.say("상담 시간 알려주세요", "ask_hours")
    reply = chat.say("공휴일엔요?", "nlu_fallback", 0.4)
    assert "공휴일" in reply.text and "제한될 수 있어요" in reply.text


@pytest.mark.parametrize(
    "intent", ["payment_failure", "transfer_issue", "refund", "account_access", "report_fraud", "ask_contact", "ask_hours", "request_human", "prepare_checklist", "ask_policy"]
)
def test_topic_answers_are_phone_sized(guide: Guide, intent: str) -> None:
    """A topic's first bubble is at most four lines and says no sentence twice."""
    reply = Chat(guide).say("문의", intent)
    first = reply.messages[0].text
    assert len(first.splitlines()) <= 4, first
    sentences = [s.strip() for s in first.replace("\n", " ").split(". ") if s.strip()]
    assert len(sentences) == len(set(sentences)), first


@pytest.mark.parametrize("guess", ["out_of_scope", "inform", "account_access"])
def test_an_unsure_remark_inside_a_problem_is_taken_as_about_the_problem(chat: Chat, guess: str) -> None:
    """'아이폰으로 새로 바꿔서 그런가' during a log-in problem: noted there, not the clarification buttons."""
    chat.say("로그인이 안 돼요 비번 틀렸다고 나와요", "account_access")
    reply = chat.say("아이폰으로 새로 바꿔서 그런가", "nlu_fallback", 0.7, ranking=[(guess, 0.7)])
    assert chat.slots["topic"] == "account_access"
    assert reply.messages[0].text == chat.guide.message("detail_noted_plain")
    assert chat.guide.message("clarify").split("\n")[0] not in reply.text
    # With no problem under way the same unsure remark is asked about.
    fresh = Chat(chat.guide).say("아이폰으로 새로 바꿔서 그런가", "nlu_fallback", 0.7, ranking=[(guess, 0.7)])
    assert chat.guide.message("clarify").split("\n")[0] in fresh.text


def test_a_wrong_transfer_told_with_a_nervous_sigh_gets_the_transfer_answer(chat: Chat) -> None:
    """';;' reads as annoyance, but money sent to a stranger is the problem to answer, not the feelings."""
    reply = chat.say("계좌번호 한자리 틀리게 쳐서 모르는사람한테 20만원 보냄;;", "transfer_issue", 0.86)
    assert chat.slots["topic"] == "transfer_issue" and PHONE in reply.text
    assert reply.text.startswith(chat.guide.answer("transfer_issue", WEEKDAY_10).split("\n")[0])


def test_two_unclear_messages_in_a_row_hand_off(chat: Chat) -> None:
    """The first unclear message gets topic buttons, the second the phone number."""
    first = chat.say("ㅋㅌㅊㅍ", "nlu_fallback", 0.3)
    assert buttons(first)
    second = chat.say("ㅁㄴㅇㄹ", "nlu_fallback", 0.3)
    assert PHONE in second.text


def test_malformed_slots_never_crash(guide: Guide) -> None:
    """Slots with values of the wrong type are read as absent."""
    context = Context.from_slots({"topic": 3, "pending": "bogus", "notes": "x", "misses": "many", "amount": "3만원"})
    outcome = respond(Turn(text="네", intent="affirm"), context, guide, WEEKDAY_10)
    assert outcome.text


def test_details_in_a_greeting_turn_without_topic_ask_which_problem(chat: Chat) -> None:
    """A detail before any topic is kept and the customer is asked which problem it is."""
    reply = chat.say("3만원이요", "inform", entities=[("amount", 30000)])
    assert "30,000원" in reply.text and buttons(reply)


def test_offering_a_password_to_the_bot_is_refused(chat: Chat) -> None:
    """'제 비밀번호 알려드리면…' gets 'never send it here', not the account block again."""
    chat.say("비번 변경하고 싶은데 어케해요", "account_access")
    reply = chat.say("제 비밀번호 알려드리면 바꿔주실 수 있어요?", "account_access", 0.9)
    assert "묻지 않아요" in reply.text


def test_a_new_problem_during_the_case_questions_is_served(chat: Chat) -> None:
    """A wrong transfer typed at a case question is answered as a transfer, not filed in the summary."""
    chat.say("상담원 연결해줘", "request_human")
    chat.say("네", "affirm")
    reply = chat.say("아 잠깐만 지금 송금이 엉뚱한 사람한테 갔어요!!", "transfer_issue", 0.93)
    assert "송금" in reply.text and "상담원에게 아래 내용" not in reply.text
    assert chat.slots["topic"] == "transfer_issue" and chat.slots["emergency"] is True


@pytest.mark.parametrize(
    ("now", "message", "must"),
    [
        pytest.param(SUBSTITUTE, "오늘 쉬는날이에요?", "오늘(대체공휴일)", id="today-off"),
        pytest.param(CHUSEOK, "연휴 끝나면 언제 상담돼요?", "9월 28일", id="after-the-holidays"),
        pytest.param(SATURDAY, "주말에도 받아요?", "오늘(토요일)", id="weekend-asked-on-saturday"),
    ],
)
def test_time_questions_about_today_and_after_a_break(guide: Guide, now: datetime, message: str, must: str) -> None:
    """Questions about today are answered for today; after a break, from when agents are back."""
    chat = Chat(guide, now)
    chat.say("상담 시간 알려주세요", "ask_hours")
    reply = chat.say(message, "ask_hours", 0.9)
    assert must in reply.text


def test_error_code_inside_a_topic_is_a_detail(chat: Chat) -> None:
    """'오류코드 E501 이라고 떴어요' after the payment answer is the code the answer asked for."""
    chat.say("가게에서 결제가 안돼요", "payment_failure")
    reply = chat.say("오류코드 E501 이라고 떴어요", "nlu_fallback", 0.5, [("error_code", "E501")])
    assert "E501" in reply.text and "잘 이해하지 못했어요" not in reply.text


def test_another_payment_service_is_theirs_whatever_the_topic(chat: Chat) -> None:
    """'네이버페이 포인트 환불은요?' is not answered with this service's refund block."""
    reply = chat.say("네이버페이 포인트 환불은요?", "refund", 0.9)
    assert "네이버페이" in reply.text and "도움이 되셨나요" not in reply.text


@pytest.mark.parametrize("answer", ["없어요", "딱히 없음"])
def test_nothing_to_add_at_the_comment_is_not_stored_as_a_comment(chat: Chat, answer: str) -> None:
    """'없어요' at the optional comment question skips it."""
    chat.say("결제가 안 돼요", "payment_failure")
    chat.say("네", "affirm")
    chat.say("5", "affirm")
    chat.say(answer, "deny" if answer == "없어요" else "inform", 0.8)
    assert chat.slots["feedback_comment"] == "skipped"


def test_fraud_during_the_case_questions_gets_the_emergency_answer_only(chat: Chat) -> None:
    """A payment the customer did not make, typed at a case question, is served as fraud, not as a summary."""
    chat.say("결제가 안 돼요", "payment_failure")
    chat.say("아니요", "deny")
    chat.say("네", "affirm")
    reply = chat.say("잠깐만요 방금 제가 안한 결제 알림이 왔어요 12만원이요", "report_fraud", 0.95, [("amount", 120000)])
    assert "상담원에게 아래 내용" not in reply.text and "알려 주지 마세요" in reply.text
    assert chat.slots["emergency"] is True


def test_annoyance_at_the_summary_offer_gets_an_apology(chat: Chat) -> None:
    """'아 뭘 또 정리를 해 귀찮게' is not read as out of scope."""
    chat.say("상담원 연결해 주세요", "request_human")
    reply = chat.say("아 뭘 또 정리를 해 귀찮게", "out_of_scope", 0.8)
    assert "죄송" in reply.text and PHONE in reply.text and "도와드릴 수 없어요" not in reply.text


@pytest.mark.parametrize("now", [WEEKDAY_10, SATURDAY], ids=["weekday", "saturday"])
def test_asking_for_a_person_again_after_the_hand_off_is_told_how_not_turned_away(guide: Guide, now: datetime) -> None:
    """'상담원 연결해줘' right after the hand-off and the summary offer: how the call reaches a person, the
    agents' hours, and the offer still open; never 'nothing more than what I said'."""
    chat = Chat(guide, now)
    chat.say("결제가 안돼요", "payment_failure")
    chat.say("아니요", "deny")
    reply = chat.say("상담원 연결해줘", "request_human")
    assert "상담원과 연결" in reply.text and PHONE in reply.text
    assert guide.message("topic_again").split(".")[0] not in reply.text
    assert "네, 정리해 주세요" in buttons(reply)
    assert chat.slots["pending"] == "case_offer"
    yes = chat.say("네", "affirm")
    assert "상담원 연결" not in yes.text and chat.slots["pending"] != "case_offer"


def test_a_second_request_for_a_person_after_its_answer_says_how(chat: Chat) -> None:
    """The hand-off answered, then asked for again: not the 'nothing more' line for a person asked for."""
    chat.say("상담원 연결해 주세요", "request_human")
    chat.say("아니요", "deny")  # no summary, thanks
    reply = chat.say("그냥 사람이랑 얘기하고 싶다고요", "request_human")
    assert PHONE in reply.text and "제가 더 확인해 드릴 수 있는 게 없어요" not in reply.text
