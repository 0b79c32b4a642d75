"""Words that change how a message is read in context: questions, annoyance, emergency questions.

These are recognition patterns over what the customer typed, not answers: every sentence the bot
says comes from the guide. The NLU model names the topic; these cues tell, for instance, that
"알려줘도 돼요?" after a phishing report asks whether to give a code away, or that "아 진짜" at a
yes/no question is annoyance and not a yes.
"""

from __future__ import annotations

import re
from typing import Optional

# A question: a question mark, or a Korean question ending or question word.
_QUESTION = re.compile(
    r"[?？]|(나요|까요|ㄹ까|을까|는지|은지|인지|가요|죠|어때|어떻게|어디|언제|얼마|몇|뭐|무엇|왜|누구|"
    r"되나|돼요|되요|되죠|있어요|있나|없나|없어요|해요|하나요|가능|맞아요|맞나)\s*[.!~ㅠㅜ]*\s*$"
    r"|어떻게|어디서|어디로|언제|얼마|몇\s*번|몇\s*시|무슨|뭘|뭐가|뭔가요|(은|는)요\s*[?？]*\s*$"
)

# Annoyance or a sigh: never a yes, whatever the model says.
_ANNOYANCE = re.compile(
    r"아\s*진짜|아\s*놔|아\s*씨|하\s*[.ㅡ…]+|하아+|ㅡㅡ|--+|;;|짜증|답답|장난|어이\s*없|어이가\s*없|미치|빡치|"
    r"열\s*받|뭐야|뭐임|헐|ㅅㅂ|시발|씨발|젠장|개같|화나|화가|환장|돌겠|실망|최악|뭐하는|에휴|에효|한숨|귀찮|귀찬|번거롭"
)

# Confusion ("모르겠어요", "뭔 말이에요"); only short messages count (see ``reading``).
_CONFUSED = re.compile(r"모르겠|몰라|모름|뭔\s*말|무슨\s*말|이해가?\s*안|헷갈|뭐라는")

# A problem stated ("안 돼요", "실패", "오류"): a message with one is not a bare detail.
_PROBLEM = re.compile(
    r"안\s*(돼|되|됐|됨|들어|와|옴|나가|넘어)|못\s*(받|해|하|보내)|실패|오류|에러|error|거절|막혔|잠겼|잠김|멈췄|멈춤|"
    r"튕|먹통|사라졌|빠져나|빠졌|안돼|안됨|이상해|문제|잘못|하고\s*싶|해\s*주세요|해\s*줘|원해요|어떻게|급해|급합", re.I
)
# The words of an error message: with an error code given, they describe the detail, not a new problem.
_ERROR_WORDS = re.compile(r"오류|에러|error", re.I)

# Offering something to the bot ("알려드리면", "보내도 돼요").
_OFFER = re.compile(r"드리|드릴|줄게|줄께|주면|보내도|적어도|써도|입력해도|치면|보낼게")

# Reaching the center at some time, and acknowledgements.
_SERVICE_TIME = re.compile(r"몇\s*시|상담|연결|전화|통화|받아|받나|받을|운영|영업|문\s*열|하나요|해요\?")
_ACKNOWLEDGE = re.compile(r"ㅇㅋ|ㅇㅇ|알겠|알았|그렇구나|그렇군|구나|군요|아하|넵|오케이|okay|ok\b", re.I)

# The present moment, and the end of a break.
_NOW = re.compile(r"지금|오늘|현재|당장")
_AFTER_BREAK = re.compile(r"(끝나|지나|끝난|지난|풀리)(면|고|서|뒤|후)|이후|다음\s*(주|날)")

# Asking whether to give a code, PIN or password to someone (usually a caller).
_SECRET = re.compile(r"인증\s*번호|인증\s*코드|otp|비밀\s*번호|비번|pin|핀\s*번호|카드\s*번호|보안\s*카드|계좌\s*비밀", re.I)
_GIVE = re.compile(r"알려|말해|불러|줘도|줘야|주면|보내|가르쳐|입력|눌러|적어|달래|달라|물어")

