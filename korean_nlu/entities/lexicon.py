"""The words customers use for amounts, payment methods, times and error codes: the one list.

Both finders read this module: the raw-text regexes of the normaliser (:mod:`.amounts`,
:mod:`.methods`, :mod:`.times`, :mod:`.error_codes`) and the spaCy token patterns of the Rasa
component (:mod:`.token_patterns`). Before this module each kept its own copy and they drifted:
the token patterns lacked 청구, 승인, 받았, 빠져, 빠졌, 나갔 after an amount, 공/륙 as digits,
점심 as a part of the day, 에라/err after a code, and more. A word added here is seen by both.

Only words live here, as plain data. What must not follow or precede a word (원래 is not 원,
어머니 is not 머니) is regex grammar and stays beside the rule that needs it.

Conventions:

* A space inside a word means the customer may write it or leave it out: "신용 카드" is
  "신용카드" or "신용 카드" to the regexes, one token or two to the token patterns.
* Words with latin letters are matched case-insensitively and never inside a longer latin word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, Tuple

# ---- Numbers --------------------------------------------------------------------------------

SINO_DIGITS: Dict[str, int] = {
    "영": 0,
    "공": 0,
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "륙": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
}
SMALL_UNITS: Dict[str, int] = {"십": 10, "백": 100, "천": 1000}
BIG_UNITS: Dict[str, int] = {"만": 10**4, "억": 10**8, "조": 10**12}
UNIT_CHARS = "".join(SMALL_UNITS) + "".join(BIG_UNITS)
SINO_CHARS = "".join(SINO_DIGITS) + UNIT_CHARS

# ---- Currency -------------------------------------------------------------------------------

CURRENCY_SYMBOLS: Tuple[str, ...] = ("₩", "￦")
# Written before the number: "krw 30000".
CURRENCY_CODES_BEFORE: Tuple[str, ...] = ("krw",)
WON = "원"
# Written after the number instead of 원: "30000 won".
CURRENCY_WORDS_AFTER: Tuple[str, ...] = ("won", "krw")
# Particles glued to 원 that keep the span an amount: "3만원에", "5천원짜리".
PARTICLES_AFTER_WON: Tuple[str, ...] = (
    "이", "을", "를", "은", "는", "에", "도", "만", "씩", "짜리", "정도", "쯤", "가량",
)  # fmt: skip

# ---- Words that make a bare number an amount ------------------------------------------------

# Between a bare number and the payment word after it: "30000이 송금됐어요", "3만 정도 결제".
PARTICLES_BEFORE_PAYMENT_WORD: Tuple[str, ...] = (
    "을", "를", "이", "가", "은", "는", "도", "정도", "가량", "쯤", "만큼",
)  # fmt: skip
# After a bare number: "30000 결제", "30000 빠져나갔어요", "30000 charged".
PAYMENT_WORDS_AFTER_AMOUNT: Tuple[str, ...] = (
    "결제", "결재", "송금", "이체", "충전", "환불", "입금", "출금", "인출", "청구", "승인",
    "보냈", "보내", "받았", "냈", "빠져", "빠졌", "나갔",
    "paid", "payment", "pay", "charged", "transfer", "refund",
)  # fmt: skip
# Before a bare number: "금액: 30000", "결제 금액은 30000", "송금 30000".
AMOUNT_WORDS_BEFORE_AMOUNT: Tuple[str, ...] = (
    "금액", "결제액", "송금액", "이체액", "환불액", "충전액",
    "결제", "결재", "송금", "이체", "충전", "환불", "입금", "출금",
    "amount",
)  # fmt: skip
# Endings that may follow a bare amount besides the particles above: "30000입니다".
AMOUNT_COPULAS: Tuple[str, ...] = ("입니다", "이에요", "이요", "요")

# ---- Payment methods ------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodWords:
    """How customers name one payment method.

    Attributes:
        canonical: The entity value, e.g. "카드".
        words: Hangul words, longest first where one starts another ("계좌 이체" before "계좌").
        standalone_words: Hangul words that count only with no Hangul glued before them
            (머니, but not 어머니, 할머니 or another company's 카카오머니).
        latin_words: Words with latin letters, longest first.
        latin_plural: Whether a latin word may take a plural "s" ("cards").
        needs_payment_word: Whether the words are a method only with a payment word after them
            (휴대폰 alone is usually the phone itself).
    """

    canonical: str
    words: Tuple[str, ...]
    standalone_words: Tuple[str, ...] = ()
    latin_words: Tuple[str, ...] = ()
    latin_plural: bool = False
    needs_payment_word: bool = False


# The longest mention wins in the text, so the order here only decides equal-length ties.
PAYMENT_METHODS: Tuple[MethodWords, ...] = (
    MethodWords(
        "휴대폰",
        words=("휴대폰", "핸드폰", "휴대전화"),
        latin_words=("mobile phone", "phone"),
        needs_payment_word=True,
    ),
    MethodWords(
        "카드",
        words=("신용 카드", "체크 카드", "카드"),
        latin_words=("credit card", "debit card", "check card", "card"),
        latin_plural=True,
    ),
    MethodWords(
        "계좌",
        words=("계좌 이체", "계좌", "은행", "무통장 입금"),
        latin_words=("bank transfer", "bank"),
    ),
    MethodWords(
        "페이머니",
        words=("페이 머니",),
        standalone_words=("머니",),
        latin_words=("pay money",),
    ),
    MethodWords("QR", words=("큐알 코드", "큐알"), latin_words=("qr 코드", "qr code", "qr")),
    MethodWords("바코드", words=("바코드",), latin_words=("bar code",)),
    MethodWords("포인트", words=("포인트",)),
)
# Between a phone word and its payment word: "핸드폰으로 소액결제".
METHOD_PARTICLES: Tuple[str, ...] = ("으로", "로")
SMALL_PAYMENT = "소액"
# The payment words that make 휴대폰 a method: "휴대폰결제", "phone payment".
METHOD_PAYMENT_WORDS: Tuple[str, ...] = ("결제", "결재")
METHOD_PAYMENT_LATIN_WORDS: Tuple[str, ...] = ("payment", "pay")

# ---- Times ----------------------------------------------------------------------------------

AGO = "전"  # "3일 전"
AGO_HANJA = "前"
PARTS_OF_DAY: Tuple[str, ...] = ("아침", "오전", "오후", "낮", "점심", "저녁", "밤", "새벽")
JUST_NOW = "방금"
A_MOMENT_AGO = "아까"
# Followed by 전: "조금 전", "몇 분 전".
A_FEW_MINUTES: Tuple[str, ...] = ("조금", "좀", "쫌", "몇 분")
TODAY_WORDS: Tuple[str, ...] = ("오늘", "금일")
TODAY_LATIN = "today"
YESTERDAY_WORDS: Tuple[str, ...] = ("어제", "어저께")
# 어젯 only with the night: "어젯밤", "어젯 저녁".
LAST_NIGHT_STEM = "어젯"
LAST_NIGHT_PARTS: Tuple[str, ...] = ("밤", "저녁")
YESTERDAY_LATIN = "yesterday"
DAY_BEFORE_YESTERDAY = "그저께"
DAY_BEFORE_YESTERDAY_SHORT = "그제"
LAST_WORDS: Tuple[str, ...] = ("지난", "저번")  # 지난주, 저번 달
BEFORE_LAST = "지지난"  # 지지난주
DAY = "일"
WEEK = "주"
WEEKEND = "주말"
MONTH = "달"
MONTHS = "개월"
LAST_WEEK_LATIN = "last week"
LAST_MONTH_LATIN = "last month"
SOME_DAYS = "며칠"
NATIVE_DAYS: Dict[str, int] = {
    "하루": 1,
    "이틀": 2,
    "사흘": 3,
    "나흘": 4,
    "닷새": 5,
    "엿새": 6,
    "이레": 7,
    "열흘": 10,
}
NATIVE_COUNTS: Dict[str, int] = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6}
# Sino-Korean digits in a count of days, weeks or months: "삼일 전".
COUNT_SINO_CHARS = "일이삼사오육칠팔구십"
WEEKDAYS = "월화수목금토일"
WEEKDAY_SUFFIXES: Tuple[str, ...] = ("요일", "욜")

# ---- Error codes ----------------------------------------------------------------------------

ERROR_WORDS: Tuple[str, ...] = ("오류", "에러", "에라")
ERROR_LATIN_WORDS: Tuple[str, ...] = ("error", "err")
CODE_WORD = "코드"
CODE_WORDS: Tuple[str, ...] = (CODE_WORD, "번호")
CODE_LATIN_WORDS: Tuple[str, ...] = ("code",)

# ---- Glued particles ------------------------------------------------------------------------

# Particles that whitespace tokens carry glued to the word: 카드로, 3만원을, 월요일에.
GLUED_PARTICLES: Tuple[str, ...] = tuple(
    dict.fromkeys(
        ("으로", "로", "을", "를", "이", "가", "은", "는", "에", "에서", "에는", "도", "만", "씩",
         "짜리", "정도", "쯤", "요", "이요", "까지", "부터")
        + PARTICLES_AFTER_WON
    )
)  # fmt: skip


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` in their order; a space in a word is an optional space.

    Args:
        words: Words from this module, e.g. ``("신용 카드", "카드")``.

    Returns:
        For example ``"신용\\s?카드|카드"``, without an enclosing group.
    """
    return "|".join(r"\s?".join(re.escape(part) for part in word.split(" ")) for word in words)


def glued(words: Iterable[str]) -> Tuple[str, ...]:
    """``words`` written without their optional spaces, lower-cased: what one token holds."""
    return tuple(dict.fromkeys(word.replace(" ", "").lower() for word in words))
