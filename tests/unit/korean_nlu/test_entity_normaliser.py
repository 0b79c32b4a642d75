"""The entity normaliser: amounts, payment methods, times and error codes in messy Korean."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import pytest

from korean_nlu.entity_normaliser import (
    DAYS_AGO_KEY,
    find_entities,
    normalise_error_code,
    normalise_method,
    normalise_when,
    parse_korean_amount,
    resolve_overlaps,
)


def found(text: str, entity_type: Optional[str] = None) -> List[Tuple[str, Any, str]]:
    """(entity, value, surface) of every entity found in ``text``, optionally of one type."""
    return [
        (entity["entity"], entity["value"], text[entity["start"] : entity["end"]])
        for entity in find_entities(text)
        if entity_type is None or entity["entity"] == entity_type
    ]


# --------------------------------------------------------------------------------------------
# parse_korean_amount
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "span, expected",
    [
        pytest.param("3만원", 30000, id="digits-man-won"),
        pytest.param("3만 원", 30000, id="space-before-won"),
        pytest.param("30,000원", 30000, id="thousands-commas"),
        pytest.param("30000원", 30000, id="plain-digits"),
        pytest.param("2만 5천원", 25000, id="man-space-cheon"),
        pytest.param("2만5천원", 25000, id="man-cheon-glued"),
        pytest.param("삼만 원", 30000, id="sino-space-won"),
        pytest.param("삼만원", 30000, id="sino"),
        pytest.param("만원", 10000, id="bare-man"),
        pytest.param("천오백원", 1500, id="cheon-o-baek"),
        pytest.param("1,250,000원", 1250000, id="millions-commas"),
        pytest.param("5천원", 5000, id="digit-cheon"),
        pytest.param("10만원", 100000, id="ten-man"),
        pytest.param("백만원", 1000000, id="baek-man"),
        pytest.param("3.5만원", 35000, id="decimal-man"),
        pytest.param("이십만원", 200000, id="sino-tens-of-man"),
        pytest.param("일억이천만원", 120000000, id="eok-and-man"),
        pytest.param("만 오천원", 15000, id="man-space-sino-cheon"),
        pytest.param("30,000원을", 30000, id="particle-after-won"),
        pytest.param("₩30,000", 30000, id="won-sign"),
        pytest.param("30000 won", 30000, id="english-won"),
        pytest.param("KRW 30,000", 30000, id="krw-prefix"),
        pytest.param("30000", 30000, id="bare-number-span"),
    ],
)
def test_parse_korean_amount_reads_the_value_in_won(span: str, expected: int) -> None:
    """Each way of writing an amount gives its value in won."""
    assert parse_korean_amount(span) == expected


@pytest.mark.parametrize(
    "span",
    [
        pytest.param("", id="empty"),
        pytest.param("결제", id="word"),
        pytest.param("E1023", id="error-code"),
        pytest.param("010-1234-5678", id="phone-number"),
        pytest.param("3일 전", id="time"),
        pytest.param("3 4원", id="two-numbers"),
        pytest.param("1.5원", id="fraction-of-a-won"),
        pytest.param("3만원결제", id="not-a-span"),
        pytest.param("1" * 500, id="huge"),
    ],
)
def test_parse_korean_amount_rejects_what_is_not_an_amount(span: str) -> None:
    """Spans that are not one amount give None rather than a wrong number."""
    assert parse_korean_amount(span) is None


# --------------------------------------------------------------------------------------------
# amounts in messages
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, surface",
    [
        pytest.param("3만원결제했는데", 30000, "3만원", id="glued-to-verb"),
        pytest.param("30,000원 송금", 30000, "30,000원", id="commas-then-transfer"),
        pytest.param("2만 5천원 환불해주세요", 25000, "2만 5천원", id="man-space-cheon"),
        pytest.param("삼만 원 보냈어요", 30000, "삼만 원", id="sino-with-space"),
        pytest.param("😭😭3만원😭 결제가 안돼요", 30000, "3만원", id="emoji-around"),
        pytest.param("I paid 30,000 won by card", 30000, "30,000 won", id="english"),
        pytest.param("QR payment 만원 에러", 10000, "만원", id="english-mixed-korean-amount"),
        pytest.param("30000 결제했는데 안됐어요", 30000, "30000", id="bare-number-before-payment"),
        pytest.param("30000이 결제됐어요", 30000, "30000", id="bare-number-with-particle"),
        pytest.param("결제 금액: 45000", 45000, "45000", id="bare-number-after-amount-word"),
        pytest.param("송금이30000원", 30000, "30000원", id="particle-glued-before"),
        pytest.param("금액이삼만원", 30000, "삼만원", id="particle-glued-before-sino"),
        pytest.param("만원만 보냈어요", 10000, "만원", id="man-won-man"),
        pytest.param("3만 이체했어요", 30000, "3만", id="unit-without-won"),
        pytest.param("1,250,000원이 두 번 빠졌어요", 1250000, "1,250,000원", id="millions"),
        pytest.param("3.5만원 결제", 35000, "3.5만원", id="decimal"),
        pytest.param("백만원 송금", 1000000, "백만원", id="baek-man"),
    ],
)
def test_amounts_are_found_in_messy_messages(text: str, value: int, surface: str) -> None:
    """The amount's value and exact surface are found inside an informal message."""
    assert found(text, "amount") == [("amount", value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("010-1234-5678로 송금했어요", id="phone-number"),
        pytest.param("01012345678 결제", id="phone-number-without-dashes"),
        pytest.param("1234 5678 9012 3456 결제", id="card-number"),
        pytest.param("E1023 오류가 떠요", id="error-code"),
        pytest.param("에러 5001", id="cued-error-code"),
        pytest.param("3일 전에 결제했어요", id="days-ago"),
        pytest.param("11월 3일 결제", id="date"),
        pytest.param("10:30에 결제", id="time-of-day"),
        pytest.param("2번 결제됐어요", id="count"),
        pytest.param("결제 2024년", id="year"),
        pytest.param("만약에 천천히 해주세요", id="man-and-cheon-inside-words"),
        pytest.param("회사원인데요", id="won-inside-word"),
        pytest.param("너만 원해", id="man-then-want"),
        pytest.param("이만 가볼게요", id="sino-without-won"),
        pytest.param("2만5 결제", id="ambiguous-trailing-digit"),
    ],
)
def test_numbers_that_are_not_amounts_are_left_alone(text: str) -> None:
    """Phone, card and error numbers, dates, counts and look-alike words give no amount."""
    assert found(text, "amount") == []