# "Should I call now?" and the like.
_CALL_NOW = re.compile(
    r"(지금|바로|당장|빨리|얼른|새벽|밤).{0,8}(전화|연락|통화|신고)|(전화|연락|통화).{0,6}(하면|해야|할까|해도|돼|되)"
)

# Police, reporting, freezing or blocking an account or card.
_POLICE_FREEZE = re.compile(r"경찰|신고|112|지급\s*정지|정지|막아|막을|막는|차단|동결|묶어|잠가|잠그")

# "It helped", said in words.
_HELPED = re.compile(r"도움\s*(이\s*)?(됐|되었|돼요|되네|됨|되었어|많이)|해결\s*(됐|되었|됨|완료)|덕분에|잘\s*됐|됐어요|됐습니다")
_NOT_HELPED = re.compile(r"안\s*(됐|되|돼)|못\s*(했|받)|아직|안됨|안돼")
# Asking whether it is fine to give something away ("알려줘도 돼요?").
_GIVE_PERMISSION = re.compile(r"(알려|말해|불러|가르쳐|보내|찍어|입력해)\s*(줘|주|드려|드리)?\s*(도|야|면)\s*(돼|되|하|괜찮|상관)")

# Money sent to the wrong person, or a lost or stolen card: urgent, like fraud.
_WRONG_RECIPIENT = re.compile(
    r"잘못\s*(보냈|보냄|보내|송금|이체|입금|입력|눌러)|다른\s*사람|엉뚱한|착오\s*송금|모르는\s*사람(한테|에게)|계좌\s*번호.{0,6}틀"
)
_LOST_CARD = re.compile(r"(카드|폰|휴대폰|핸드폰).{0,6}(잃어버|분실|도난|도둑|훔쳐|없어졌)|분실\s*신고|도난\s*신고")

# Other companies and apps: their questions belong to them, not to this service's support.
_OTHER_SERVICES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("카카오뱅크", re.compile(r"카카오\s*뱅크|카뱅")),
    ("카카오톡", re.compile(r"카카오\s*톡|카톡(?!\s*(으로|에서)?\s*(송금|결제|페이))")),
    ("카카오T", re.compile(r"카카오\s*t\b|카카오\s*택시", re.I)),
    ("토스", re.compile(r"토스")),
    ("네이버페이", re.compile(r"네이버\s*페이|네이버")),
    ("삼성페이", re.compile(r"삼성\s*페이")),
    ("페이코", re.compile(r"페이코")),
    ("쿠팡", re.compile(r"쿠팡")),
    ("배달의민족", re.compile(r"배민|배달의\s*민족")),
    ("통신사", re.compile(r"통신사|skt|kt\b|lg\s*u|유플러스", re.I)),
)


_PAYMENT_COMPETITORS = frozenset({"토스", "네이버페이", "삼성페이", "페이코"})
_OURS = re.compile(r"카카오\s*페이|카페")


def _squeeze(text: str) -> str:
    """The text lower-cased with runs of spaces collapsed."""
    return " ".join((text or "").lower().split())


def is_question(text: str) -> bool:
    """True when the message reads as a question ("신분증도 필요해요?", "몇 번 눌러요")."""
    return bool(_QUESTION.search(_squeeze(text)))


def is_annoyed(text: str) -> bool:
    """True for annoyance, swearing or a sigh ("아 진짜", "하 ㅡㅡ", "짜증나")."""
    return bool(_ANNOYANCE.search(_squeeze(text)))


def is_confused(text: str) -> bool:
    """True for confusion words ("모르겠어요", "무슨 말인지")."""
    return bool(_CONFUSED.search(_squeeze(text)))


