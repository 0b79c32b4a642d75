"""Pure normalisers for what customers mention: amounts, payment methods, times, error codes.

Nothing here needs Rasa or spaCy: every function takes a string and returns plain data, so the
rules can be tested on their own and reused by actions (for example to re-read a slot value).

Entity values:

* ``amount``: an ``int`` number of won. "3만원", "2만 5천원", "삼만 원", "1,250,000원", "3.5만원",
  "₩30,000", "30000 결제" -> 30000, 25000, 30000, 1250000, 35000, 30000, 30000. A number without
  a currency word counts only when it carries a Korean unit ("3만", "5천") or a payment word follows
  it ("30000 결제", "30000이 송금됐어요"); a Sino-Korean numeral with no digit ("삼만원") counts only
  with 원, so that words such as 만약, 천천히, 사원 are never amounts.
* ``method``: the canonical payment method: 카드, 계좌, 페이머니, QR, 바코드, 포인트, 휴대폰.
  휴대폰 is only a method when a payment word goes with it ("휴대폰결제", "핸드폰으로 결제"), so that
  span includes the payment word.
* ``when``: a canonical Korean phrase plus ``days_ago`` when the distance is fixed:
  방금 (0), 오늘 (0), 어제 (1), 그저께 (2), "N일 전" (N), 지난주 (None), 지난달 (None),
  "N개월 전" (None), a weekday such as 월요일 (None: it depends on today), a date such as
  "11월 3일" (None). Weeks are counted in days: "일주일 전" -> "7일 전", "2주 전" -> "14일 전", so
  that every fixed distance has one spelling and ``days_ago`` is always the number in it.
* ``error_code``: the code itself, upper-cased: "E1023", "503", "PAY-001". The span covers the code,
  not the cue word before it ("오류코드 503" -> span "503").
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

ENTITY_AMOUNT = "amount"
ENTITY_METHOD = "method"
ENTITY_WHEN = "when"
ENTITY_ERROR_CODE = "error_code"
ALL_ENTITY_TYPES: Tuple[str, ...] = (
    ENTITY_AMOUNT,
    ENTITY_METHOD,
    ENTITY_WHEN,
    ENTITY_ERROR_CODE,
)

# Extra key of `when` entities: whole days between the event and today, or None.
DAYS_AGO_KEY = "days_ago"

# When two candidates of equal length overlap, the lower rank wins: "에러 5001 결제" is an error
# code before it is an amount, "3일 전" a time before anything else.
_TYPE_RANK: Dict[str, int] = {
    ENTITY_ERROR_CODE: 0,
    ENTITY_WHEN: 1,
    ENTITY_AMOUNT: 2,
    ENTITY_METHOD: 3,
}

# Longer inputs are not a span; parsing them would only cost time.
_MAX_SPAN_CHARS = 64

# ---------------------------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------------------------

_SINO_DIGITS: Dict[str, int] = {
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
_SMALL_UNITS: Dict[str, int] = {"십": 10, "백": 100, "천": 1000}
_BIG_UNITS: Dict[str, int] = {"만": 10**4, "억": 10**8, "조": 10**12}
_UNIT_CHARS = "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
_SINO_CHARS = "".join(_SINO_DIGITS) + _UNIT_CHARS

# "1,250,000" or "30000" or "3.5"; at most 13 digits so that a run of digits cannot explode.
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,13}(?:\.\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_ATOM = rf"(?:{_NUMBER}|[{_SINO_CHARS}])"
# Words after 원 that make it another word: 원래 (originally), 원인 (cause), 원해/원하 (want).
_WON = r"원(?![래인하해한])"
_CURRENCY_PREFIX_RE = re.compile(r"^(?:[₩￦]|(?i:krw))\s*")
_CURRENCY_SUFFIX_RE = re.compile(
    r"\s*(?:원|(?i:won|krw))(?:이|을|를|은|는|에|도|만|씩|짜리|정도|쯤|가량)?$"
)

_AMOUNT_RE = re.compile(
    rf"""
    (?:
        (?P<prefix>(?<![A-Za-z])(?:[₩￦]|(?i:krw))\s?)
      | (?<![A-Za-z0-9\-_.,/])(?<!\d\s)(?<!\d[:：])
    )
    (?P<core>
        {_ATOM}{{1,24}}
        (?:
            (?:(?<=[{_UNIT_CHARS}])\s|(?<=\d)\s(?=[{_UNIT_CHARS}]))
            {_ATOM}{{1,24}}
        ){{0,6}}
    )
    (?P<suffix>\s?(?:{_WON}|(?i:won|krw)(?![A-Za-z])))?
    """,
    re.VERBOSE,
)
# A bare number is an amount when one of these follows it ("30000 결제", "30000이 송금됐어요") ...
_AMOUNT_CUE_AFTER_RE = re.compile(
    r"\s?(?:을|를|이|가|은|는|도|정도|가량|쯤|만큼)?\s?"
    r"(?:결제|결재|송금|이체|충전|환불|입금|출금|인출|청구|승인|보냈|보내|받았|냈|빠져|빠졌|나갔"
    r"|(?i:paid|payment|pay|charged|transfer|refund))"
)
# ... or one of these precedes it ("금액: 30000", "결제 금액은 30000", "송금 30000") ...
_AMOUNT_CUE_BEFORE_RE = re.compile(
    r"(?:금액|결제액|송금액|이체액|환불액|충전액|결제|결재|송금|이체|충전|환불|입금|출금|(?i:amount))"
    r"\s?(?:은|는|이|가|[:：=])?\s?$"
)
# ... and then only if no other word is glued to it ("결제 2024년" is a year, "송금 3번" a count).
_BARE_NUMBER_END_RE = re.compile(
    r"(?![A-Za-z0-9가-힣])|(?:을|를|이|가|은|는|도|정도|가량|쯤|만큼|입니다|이에요|이요|요)"
)


def _parse_number_words(text: str) -> Optional[Decimal]:
    """Parses digits and Sino-Korean numerals with units, without spaces or currency.

    Args:
        text: For example "2만5천", "삼만", "3.5만", "1,250,000", "천오백".

    Returns:
        The value, or None when ``text`` is not a well-formed number.
    """
    total = Decimal(0)
    section = Decimal(0)  # the part below the last 만/억/조
    current: Optional[Decimal] = None  # a digit group not yet multiplied by a unit
    seen = False
    index = 0
    while index < len(text):
        char = text[index]
        number = _NUMBER_RE.match(text, index)
        if number is not None:
            if current is not None:
                return None  # two numbers in a row: "3 4", "이3"
            try:
                current = Decimal(number.group().replace(",", ""))
            except InvalidOperation:
                return None
            index = number.end()
            seen = True
            continue
        if char in _SINO_DIGITS:
            if current is not None:
                return None  # "이삼" is two numbers, not one
            current = Decimal(_SINO_DIGITS[char])
        elif char in _SMALL_UNITS:
            section += (current if current is not None else Decimal(1)) * _SMALL_UNITS[char]
            current = None
        elif char in _BIG_UNITS:
            section += current if current is not None else Decimal(0)
            if section == 0:
                section = Decimal(1)  # "만원" is 1만
            total += section * _BIG_UNITS[char]
            section = Decimal(0)
            current = None
        else:
            return None
        seen = True
        index += 1
    if not seen:
        return None
    return total + section + (current if current is not None else Decimal(0))


def parse_korean_amount(text: str) -> Optional[int]:
    """Parses one amount of money written the way Korean customers write it.

    Args:
        text: The amount's span, for example "3만원", "3만 원", "30,000원", "2만 5천원", "삼만원",
            "만원", "천오백원", "3.5만원", "₩30,000", "30000 won". A particle right after 원
            ("3만원에") is allowed; other words are not.

    Returns:
        The amount in won, or None when ``text`` is not an amount (or not a whole number of won).
    """
    if not isinstance(text, str):
        return None
    span = text.strip()
    if not span or len(span) > _MAX_SPAN_CHARS:
        return None
    span = _CURRENCY_PREFIX_RE.sub("", span)
    span = _CURRENCY_SUFFIX_RE.sub("", span)
    if not span or re.search(r"\d\s+\d", span):
        return None
    value = _parse_number_words(re.sub(r"\s+", "", span))
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def _find_amounts(text: str) -> List[Dict[str, Any]]:
    """Finds amounts of money in raw text (see the module docstring for what counts)."""
    found: List[Dict[str, Any]] = []
    for match in _AMOUNT_RE.finditer(text):
        core = match.group("core")
        core_start = match.start("core")
        has_currency = bool(match.group("prefix") or match.group("suffix"))
        if not has_currency:
            # Without 원 a trailing Sino digit is the next word: the particle in "30000이 결제",
            # "3만 이체", "3일"; drop it and the spaces before it.
            core = re.sub(rf"\s*[{''.join(_SINO_DIGITS)}]+$", "", core).rstrip()
            if not core:
                continue
        value = _parse_number_words(re.sub(r"\s+", "", core))
        if value is None and not re.search(r"\d\s+\d", core):
            # A Sino numeral glued to the previous word ("금액이삼만원", "송금이30000원"):
            # drop leading characters until the rest is a number.
            for cut in range(1, len(core)):
                if core[cut - 1] not in _SINO_CHARS:
                    break
                value = _parse_number_words(re.sub(r"\s+", "", core[cut:]))
                if value is not None:
                    core_start += cut
                    core = core[cut:]
                    break
        if value is None or value != value.to_integral_value() or re.search(r"\d\s+\d", core):
            continue
        has_digit = any(char.isdigit() for char in core)
        has_unit = any(char in _UNIT_CHARS for char in core)
        if has_currency:
            if not has_digit and not has_unit:
                continue  # 사원, 구원, 일원: words, not 4원 / 9원 / 1원
        elif has_digit and has_unit:
            if core.rstrip()[-1] not in _UNIT_CHARS:
                continue  # "2만5" could be 20005 or 25000: leave it
        elif has_digit:
            if not _is_cued_bare_number(text, core, core_start, value):
                continue
        else:
            continue  # 삼만, 만, 천 without 원: 만약, 천천히, 이만 가볼게요 ...
        start = match.start("prefix") if match.group("prefix") else core_start
        end = match.end() if has_currency else core_start + len(core)
        found.append(_entity(ENTITY_AMOUNT, int(value), text, start, end))
    return found


def _is_cued_bare_number(text: str, core: str, core_start: int, value: Decimal) -> bool:
    """Tells whether a number with no unit and no 원 is an amount because of the words around it."""
    core_end = core_start + len(core)
    if "." in core or core.startswith("0") or value < 10:
        return False  # decimals, phone / account numbers, counts
    if core_end < len(text) and text[core_end] in "-:/.":
        return False  # 1234-5678, 10:30, 11/3
    if _AMOUNT_CUE_AFTER_RE.match(text, core_end):
        return True
    if not _BARE_NUMBER_END_RE.match(text, core_end):
        return False
    return bool(_AMOUNT_CUE_BEFORE_RE.search(text[max(0, core_start - 16) : core_start]))


# ---------------------------------------------------------------------------------------------
# Payment methods
# ---------------------------------------------------------------------------------------------

_PAY_WORD = r"(?:결제|결재|(?i:payment|pay)(?![A-Za-z]))"
# (canonical method, surface pattern); the longest surface wins, so 계좌이체 beats 계좌.
_METHOD_LEXICON: Tuple[Tuple[str, str], ...] = (
    (
        "휴대폰",
        rf"(?:휴대폰|핸드폰|휴대전화|(?<![A-Za-z])(?i:mobile\s?phone|phone)(?![A-Za-z]))"
        rf"\s?(?:으로|로)?\s?(?:소액\s?)?{_PAY_WORD}",
    ),
    (
        "카드",
        r"신용\s?카드|체크\s?카드|카드|(?<![A-Za-z])(?i:credit\s?card|debit\s?card|check\s?card|card)s?"
        r"(?![A-Za-z])",
    ),
    ("계좌", r"계좌\s?이체|계좌|은행|무통장\s?입금|(?<![A-Za-z])(?i:bank\s?transfer|bank)(?![A-Za-z])"),
    # 머니 alone, but not inside 어머니, 할머니 or another company's 카카오머니.
    ("페이머니", r"페이\s?머니|(?<![가-힣])머니|(?<![A-Za-z])(?i:pay\s?money)(?![A-Za-z])"),
    ("QR", r"(?<![A-Za-z])(?i:qr)(?:\s?(?:코드|(?i:code)(?![A-Za-z])))?(?![A-Za-z])|큐알\s?코드|큐알"),
    ("바코드", r"바코드|(?<![A-Za-z])(?i:bar\s?code)(?![A-Za-z])"),
    ("포인트", r"포인트"),
)
_METHOD_RES: Tuple[Tuple[str, "re.Pattern[str]"], ...] = tuple(
    (canonical, re.compile(pattern)) for canonical, pattern in _METHOD_LEXICON
)
CANONICAL_METHODS: Tuple[str, ...] = tuple(canonical for canonical, _ in _METHOD_LEXICON)


def _find_methods(text: str) -> List[Dict[str, Any]]:
    """Finds payment-method mentions in raw text."""
    return [
        _entity(ENTITY_METHOD, canonical, text, match.start(), match.end())
        for canonical, pattern in _METHOD_RES
        for match in pattern.finditer(text)
    ]


def normalise_method(text: str) -> Optional[str]:
    """Maps a payment-method mention to its canonical name.

    Args:
        text: A span such as "신용카드로", "계좌이체", "pay money", "큐알", "barcode",
            "핸드폰 결제". A bare "휴대폰" is not a method (it is usually the phone itself).

    Returns:
        One of :data:`CANONICAL_METHODS`, taken from the longest mention in ``text``, or None.
    """
    return _longest_value(_find_methods(text) if isinstance(text, str) else [])


# ---------------------------------------------------------------------------------------------
# Relative times
# ---------------------------------------------------------------------------------------------

# 전 as "before", not 전화 (phone), 전송, 전액, 전체, 전부, 전혀, 전달, 전원, 전산, 전자.
_AGO = r"\s?(?:전(?![화송액체부혀달원산자])|前)"
_PART_OF_DAY = r"(?:\s?(?:아침|오전|오후|낮|점심|저녁|밤|새벽))?"
_NATIVE_DAYS: Dict[str, int] = {
    "하루": 1,
    "이틀": 2,
    "사흘": 3,
    "나흘": 4,
    "닷새": 5,
    "엿새": 6,
    "이레": 7,
    "열흘": 10,
}
_NATIVE_COUNTS: Dict[str, int] = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6}
_COUNT = r"\d{1,3}|[일이삼사오육칠팔구십]{1,3}|한|두|세|네|다섯|여섯"
_WEEKDAYS = "월화수목금토일"


# A time rule reads a match into (canonical phrase, days ago), or None when it is not a time.
_WhenRule = Callable[["re.Match[str]"], Optional[Tuple[str, Optional[int]]]]


def _count_value(word: str) -> Optional[int]:
    """Reads a small count written in digits, Sino-Korean or native Korean ("3", "삼", "세")."""
    word = word.strip()
    if word in _NATIVE_COUNTS:
        return _NATIVE_COUNTS[word]
    if word in _NATIVE_DAYS:
        return _NATIVE_DAYS[word]
    value = _parse_number_words(word)
    if value is None or value != value.to_integral_value() or value <= 0:
        return None
    return int(value)


def _days_ago(match: "re.Match[str]") -> Optional[Tuple[str, Optional[int]]]:
    """'3일 전', '삼일전', '이틀 전', '3 days ago' -> ('3일 전', 3)."""
    groups = match.groupdict()
    days = _count_value(groups.get("n") or groups.get("native") or "")
    return (f"{days}일 전", days) if days is not None else None


def _weeks_ago(match: "re.Match[str]") -> Optional[Tuple[str, Optional[int]]]:
    """'일주일 전' -> ('7일 전', 7); '2주 전' -> ('14일 전', 14)."""
    weeks = _count_value(match.group("n"))
    return (f"{weeks * 7}일 전", weeks * 7) if weeks is not None else None


def _months_ago(match: "re.Match[str]") -> Optional[Tuple[str, Optional[int]]]:
    """'한 달 전' -> ('지난달', None); '3개월 전' -> ('3개월 전', None)."""
    months = _count_value(match.group("n"))
    if months is None:
        return None
    return ("지난달", None) if months == 1 else (f"{months}개월 전", None)


def _weekday(match: "re.Match[str]") -> Optional[Tuple[str, Optional[int]]]:
    """'월요일에', '월욜' -> ('월요일', None)."""
    return (f"{match.group('d')}요일", None)


def _date(match: "re.Match[str]") -> Optional[Tuple[str, Optional[int]]]:
    """'11월3일' -> ('11월 3일', None); '2024년 11월 3일' keeps the year."""
    month, day = int(match.group("m")), int(match.group("d"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    year = match.group("y")
    return (f"{year}년 {month}월 {day}일" if year else f"{month}월 {day}일", None)


def _fixed(canonical: str, days: Optional[int]) -> "_WhenRule":
    """A rule whose value does not depend on the match."""
    return lambda match: (canonical, days)


_WHEN_RULES: Tuple[Tuple["re.Pattern[str]", _WhenRule], ...] = (
    (
        # 아까 but not 아까워/아까운 (a pity).
        re.compile(rf"방금(?:{_AGO})?|아까(?![워운와웠울])(?:{_AGO})?|(?:조금|좀|쫌|몇\s?분){_AGO}"),
        _fixed("방금", 0),
    ),
    (re.compile(rf"(?:오늘|금일){_PART_OF_DAY}|(?<![A-Za-z])(?i:today)(?![A-Za-z])"), _fixed("오늘", 0)),
    (
        re.compile(
            rf"(?:어제|어저께){_PART_OF_DAY}|어젯\s?(?:밤|저녁)|(?<![A-Za-z])(?i:yesterday)(?![A-Za-z])"
        ),
        _fixed("어제", 1),
    ),
    # 그제 but not 그제야/그제서야 (only then).
    (re.compile(rf"(?:그저께|그제(?!야|서야)){_PART_OF_DAY}"), _fixed("그저께", 2)),
    (
        re.compile(
            rf"(?<![\d.,])(?P<n>\d{{1,3}}|[일이삼사오육칠팔구십]{{1,3}})\s?일{_AGO}"
            rf"|(?P<native>{'|'.join(_NATIVE_DAYS)}){_AGO}"
        ),
        _days_ago,
    ),
    (
        re.compile(r"(?<![\d.,])(?P<n>\d{1,3})\s?days?\s?ago(?![A-Za-z])", re.IGNORECASE),
        _days_ago,
    ),
    (re.compile(rf"(?<![\d.,])(?P<n>{_COUNT})\s?주일?{_AGO}"), _weeks_ago),
    (re.compile(r"지지난\s?주"), _fixed("지지난주", None)),
    (
        re.compile(r"(?<!지)(?:지난|저번)\s?주(?:말)?|(?<![A-Za-z])(?i:last\s?week)(?![A-Za-z])"),
        _fixed("지난주", None),
    ),
    (
        re.compile(r"(?:지난|저번)\s?달|(?<![A-Za-z])(?i:last\s?month)(?![A-Za-z])"),
        _fixed("지난달", None),
    ),
    (re.compile(rf"(?<![\d.,])(?P<n>{_COUNT})\s?(?:달|개월){_AGO}"), _months_ago),
    (re.compile(rf"(?P<d>[{_WEEKDAYS}])(?:요일|욜)"), _weekday),
    (re.compile(r"(?:(?P<y>\d{4})\s?년\s?)?(?<!\d)(?P<m>\d{1,2})\s?월\s?(?P<d>\d{1,2})\s?일"), _date),
    (re.compile(rf"며칠{_AGO}"), _fixed("며칠 전", None)),
)


def _find_whens(text: str) -> List[Dict[str, Any]]:
    """Finds relative and explicit time expressions in raw text."""
    found: List[Dict[str, Any]] = []
    for pattern, rule in _WHEN_RULES:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            # Patterns may start with an optional part that matched only whitespace.
            while start < end and text[start].isspace():
                start += 1
            if start == end:
                continue
            result = rule(match)
            if result is None:
                continue
            canonical, days = result
            entity = _entity(ENTITY_WHEN, canonical, text, start, end)
            entity[DAYS_AGO_KEY] = days
            found.append(entity)
    return found


def normalise_when(text: str) -> Optional[Tuple[str, Optional[int]]]:
    """Maps a time expression to its canonical phrase and how many days ago it was.

    Args:
        text: A span such as "아까", "오늘 아침", "어젯밤", "그제", "삼일전", "일주일 전",
            "2주 전", "한 달 전", "지난주", "월요일에", "11월 3일".

    Returns:
        ``(canonical, days_ago)`` from the longest time expression in ``text``, for example
        ``("3일 전", 3)``, ``("지난주", None)``; or None when ``text`` holds none.
    """
    if not isinstance(text, str):
        return None
    best = _longest(_find_whens(text))
    return (best["value"], best[DAYS_AGO_KEY]) if best is not None else None


# ---------------------------------------------------------------------------------------------
# Error codes
# ---------------------------------------------------------------------------------------------

_CODE = r"[A-Za-z]{1,6}[-_]?\d{2,8}|\d{2,8}"
_ERROR_CUE = r"(?:오류|에러|에라|(?i:error|err)(?![A-Za-z]))"
_ERROR_CODE_RES: Tuple["re.Pattern[str]", ...] = (
    # "오류코드 503", "에러 코드: PAY-001", "에러 5001", "error code E1023", "코드: 503"
    re.compile(
        rf"(?:{_ERROR_CUE}\s?(?:(?:코드|(?i:code)|번호)\s?)?|(?<![가-힣A-Za-z])코드\s?(?=[:：#]))"
        rf"(?:(?:[:：#=]|(?:는|은|가|이|로|번))\s?)?"
        rf"(?P<code>{_CODE})(?![A-Za-z0-9]|\s?[원만천억])"
    ),
    # "503 오류", "E1023 에러"
    re.compile(
        rf"(?<![A-Za-z0-9\-_.,/])(?P<code>{_CODE})(?![A-Za-z0-9]|[-_.,])\s?(?:번\s?)?{_ERROR_CUE}"
    ),
    # A code with letters needs no cue: "E1023", "PAY-001", "err_503" (not "KRW30000").
    re.compile(
        r"(?<![A-Za-z0-9\-_])(?!(?i:krw|won))(?P<code>[A-Za-z]{1,4}[-_]?\d{3,8})(?![A-Za-z0-9])"
    ),
)


def _find_error_codes(text: str) -> List[Dict[str, Any]]:
    """Finds error codes in raw text; the span is the code without its cue word."""
    return [
        _entity(
            ENTITY_ERROR_CODE,
            match.group("code").upper(),
            text,
            match.start("code"),
            match.end("code"),
        )
        for pattern in _ERROR_CODE_RES
        for match in pattern.finditer(text)
    ]


def normalise_error_code(text: str) -> Optional[str]:
    """Extracts the error code from a span such as "오류코드 503" or "e1023".

    Args:
        text: The span; a bare code ("503", "PAY-001") counts as a code too.

    Returns:
        The code, upper-cased, or None.
    """
    if not isinstance(text, str):
        return None
    value = _longest_value(_find_error_codes(text))
    if value is None and re.fullmatch(rf"\s*(?:{_CODE})\s*", text):
        value = text.strip().upper()
    return value


# ---------------------------------------------------------------------------------------------
# All entities
# ---------------------------------------------------------------------------------------------

_FINDERS: Dict[str, Callable[[str], List[Dict[str, Any]]]] = {
    ENTITY_AMOUNT: _find_amounts,
    ENTITY_METHOD: _find_methods,
    ENTITY_WHEN: _find_whens,
    ENTITY_ERROR_CODE: _find_error_codes,
}


def normalise_entity(entity_type: str, text: str) -> Optional[Dict[str, Any]]:
    """Normalises a whole span as one entity of the given type.

    Args:
        entity_type: One of :data:`ALL_ENTITY_TYPES`.
        text: The span.

    Returns:
        ``{"value": ...}`` (plus ``days_ago`` for ``when``), or None when the span is not one.
    """
    if entity_type == ENTITY_AMOUNT:
        amount = parse_korean_amount(text)
        return {"value": amount} if amount is not None else None
    if entity_type == ENTITY_METHOD:
        method = normalise_method(text)
        return {"value": method} if method is not None else None
    if entity_type == ENTITY_WHEN:
        when = normalise_when(text)
        return {"value": when[0], DAYS_AGO_KEY: when[1]} if when is not None else None
    if entity_type == ENTITY_ERROR_CODE:
        code = normalise_error_code(text)
        return {"value": code} if code is not None else None
    return None


def find_entities(text: str, entity_types: Optional[Iterable[str]] = None) -> List[Dict[str, Any]]:
    """Finds every amount, method, time and error code in a raw message.

    Args:
        text: The message as the customer typed it.
        entity_types: Restricts the search to these types; all of them by default.

    Returns:
        Rasa-style entity dicts ``{"entity", "value", "start", "end", "text"}`` (``when`` entities
        also carry ``days_ago``) sorted by ``start``, with ``text[start:end] == entity["text"]``.
        Overlaps are resolved in favour of the longest span, then error_code > when > amount >
        method.
    """
    if not isinstance(text, str) or not text:
        return []
    types = ALL_ENTITY_TYPES if entity_types is None else tuple(entity_types)
    candidates: List[Dict[str, Any]] = []
    for entity_type in types:
        finder = _FINDERS.get(entity_type)
        if finder is not None:
            candidates.extend(finder(text))
    return resolve_overlaps(candidates)


def resolve_overlaps(candidates: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Keeps a set of non-overlapping entities: longest first, then by type rank, then leftmost.

    Args:
        candidates: Entity dicts with ``start``, ``end`` and ``entity``. A candidate may carry an
            int ``rank`` (default 0) saying how much the caller trusts where it came from: every
            candidate of a lower rank is placed before any of a higher rank. It is dropped from
            the result.

    Returns:
        The kept entities sorted by ``start``.
    """
    ordered = sorted(
        (candidate for candidate in candidates if candidate["end"] > candidate["start"]),
        key=lambda candidate: (
            candidate.get("rank", 0),
            candidate["start"] - candidate["end"],
            _TYPE_RANK.get(candidate["entity"], len(_TYPE_RANK)),
            candidate["start"],
        ),
    )
    starts: List[int] = []
    kept: List[Dict[str, Any]] = []
    for candidate in ordered:
        position = bisect.bisect_left(starts, candidate["start"])
        if position > 0 and kept[position - 1]["end"] > candidate["start"]:
            continue
        if position < len(kept) and kept[position]["start"] < candidate["end"]:
            continue
        starts.insert(position, candidate["start"])
        kept.insert(position, {key: value for key, value in candidate.items() if key != "rank"})
    return kept


def _entity(entity_type: str, value: Any, text: str, start: int, end: int) -> Dict[str, Any]:
    """Builds a Rasa-style entity dict over ``text[start:end]``."""
    return {
        "entity": entity_type,
        "value": value,
        "start": start,
        "end": end,
        "text": text[start:end],
    }


def _longest(entities: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The entity with the longest span (the leftmost among equals), or None."""
    kept = resolve_overlaps(entities)
    return max(
        kept,
        key=lambda entity: (entity["end"] - entity["start"], -entity["start"]),
        default=None,
    )


def _longest_value(entities: List[Dict[str, Any]]) -> Optional[Any]:
    """The value of :func:`_longest`."""
    best = _longest(entities)
    return best["value"] if best is not None else None