# --------------------------------------------------------------------------------------------
# payment methods
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, method, surface",
    [
        pytest.param("신용카드로 결제했어요", "카드", "신용카드", id="credit-card"),
        pytest.param("체크 카드", "카드", "체크 카드", id="check-card-spaced"),
        pytest.param("카드결제가 안돼요", "카드", "카드", id="card-glued"),
        pytest.param("paid by card", "카드", "card", id="english-card"),
        pytest.param("계좌이체로 보냈어요", "계좌", "계좌이체", id="account-transfer"),
        pytest.param("은행 앱에서", "계좌", "은행", id="bank"),
        pytest.param("페이머니로 결제", "페이머니", "페이머니", id="pay-money"),
        pytest.param("머니로 결제", "페이머니", "머니", id="money-alone"),
        pytest.param("pay money 충전", "페이머니", "pay money", id="english-pay-money"),
        pytest.param("QR코드 결제", "QR", "QR코드", id="qr-code"),
        pytest.param("큐알로 결제", "QR", "큐알", id="qr-in-hangul"),
        pytest.param("qr code 안돼요", "QR", "qr code", id="qr-lowercase-english"),
        pytest.param("바코드 결제", "바코드", "바코드", id="barcode"),
        pytest.param("barcode 오류", "바코드", "barcode", id="english-barcode"),
        pytest.param("포인트로 결제", "포인트", "포인트", id="points"),
        pytest.param("휴대폰결제 했는데", "휴대폰", "휴대폰결제", id="phone-payment-glued"),
        pytest.param("핸드폰 결제", "휴대폰", "핸드폰 결제", id="handphone-payment"),
        pytest.param("핸드폰으로 결제했어요", "휴대폰", "핸드폰으로 결제", id="by-phone-payment"),
    ],
)
def test_payment_methods_are_canonical(text: str, method: str, surface: str) -> None:
    """Every way of naming a method maps to its canonical word."""
    assert found(text, "method") == [("method", method, surface)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("휴대폰을 바꿨어요", id="phone-is-not-a-payment-method"),
        pytest.param("핸드폰 번호가 바뀌었어요", id="phone-number-change"),
        pytest.param("어머니가 결제했어요", id="money-inside-mother"),
        pytest.param("할머니 계정", id="money-inside-grandmother"),
    ],
)
def test_method_look_alikes_are_not_methods(text: str) -> None:
    """A phone that is not a payment, or 머니 inside a word, is no method."""
    assert found(text, "method") == []


@pytest.mark.parametrize(
    "span, expected",
    [
        pytest.param("신용카드로", "카드", id="with-particle"),
        pytest.param("PAY MONEY", "페이머니", id="upper-case"),
        pytest.param("휴대폰 소액결제", "휴대폰", id="phone-micropayment"),
        pytest.param("휴대폰", None, id="bare-phone"),
        pytest.param("", None, id="empty"),
    ],
)
def test_normalise_method(span: str, expected: Optional[str]) -> None:
    """A method span maps to its canonical word, a bare phone to nothing."""
    assert normalise_method(span) == expected