def states_problem(text: str, with_error_code: bool = False) -> bool:
    """True when the message states a problem ("결제가 안 돼요", "송금 실패"), not only a detail.

    With ``with_error_code`` the words of an error ("오류코드 E501 떴어요") do not count: they name the code.
    """
    squeezed = _squeeze(text)
    if with_error_code:
        squeezed = _ERROR_WORDS.sub(" ", squeezed)
    return bool(_PROBLEM.search(squeezed))


def offers_secret(text: str) -> bool:
    """True when the customer offers to give the bot a password, PIN or card number ("비번 알려드리면")."""
    squeezed = _squeeze(text)
    return bool(_SECRET.search(squeezed) and _OFFER.search(squeezed))


def about_service_time(text: str) -> bool:
    """True when a message with a time in it is about reaching the center ("몇 시부터", "상담", "전화")."""
    return bool(_SERVICE_TIME.search(_squeeze(text)))


def acknowledges(text: str) -> bool:
    """True for an acknowledgement without a question ("아 그렇구나 ㅇㅋ", "알겠어요")."""
    return bool(_ACKNOWLEDGE.search(_squeeze(text))) and not is_question(text)


def asks_about_now(text: str) -> bool:
    """True for a short "그럼 지금은요?" / "오늘은요?" about the present moment."""
    squeezed = _squeeze(text)
    return len(squeezed.replace(" ", "")) <= 12 and bool(_NOW.search(squeezed)) and is_question(text)


def is_about_today(text: str) -> bool:
    """True when the message says "오늘" or "지금" (about the present day)."""
    return bool(_NOW.search(_squeeze(text)))


def asks_after_a_break(text: str) -> bool:
    """True for "연휴 끝나면요?", "주말 지나면 언제 돼요?"."""
    return bool(_AFTER_BREAK.search(_squeeze(text)))


def asks_about_giving_secret(text: str) -> bool:
    """True when the message is about giving a code, PIN, password or card number to someone."""
    squeezed = _squeeze(text)
    return bool(_SECRET.search(squeezed) and _GIVE.search(squeezed))


def asks_to_call_now(text: str) -> bool:
    """True for "지금 전화하면 돼요?", "바로 연락해야 하나요" and the like."""
    return bool(_CALL_NOW.search(_squeeze(text)))


def asks_police_or_freeze(text: str) -> bool:
    """True for questions about the police, reporting, or freezing an account or card."""
    return bool(_POLICE_FREEZE.search(_squeeze(text)))


def says_it_helped(text: str) -> bool:
    """True for "도움됐어요", "해결됐어요", "덕분에요" (and not "도움이 안 됐어요")."""
    squeezed = _squeeze(text)
    return bool(_HELPED.search(squeezed)) and not _NOT_HELPED.search(squeezed)


def asks_permission_to_give(text: str) -> bool:
    """True for "알려줘도 돼요?", "불러줘야 하나요" (about giving something away)."""
    return bool(_GIVE_PERMISSION.search(_squeeze(text)))


def is_wrong_recipient(text: str) -> bool:
    """True when money went to the wrong person ("다른 사람한테 잘못 보냈어요")."""
    return bool(_WRONG_RECIPIENT.search(_squeeze(text)))


def is_lost_card(text: str) -> bool:
    """True for a lost or stolen card or phone ("카드 잃어버렸어요", "폰 도난")."""
    return bool(_LOST_CARD.search(_squeeze(text)))


def other_service(text: str) -> Optional[str]:
    """The other company or app the message is about ("카카오뱅크"), or ``None``."""
    squeezed = _squeeze(text)
    for name, pattern in _OTHER_SERVICES:
        if pattern.search(squeezed):
            return name
    return None


def other_payment_service(text: str) -> Optional[str]:
    """Another payment service the message is about ("네이버페이 포인트 환불은요?"), unless it names ours too.

    A payment problem with 토스 or 네이버페이 is theirs, whatever the topic; 카카오톡 and banks are not
    (our payments and transfers run through them).
    """
    squeezed = _squeeze(text)
    if _OURS.search(squeezed):
        return None
    name = other_service(text)
    return name if name in _PAYMENT_COMPETITORS else None
