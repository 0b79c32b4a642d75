"""Amounts of money in won: "3만원", "2만 5천원", "삼만 원", "1,250,000원", "₩30,000", "30000 결제".

A number without a currency word counts only when it carries a Korean unit ("3만", "5천") or a
payment word goes with it ("30000 결제", "30000이 송금됐어요", "금액: 30000"); a Sino-Korean
numeral with no digit ("삼만원") counts only with 원, so that words such as 만약, 천천히, 사원 are
never amounts. The words come from :mod:`korean_nlu.entities.lexicon`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional

from korean_nlu.entities.entity_types import ENTITY_AMOUNT
from korean_nlu.entities.lexicon import (
    AMOUNT_COPULAS,
    AMOUNT_WORDS_BEFORE_AMOUNT,
    BIG_UNITS,
    CURRENCY_CODES_BEFORE,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS_AFTER,
    PARTICLES_AFTER_WON,
    PARTICLES_BEFORE_PAYMENT_WORD,
    PAYMENT_WORDS_AFTER_AMOUNT,
    SINO_CHARS,
    SINO_DIGITS,
    SMALL_UNITS,
    UNIT_CHARS,
    WON,
    alternation,
)
from korean_nlu.entities.spans import make_entity

# Longer inputs are not a span; parsing them would only cost time.
_MAX_SPAN_CHARS = 64

# "1,250,000" or "30000" or "3.5"; at most 13 digits so that a run of digits cannot explode.
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,13}(?:\.\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_ATOM = rf"(?:{_NUMBER}|[{SINO_CHARS}])"
_CURRENCY_BEFORE = rf"(?:[{''.join(CURRENCY_SYMBOLS)}]|(?i:{alternation(CURRENCY_CODES_BEFORE)}))"
_CURRENCY_AFTER = alternation(CURRENCY_WORDS_AFTER)
# Words after 원 that make it another word: 원래 (originally), 원인 (cause), 원해/원하 (want).
_WON = rf"{WON}(?![래인하해한])"
_CURRENCY_PREFIX_RE = re.compile(rf"^{_CURRENCY_BEFORE}\s*")
_CURRENCY_SUFFIX_RE = re.compile(
    rf"\s*(?:{WON}|(?i:{_CURRENCY_AFTER}))(?:{alternation(PARTICLES_AFTER_WON)})?$"
)

_AMOUNT_RE = re.compile(
    rf"""
    (?:
        (?P<prefix>(?<![A-Za-z]){_CURRENCY_BEFORE}\s?)
      | (?<![A-Za-z0-9\-_.,/])(?<!\d\s)(?<!\d[:：])
    )
    (?P<core>
        {_ATOM}{{1,24}}
        (?:
            (?:(?<=[{UNIT_CHARS}])\s|(?<=\d)\s(?=[{UNIT_CHARS}]))
            {_ATOM}{{1,24}}
        ){{0,6}}
    )
    (?P<suffix>\s?(?:{_WON}|(?i:{_CURRENCY_AFTER})(?![A-Za-z])))?
    """,
    re.VERBOSE,
)
# A bare number is an amount when a payment word follows it ("30000 결제", "30000이 송금됐어요") ...
_AMOUNT_CUE_AFTER_RE = re.compile(
    rf"\s?(?:{alternation(PARTICLES_BEFORE_PAYMENT_WORD)})?\s?"
    rf"(?i:{alternation(PAYMENT_WORDS_AFTER_AMOUNT)})"
)
# ... or an amount word precedes it ("금액: 30000", "결제 금액은 30000", "송금 30000") ...
_AMOUNT_CUE_BEFORE_RE = re.compile(
    rf"(?i:{alternation(AMOUNT_WORDS_BEFORE_AMOUNT)})\s?(?:은|는|이|가|[:：=])?\s?$"
)
# ... and then only if no other word is glued to it ("결제 2024년" is a year, "송금 3번" a count).
_BARE_NUMBER_END_RE = re.compile(
    rf"(?![A-Za-z0-9가-힣])|(?:{alternation(PARTICLES_BEFORE_PAYMENT_WORD + AMOUNT_COPULAS)})"
)


def parse_number_words(text: str) -> Optional[Decimal]:
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
        if char in SINO_DIGITS:
            if current is not None:
                return None  # "이삼" is two numbers, not one
            current = Decimal(SINO_DIGITS[char])
        elif char in SMALL_UNITS:
            section += (current if current is not None else Decimal(1)) * SMALL_UNITS[char]
            current = None
        elif char in BIG_UNITS:
            section += current if current is not None else Decimal(0)
            if section == 0:
                section = Decimal(1)  # "만원" is 1만
            total += section * BIG_UNITS[char]
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
    value = parse_number_words(re.sub(r"\s+", "", span))
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def find_amounts(text: str) -> List[Dict[str, Any]]:
    """Finds amounts of money in raw text (see the module docstring for what counts).

    Args:
        text: The message.

    Returns:
        ``amount`` entity dicts, possibly overlapping one another.
    """
    found: List[Dict[str, Any]] = []
    for match in _AMOUNT_RE.finditer(text):
        core = match.group("core")
        core_start = match.start("core")
        has_currency = bool(match.group("prefix") or match.group("suffix"))
        if not has_currency:
            # Without 원 a trailing Sino digit is the next word: the particle in "30000이 결제",
            # "3만 이체", "3일"; drop it and the spaces before it.
            core = re.sub(rf"\s*[{''.join(SINO_DIGITS)}]+$", "", core).rstrip()
            if not core:
                continue
        value = parse_number_words(re.sub(r"\s+", "", core))
        if value is None and not re.search(r"\d\s+\d", core):
            # A Sino numeral glued to the previous word ("금액이삼만원", "송금이30000원"):
            # drop leading characters until the rest is a number.
            for cut in range(1, len(core)):
                if core[cut - 1] not in SINO_CHARS:
                    break
                value = parse_number_words(re.sub(r"\s+", "", core[cut:]))
                if value is not None:
                    core_start += cut
                    core = core[cut:]
                    break
        if value is None or value != value.to_integral_value() or re.search(r"\d\s+\d", core):
            continue
        has_digit = any(char.isdigit() for char in core)
        has_unit = any(char in UNIT_CHARS for char in core)
        if has_currency:
            if not has_digit and not has_unit:
                continue  # 사원, 구원, 일원: words, not 4원 / 9원 / 1원
        elif has_digit and has_unit:
            if core.rstrip()[-1] not in UNIT_CHARS:
                continue  # "2만5" could be 20005 or 25000: leave it
        elif has_digit:
            if not _is_cued_bare_number(text, core, core_start, value):
                continue
        else:
            continue  # 삼만, 만, 천 without 원: 만약, 천천히, 이만 가볼게요 ...
        start = match.start("prefix") if match.group("prefix") else core_start
        end = match.end() if has_currency else core_start + len(core)
        found.append(make_entity(ENTITY_AMOUNT, int(value), text, start, end))
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