# --------------------------------------------------------------------------------------------
# times
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, canonical, days_ago, surface",
    [
        pytest.param("방금 결제했어요", "방금", 0, "방금", id="just-now"),
        pytest.param("아까 결제한 거", "방금", 0, "아까", id="a-while-ago"),
        pytest.param("조금 전에 송금", "방금", 0, "조금 전", id="a-little-before"),
        pytest.param("오늘 결제", "오늘", 0, "오늘", id="today"),
        pytest.param("오늘 아침에 결제", "오늘", 0, "오늘 아침", id="this-morning"),
        pytest.param("어제 보냈어요", "어제", 1, "어제", id="yesterday"),
        pytest.param("어젯밤에 결제", "어제", 1, "어젯밤", id="last-night"),
        pytest.param("그제 결제", "그저께", 2, "그제", id="day-before-yesterday-short"),
        pytest.param("그저께 결제", "그저께", 2, "그저께", id="day-before-yesterday"),
        pytest.param("3일 전에 결제", "3일 전", 3, "3일 전", id="three-days-ago"),
        pytest.param("삼일전에 결제", "3일 전", 3, "삼일전", id="three-days-ago-sino-glued"),
        pytest.param("3일전 결제", "3일 전", 3, "3일전", id="three-days-ago-glued"),
        pytest.param("이틀 전에", "2일 전", 2, "이틀 전", id="native-two-days"),
        pytest.param("지난주에 결제", "지난주", None, "지난주", id="last-week"),
        pytest.param("일주일 전에", "7일 전", 7, "일주일 전", id="one-week-ago"),
        pytest.param("2주 전에", "14일 전", 14, "2주 전", id="two-weeks-ago"),
        pytest.param("한 달 전에", "지난달", None, "한 달 전", id="a-month-ago"),
        pytest.param("지난달에 결제", "지난달", None, "지난달", id="last-month"),
        pytest.param("3개월 전에", "3개월 전", None, "3개월 전", id="three-months-ago"),
        pytest.param("월요일에 결제", "월요일", None, "월요일", id="weekday"),
        pytest.param("토욜에 결제", "토요일", None, "토욜", id="weekday-slang"),
        pytest.param("11월 3일에 결제", "11월 3일", None, "11월 3일", id="date"),
        pytest.param("11월3일 결제", "11월 3일", None, "11월3일", id="date-glued"),
        pytest.param("paid 3 days ago", "3일 전", 3, "3 days ago", id="english-days-ago"),
        pytest.param("yesterday 결제", "어제", 1, "yesterday", id="english-yesterday"),
    ],
)
def test_times_are_canonical_with_days_ago(
    text: str, canonical: str, days_ago: Optional[int], surface: str
) -> None:
    """A time expression maps to one canonical phrase and, where fixed, a number of days."""
    entities = [entity for entity in find_entities(text) if entity["entity"] == "when"]
    assert [(entity["value"], entity[DAYS_AGO_KEY], entity["text"]) for entity in entities] == [
        (canonical, days_ago, surface)
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("시간이 아까워요", id="akkawo-is-a-pity"),
        pytest.param("그제야 알았어요", id="only-then"),
        pytest.param("3일 전화했는데", id="phone-call"),
        pytest.param("무슨 요일이에요", id="what-weekday"),
    ],
)
def test_time_look_alikes_are_not_times(text: str) -> None:
    """Words that only look like time expressions give none."""
    assert found(text, "when") == []


def test_last_week_monday_gives_two_times() -> None:
    """'지난주 월요일에' keeps both parts: 지난주 and 월요일."""
    assert found("지난주 월요일에 결제") == [
        ("when", "지난주", "지난주"),
        ("when", "월요일", "월요일"),
    ]


@pytest.mark.parametrize(
    "span, expected",
    [
        pytest.param("월요일에", ("월요일", None), id="weekday-with-particle"),
        pytest.param("삼일전", ("3일 전", 3), id="sino-days-ago"),
        pytest.param("어젯밤", ("어제", 1), id="last-night"),
        pytest.param("결제", None, id="no-time"),
    ],
)
def test_normalise_when(span: str, expected: Optional[Tuple[str, Optional[int]]]) -> None:
    """A time span maps to (canonical, days_ago)."""
    assert normalise_when(span) == expected


