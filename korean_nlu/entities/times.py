"""Times, canonical, with ``days_ago`` when the distance is fixed.

방금 (0), 오늘 (0), 어제 (1), 그저께 (2), "N일 전" (N), 지난주 (None), 지난달 (None),
"N개월 전" (None), a weekday such as 월요일 (None: it depends on today), a date such as
"11월 3일" (None). Weeks are counted in days: "일주일 전" -> "7일 전", "2주 전" -> "14일 전", so
that every fixed distance has one spelling and ``days_ago`` is always the number in it. The words
come from :mod:`korean_nlu.entities.lexicon`.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from korean_nlu.entities.amounts import parse_number_words
from korean_nlu.entities.entity_types import DAYS_AGO_KEY, ENTITY_WHEN
from korean_nlu.entities.lexicon import (
    A_FEW_MINUTES,
    A_MOMENT_AGO,
    AGO,
    AGO_HANJA,
    BEFORE_LAST,
    COUNT_SINO_CHARS,
    DAY,
    DAY_BEFORE_YESTERDAY,
    DAY_BEFORE_YESTERDAY_SHORT,
    JUST_NOW,
    LAST_MONTH_LATIN,
    LAST_NIGHT_PARTS,
    LAST_NIGHT_STEM,
    LAST_WEEK_LATIN,
    LAST_WORDS,
    MONTH,
    MONTHS,
    NATIVE_COUNTS,
    NATIVE_DAYS,
    PARTS_OF_DAY,
    SOME_DAYS,
    TODAY_LATIN,
    TODAY_WORDS,
    WEEK,
    WEEKDAY_SUFFIXES,
    WEEKDAYS,
    WEEKEND,
    YESTERDAY_LATIN,
    YESTERDAY_WORDS,
    alternation,
)
from korean_nlu.entities.spans import longest, make_entity

# 전 as "before", not 전화 (phone), 전송, 전액, 전체, 전부, 전혀, 전달, 전원, 전산, 전자.
_AGO = rf"\s?(?:{AGO}(?![화송액체부혀달원산자])|{AGO_HANJA})"
_PART_OF_DAY = rf"(?:\s?(?:{alternation(PARTS_OF_DAY)}))?"
_COUNT = rf"\d{{1,3}}|[{COUNT_SINO_CHARS}]{{1,3}}|{alternation(NATIVE_COUNTS)}"
_LAST = alternation(LAST_WORDS)


def _latin(word: str) -> str:
    """A latin word, any case, not inside a longer latin word."""
    return rf"(?<![A-Za-z])(?i:{alternation([word])})(?![A-Za-z])"


# A time rule reads a match into (canonical phrase, days ago), or None when it is not a time.
_WhenRule = Callable[["re.Match[str]"], Optional[Tuple[str, Optional[int]]]]


def _count_value(word: str) -> Optional[int]:
    """Reads a small count written in digits, Sino-Korean or native Korean ("3", "삼", "세")."""
    word = word.strip()
    if word in NATIVE_COUNTS:
        return NATIVE_COUNTS[word]
    if word in NATIVE_DAYS:
        return NATIVE_DAYS[word]
    value = parse_number_words(word)
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
        re.compile(
            rf"{JUST_NOW}(?:{_AGO})?|{A_MOMENT_AGO}(?![워운와웠울])(?:{_AGO})?"
            rf"|(?:{alternation(A_FEW_MINUTES)}){_AGO}"
        ),
        _fixed("방금", 0),
    ),
    (
        re.compile(rf"(?:{alternation(TODAY_WORDS)}){_PART_OF_DAY}|{_latin(TODAY_LATIN)}"),
        _fixed("오늘", 0),
    ),
    (
        re.compile(
            rf"(?:{alternation(YESTERDAY_WORDS)}){_PART_OF_DAY}"
            rf"|{LAST_NIGHT_STEM}\s?(?:{alternation(LAST_NIGHT_PARTS)})|{_latin(YESTERDAY_LATIN)}"
        ),
        _fixed("어제", 1),
    ),
    # 그제 but not 그제야/그제서야 (only then).
    (
        re.compile(
            rf"(?:{DAY_BEFORE_YESTERDAY}|{DAY_BEFORE_YESTERDAY_SHORT}(?!야|서야)){_PART_OF_DAY}"
        ),
        _fixed("그저께", 2),
    ),
    (
        re.compile(
            rf"(?<![\d.,])(?P<n>\d{{1,3}}|[{COUNT_SINO_CHARS}]{{1,3}})\s?{DAY}{_AGO}"
            rf"|(?P<native>{alternation(NATIVE_DAYS)}){_AGO}"
        ),
        _days_ago,
    ),
    (
        re.compile(r"(?<![\d.,])(?P<n>\d{1,3})\s?days?\s?ago(?![A-Za-z])", re.IGNORECASE),
        _days_ago,
    ),
    (re.compile(rf"(?<![\d.,])(?P<n>{_COUNT})\s?{WEEK}{DAY}?{_AGO}"), _weeks_ago),
    (re.compile(rf"{BEFORE_LAST}\s?{WEEK}"), _fixed("지지난주", None)),
    (
        re.compile(
            rf"(?<!지)(?:{_LAST})\s?(?:{WEEKEND}|{WEEK})|{_latin(LAST_WEEK_LATIN)}"
        ),
        _fixed("지난주", None),
    ),
    (
        re.compile(rf"(?:{_LAST})\s?{MONTH}|{_latin(LAST_MONTH_LATIN)}"),
        _fixed("지난달", None),
    ),
    (re.compile(rf"(?<![\d.,])(?P<n>{_COUNT})\s?(?:{MONTH}|{MONTHS}){_AGO}"), _months_ago),
    (re.compile(rf"(?P<d>[{WEEKDAYS}])(?:{alternation(WEEKDAY_SUFFIXES)})"), _weekday),
    (re.compile(r"(?:(?P<y>\d{4})\s?년\s?)?(?<!\d)(?P<m>\d{1,2})\s?월\s?(?P<d>\d{1,2})\s?일"), _date),
    (re.compile(rf"{SOME_DAYS}{_AGO}"), _fixed("며칠 전", None)),
)


def find_whens(text: str) -> List[Dict[str, Any]]:
    """Finds relative and explicit time expressions in raw text.

    Args:
        text: The message.

    Returns:
        ``when`` entity dicts carrying ``days_ago``, possibly overlapping.
    """
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
            entity = make_entity(ENTITY_WHEN, canonical, text, start, end)
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
    best = longest(find_whens(text))
    return (best["value"], best[DAYS_AGO_KEY]) if best is not None else None