# --------------------------------------------------------------------------------------------
# error codes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code, surface",
    [
        pytest.param("E1023 오류가 떠요", "E1023", "E1023", id="letter-code"),
        pytest.param("오류코드 503", "503", "503", id="numeric-after-cue"),
        pytest.param("에러 코드: PAY-001 이래요", "PAY-001", "PAY-001", id="dashed-after-cue"),
        pytest.param("에러 5001", "5001", "5001", id="numeric-after-error"),
        pytest.param("503 오류가 나요", "503", "503", id="numeric-before-cue"),
        pytest.param("error code e1023", "E1023", "e1023", id="lower-case-english"),
        pytest.param("결제하니까😭E1023", "E1023", "E1023", id="after-emoji"),
    ],
)
def test_error_codes_are_the_code_itself(text: str, code: str, surface: str) -> None:
    """The span is the code without its cue word, and the value is upper-cased."""
    assert found(text, "error_code") == [("error_code", code, surface)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("에러가 나요", id="error-without-code"),
        pytest.param("오류 3만원 결제", id="amount-after-error-word"),
        pytest.param("KRW30000 결제", id="currency-is-not-a-code"),
    ],
)
def test_error_code_look_alikes_are_not_codes(text: str) -> None:
    """An error without a code, or an amount after the word 오류, is no code."""
    assert found(text, "error_code") == []


@pytest.mark.parametrize(
    "span, expected",
    [
        pytest.param("오류코드 503", "503", id="cued"),
        pytest.param("e1023", "E1023", id="bare-letter-code"),
        pytest.param("503", "503", id="bare-number"),
        pytest.param("결제", None, id="no-code"),
    ],
)
def test_normalise_error_code(span: str, expected: Optional[str]) -> None:
    """A code span maps to the upper-cased code."""
    assert normalise_error_code(span) == expected


# --------------------------------------------------------------------------------------------
# whole messages
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            "어제 신용카드로 2만 5천원 결제했는데 에러 코드: PAY-001 떠요 😭",
            [
                ("when", "어제", "어제"),
                ("method", "카드", "신용카드"),
                ("amount", 25000, "2만 5천원"),
                ("error_code", "PAY-001", "PAY-001"),
            ],
            id="all-four",
        ),
        pytest.param("E1023", [("error_code", "E1023", "E1023")], id="code-is-not-an-amount"),
        pytest.param("3일 전", [("when", "3일 전", "3일 전")], id="days-ago-is-not-an-amount"),
        pytest.param("010-1234-5678", [], id="phone-is-nothing"),
        pytest.param(
            "페이머니로 QR코드 결제 30,000원",
            [("method", "페이머니", "페이머니"), ("method", "QR", "QR코드"), ("amount", 30000, "30,000원")],
            id="two-methods",
        ),
    ],
)
def test_find_entities_in_whole_messages(text: str, expected: List[Tuple[str, Any, str]]) -> None:
    """Each entity is found once, in text order, with nothing else."""
    assert found(text) == expected


ODD_INPUTS = [
    pytest.param("", id="empty"),
    pytest.param("   \t\n", id="whitespace"),
    pytest.param("😭🙏👨‍👩‍👧", id="emoji-only"),
    pytest.param("\x00결제\x003만원\x00", id="nul-characters"),
    pytest.param("ㅇㅇ ㄳ ㄴㄴ ㅠㅠ", id="jamo"),
    pytest.param("3만원" * 3000, id="ten-thousand-characters-of-amounts"),
    pytest.param("이" * 10000, id="ten-thousand-sino-digits"),
    pytest.param("1" * 10000, id="ten-thousand-digits"),
    pytest.param("어제 3만원 카드 E1023 " * 500, id="ten-thousand-characters-of-everything"),
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_entities_point_into_the_text_without_overlaps(text: str) -> None:
    """On any input, entities are sorted, disjoint, and text[start:end] is their surface."""
    entities = find_entities(text)
    previous_end = 0
    for entity in entities:
        assert previous_end <= entity["start"] < entity["end"] <= len(text)
        assert text[entity["start"] : entity["end"]] == entity["text"]
        previous_end = entity["end"]


def test_resolve_overlaps_prefers_longest_then_error_code() -> None:
    """Longest span wins; on equal spans an error code beats an amount."""

    def entity(entity_type: str, start: int, end: int) -> Dict[str, Any]:
        return {"entity": entity_type, "value": None, "start": start, "end": end, "text": ""}

    kept = resolve_overlaps(
        [
            entity("amount", 0, 4),
            entity("error_code", 0, 4),
            entity("method", 2, 9),
            entity("when", 9, 11),
        ]
    )
    assert [(item["entity"], item["start"]) for item in kept] == [("method", 2), ("when", 9)]
    kept = resolve_overlaps([entity("amount", 0, 4), entity("error_code", 0, 4)])
    assert [item["entity"] for item in kept] == ["error_code"]
