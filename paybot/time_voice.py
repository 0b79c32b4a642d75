"""Questions about *another* time than now: "새벽 3시에도 돼요?", "토요일에는요?", "크리스마스에".

Pure logic over the clock, built on ``business_hours``: ``parse_asked_time`` reads which time a
customer's message asks about, ``status_for_asked`` says whether agents answer then, ``closing_time``
says until when they answer today, and ``everyday_holiday_name`` turns the ``holidays`` package's
official names ("기독탄신일", "설날 다음날", "삼일절 대체 휴일") into the ones people say ("성탄절",
"설 연휴", "대체공휴일").

What the guide knows, and so all this module may claim: agents work weekdays 09:00–18:00 Asia/Seoul; on
weekends and public holidays connecting to an agent "may be limited" (no weekend hours are known, so a
weekend or holiday is ``"limited"``, never ``"open"`` or ``"closed"``); the guide says nothing about a
lunch break (so lunch is ``"unknown"``).

The words matched here are vocabulary for *reading* customers' messages, like an amount normaliser's
"만원"; the sentences said back live in the guide file.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, Literal
from zoneinfo import ZoneInfo

from paybot.business_hours import (
    SEOUL,
    AgentHours,
    AgentStatus,
    agent_status,
    holiday_name,
    next_open,
    to_local,
    weekday_name,
)

logger = logging.getLogger(__name__)

AskedKind = Literal["moment", "day", "weekend", "holiday", "night", "lunch"]
AskedState = Literal["open", "closed", "limited", "unknown"]

# --------------------------------------------------------------------------------------------------
# Everyday holiday names

SUBSTITUTE_HOLIDAY = "대체공휴일"

# Official names (``holidays`` 0.80, language "ko") whose everyday name differs. Names not listed
# ("설날", "추석", "부처님오신날", "한글날", "임시공휴일", "지방선거일", ...) are already the everyday ones.
_EVERYDAY_NAMES: dict[str, str] = {
    "기독탄신일": "성탄절",
    "석가탄신일": "부처님오신날",  # the official name until 2017
    "신정연휴": "신정",  # the package's name for 1 January, a single day since 1999
    "설날 전날": "설 연휴",
    "설날 다음날": "설 연휴",
    "추석 전날": "추석 연휴",
    "추석 다음날": "추석 연휴",
}
# "삼일절 대체 휴일", "설날 대체 휴일" (the package) and "대체공휴일" / "대체 공휴일" (people).
_SUBSTITUTE_RE = re.compile(r"대체\s*공?휴일$")
# ``business_hours.holiday_name`` joins a day's names with ", "; the package itself uses "; ".
_NAME_SEPARATOR_RE = re.compile(r"\s*[,;]\s*")


def everyday_holiday_name(official: str) -> str:
    """Returns the name Koreans use day to day for an official holiday name.

    Args:
        official: A name as ``holidays`` gives it with ``language="ko"``, or several joined with ", "
            (or "; ") when holidays share a day, e.g. "개천절, 추석 전날".

    Returns:
        The everyday name: "기독탄신일" → "성탄절", "설날 전날" / "설날 다음날" → "설 연휴",
        "추석 전날" / "추석 다음날" → "추석 연휴", any "… 대체 휴일" → "대체공휴일"; several names are
        converted one by one, duplicates dropped ("부처님오신날 대체 휴일, 어린이날 대체 휴일" →
        "대체공휴일"). A name it does not know comes back unchanged.
    """
    parts = [part for part in _NAME_SEPARATOR_RE.split(official.strip()) if part]
    if not parts:
        return official
    names: list[str] = []
    for part in parts:
        name = _everyday_single_name(part)
        if name not in names:
            names.append(name)
    return ", ".join(names)


def _everyday_single_name(official: str) -> str:
    """Converts one official holiday name (no separators)."""
    if _SUBSTITUTE_RE.search(official):
        return SUBSTITUTE_HOLIDAY
    return _EVERYDAY_NAMES.get(official, official)


# --------------------------------------------------------------------------------------------------
# What a message asks about


@dataclass(frozen=True)
class AskedTime:
    """The time a customer's message asks about, when it is not now.

    Attributes:
        kind: ``"moment"`` a clock time ("새벽 3시", "내일 아침 9시", "한 시간 뒤");
            ``"day"`` a whole day ("내일", "토요일", "설날", "크리스마스", "평일");
            ``"weekend"`` weekends in general ("주말");
            ``"holiday"`` public holidays in general ("공휴일", "명절", "빨간 날");
            ``"night"`` night, evening or early morning without a clock time ("밤에", "새벽에",
            "아침 일찍", "퇴근 후");
            ``"lunch"`` lunchtime ("점심시간").
        text: The words of the message that named the time, e.g. "내일 아침 9시".
        moment: Aware, in the asked time zone. For ``"moment"`` the moment itself. For ``"day"`` that
            day at 12:00: a day question is about the day as a whole, so noon stands for it whatever
            the clock says now. For ``"night"`` and ``"lunch"`` only when the message also names the
            day ("내일 밤", "토요일 점심"): that day at a typical hour (22:00, 03:00, 19:00, 07:00;
            lunch 12:00). ``None`` otherwise.
    """

    kind: AskedKind
    text: str
    moment: datetime | None = None


# Native Korean hour numerals, as in "세 시", "열두시" (longest first in the pattern).
_NATIVE_HOURS: dict[str, int] = {
    "한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6,
    "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "열한": 11, "열두": 12,
}  # fmt: skip
_NATIVE = "|".join(sorted(_NATIVE_HOURS, key=len, reverse=True))
_PERIODS = "새벽|아침|오전|낮|점심|오후|저녁|밤"
# After "시": not 시간 (hours, a duration: "상담 시간", "24시간"), 시적 (한시적), 시름 (한시름), 시작.
_NOT_O_CLOCK = r"(?![간적름작])"
# "반" for half past, but not 반품 / 반납 / 반환 / 반드시 / 반복 / 반대 / 반응.
_HALF = r"반(?![품납환드복대응])"
_CLOCK_RE = re.compile(
    rf"(?:(?P<period>{_PERIODS})\s*)?"
    rf"(?:(?<!\d)(?P<digits>\d{{1,2}})|(?P<native>{_NATIVE}))\s*시{_NOT_O_CLOCK}"
    rf"(?:\s*(?P<half>{_HALF})|\s*(?P<minute>\d{{1,2}})\s*분)?"
    r"(?P<before>\s*(?:이전|전(?!화)|까지))?"
)
_COLON_CLOCK_RE = re.compile(
    rf"(?:(?P<period>{_PERIODS})\s*)?(?<![\d:])(?P<digits>\d{{1,2}}):(?P<minute>\d{{2}})(?![\d:])"
    r"(?P<before>\s*(?:이전|전(?!화)|까지))?"
)
_MIDNIGHT_NOON_RE = re.compile(r"자정|정오")
_RELATIVE_HOURS_RE = re.compile(
    rf"(?:(?<!\d)(?P<digits>\d{{1,2}})|(?P<native>{_NATIVE}))\s*시간\s*(?P<half>반\s*)?(?:후|뒤|있다가|지나서)"
)
_RELATIVE_MINUTES_RE = re.compile(r"(?<!\d)(?P<minutes>\d{1,3})\s*분\s*(?:후|뒤|있다가|지나서)")

_WEEKEND_RE = re.compile(r"주말")
_HOLIDAY_RE = re.compile(r"공휴일|휴일|빨간\s*날|명절|연휴|국경일|쉬는\s*날")
_LUNCH_RE = re.compile(r"점심")
# Night words and the typical hour that stands for them when the day is named too ("내일 밤").
_NIGHT_WORDS: tuple[tuple[re.Pattern[str], time], ...] = (
    (re.compile(r"아침\s*일찍|이른\s*아침|출근\s*(?:전|하기\s*전)"), time(7)),
    (re.compile(r"새벽"), time(3)),
    (re.compile(r"(?<!젯)밤|심야|야간|늦은\s*(?:시간|밤)"), time(22)),  # not 어젯밤 (last night)
    (re.compile(r"저녁|퇴근\s*(?:후|하고|길|해서|하면)"), time(19)),
)

_RELATIVE_DAYS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"글피"), 3),
    (re.compile(r"내일\s*모레|(?<![가-힣])낼\s*모레"), 2),
    (re.compile(r"모레"), 2),
    (re.compile(r"내일|(?<![가-힣])낼(?=\s|$|은|도|에|까지|부터)"), 1),  # not 보낼, 낼게요
    (re.compile(r"오늘"), 0),
)
_WEEKDAY_RE = re.compile(
    r"(?P<week>다다음\s*주|다음\s*주|담주|이번\s*주)?\s*(?P<day>[월화수목금토일])\s*(?:요일|욜)"
)
_KOREAN_WEEKDAY_NUMBERS = {name: number for number, name in enumerate("월화수목금토일")}
_WORKING_WEEK_RE = re.compile(r"평일|주중")
_CALENDAR_DATE_RE = re.compile(r"(?<!\d)(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일")

_SEOLLAL_RUN = frozenset({"설날 전날", "설날", "설날 다음날", "설날 대체 휴일"})
_CHUSEOK_RUN = frozenset({"추석 전날", "추석", "추석 다음날", "추석 대체 휴일"})
# A holiday the customer names: the pattern, which official names count, and a day offset from the
# holiday (크리스마스 이브 is the day before 기독탄신일, itself no holiday). Longer phrases first.
_NAMED_HOLIDAYS: tuple[tuple[re.Pattern[str], Callable[[str], bool], int], ...] = (
    (re.compile(r"(?:크리스마스|성탄절?)\s*이브"), lambda name: name == "기독탄신일", -1),
    (re.compile(r"설날?\s*(?:연휴|명절)|구정\s*연휴"), lambda name: name in _SEOLLAL_RUN, 0),
    (re.compile(r"설날|구정|설\s*당일"), lambda name: name == "설날", 0),
    (re.compile(r"(?:추석|한가위)\s*(?:연휴|명절)"), lambda name: name in _CHUSEOK_RUN, 0),
    (re.compile(r"추석|한가위"), lambda name: name == "추석", 0),
    (re.compile(r"크리스마스|성탄절?|기독탄신일"), lambda name: name == "기독탄신일", 0),
    (re.compile(r"신정|새해"), lambda name: name == "신정연휴", 0),
    (re.compile(r"어린이\s*날"), lambda name: name == "어린이날", 0),
    (re.compile(r"삼일절|3\s*[.·]\s*1\s*절"), lambda name: name == "삼일절", 0),
    (re.compile(r"현충일"), lambda name: name == "현충일", 0),
    (re.compile(r"광복절"), lambda name: name == "광복절", 0),
    (re.compile(r"개천절"), lambda name: name == "개천절", 0),
    (re.compile(r"한글날"), lambda name: name == "한글날", 0),
    (re.compile(r"부처님\s*오신\s*날|석가\s*탄신일|초파일"), lambda name: name in ("부처님오신날", "석가탄신일"), 0),
    (re.compile(r"(?:선거|투표)\s*(?:일|날)"), lambda name: name.endswith("선거일"), 0),
)
# How far ahead a named holiday is looked for: every Korean holiday comes round within a year.
_HOLIDAY_SEARCH_DAYS = 400

# Hangul syllables whose final consonant is ㅆ mark the past tense (했, 었, 았, 됐, 왔, 났, ...),
# except 있 (there is) and 겠 (will / would). Index of ㅆ among final consonants: 20.
_HANGUL_FIRST, _HANGUL_LAST, _FINALS, _FINAL_SSANG_SIOT = 0xAC00, 0xD7A3, 28, 20
_NOT_PAST_SYLLABLES = frozenset("있겠")

_Span = tuple[int, int, str]


def parse_asked_time(text: str, now: datetime | None = None, timezone: str = SEOUL) -> AskedTime | None:
    """Reads which other time than now a customer's message asks about.

    "새벽 3시에 전화하면 사람이 받아요?" asks about the next 03:00; "토요일에는요?" about the coming
    Saturday; "공휴일엔요?" about public holidays in general. Messy writing is fine: no spaces
    ("새벽3시에"), digits or Korean numerals ("세시", "열두시"), 오전/오후/저녁/밤, "시 반", "5시 30분",
    "15시", "15:30". A bare hour follows how people leave 오전/오후 out: 1–8시 afternoon and evening,
    9–11시 morning, 12시 noon. "6시까지" / "6시 전" mean the minute before (17:59).

    Meant for messages already read as questions about the hours; a message that tells of the past
    ("오후 2시에 이체했는데 …", "6시 넘었는데 …") names a time but asks about none, so it gives ``None``.

    Args:
        text: The customer's message.
        now: The current moment; naive means local time in ``timezone``, ``None`` means now.
        timezone: IANA time zone the customer's clock times are in.

    Returns:
        The asked time, or ``None`` when the message names no other time than now ("지금 상담 돼요?",
        "상담 시간 알려주세요", "오늘 되나요?"). Never raises.
    """
    if not isinstance(text, str):
        return None
    # A clause about the past ("오후 2시에 이체했는데") names no time to ask about; the others may
    # ("5분 남았네 ㅠ 내일 아침 몇시부터에요?"). Split before NFKC, which turns ㅠ into a combining vowel.
    clauses = (unicodedata.normalize("NFKC", clause) for clause in _CLAUSE_SPLIT.split(text))
    message = re.sub(r"\s+", " ", " ".join(c for c in clauses if c.strip() and not _tells_of_the_past(c))).strip()
    if not message:
        return None
    try:
        local = to_local(now, timezone)
        return _parse(message, local)
    except (ValueError, OverflowError, KeyError):  # past year 9999; an unknown time zone (ZoneInfoNotFoundError)
        logger.debug("Could not read an asked time from %r", message, exc_info=True)
        return None


def _parse(message: str, now: datetime) -> AskedTime | None:
    """Reads the asked time from a normalised message, relative to aware ``now``."""
    relative = _relative_moment(message, now)
    if relative is not None:
        return relative

    named = _named_holiday_day(message, now.date())
    if isinstance(named, AskedTime):
        return named
    if named is None:
        generic = _first_match(message, ((_WEEKEND_RE, "weekend"), (_HOLIDAY_RE, "holiday")))
        if generic is not None:
            kind, span = generic
            return AskedTime(kind, span[2])

    today = now.date()
    day = named or _calendar_day(message, today) or _weekday(message, today) or _working_week_day(message, today)
    # "오늘" names no other day: a time then means its next occurrence, as when no day is named.
    rolling = False
    if day is None:
        day = _relative_day(message, today)
        rolling = day is not None and day[0] == today
    anchor, spans = (day[0], [day[1]]) if day else (None, [])

    clock = _clock(message)
    if clock is not None:
        hour, minute, day_shift, before, clock_span = clock
        moment: datetime | None = _place(None if rolling else anchor, time(hour, minute), day_shift, now) - before
        return AskedTime("moment", _words(message, spans + [clock_span]), moment)

    night = _night(message)
    if night is not None:
        typical, night_span = night
        moment = _place(None if rolling else anchor, typical, 0, now) if anchor else None
        return AskedTime("night", _words(message, spans + [night_span]), moment)

    lunch = _LUNCH_RE.search(message)
    if lunch is not None:
        moment = _place(None if rolling else anchor, time(12), 0, now) if anchor else None
        return AskedTime("lunch", _words(message, spans + [(lunch.start(), lunch.end(), lunch.group())]), moment)

    if anchor is None or rolling:
        return None
    return AskedTime("day", _words(message, spans), datetime.combine(anchor, time(12), tzinfo=now.tzinfo))


_CLAUSE_SPLIT = re.compile(r"[.?!~…ㅠㅜ;]+|\s(?:근데|그런데|그럼|그러면)\s")


def _tells_of_the_past(message: str) -> bool:
    """True when a verb in the past tense (했/었/았/됐 …, not 있/겠) appears in the message."""
    for character in message:
        code = ord(character)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST and character not in _NOT_PAST_SYLLABLES:
            if (code - _HANGUL_FIRST) % _FINALS == _FINAL_SSANG_SIOT:
                return True
    return False


def _words(message: str, spans: list[_Span]) -> str:
    """The matched words in message order, as written when only spaces lie between them."""
    pieces: list[list[int]] = []
    for start, end, _ in sorted(spans):
        if pieces and not message[pieces[-1][1] : start].strip():
            pieces[-1][1] = max(pieces[-1][1], end)
        else:
            pieces.append([start, end])
    return " ".join(message[start:end].strip() for start, end in pieces)


def _span(match: re.Match[str]) -> _Span:
    """A match as (start, end, words)."""
    return match.start(), match.end(), match.group()


def _first_match(
    message: str, patterns: tuple[tuple[re.Pattern[str], AskedKind], ...]
) -> tuple[AskedKind, _Span] | None:
    """The kind whose pattern matches earliest in the message, with the match."""
    found = [(match.start(), kind, _span(match)) for pattern, kind in patterns if (match := pattern.search(message))]
    if not found:
        return None
    _, kind, span = min(found)
    return kind, span


def _place(anchor: date | None, clock: time, day_shift: int, now: datetime) -> datetime:
    """The aware moment at ``clock`` on ``anchor`` (+``day_shift``), or its next occurrence from ``now``."""
    if anchor is not None:
        return datetime.combine(anchor + timedelta(days=day_shift), clock, tzinfo=now.tzinfo)
    moment = datetime.combine(now.date(), clock, tzinfo=now.tzinfo)
    return moment if moment >= now else moment + timedelta(days=1)


def _hour_number(digits: str | None, native: str | None) -> int:
    """The hour written in digits or as a native Korean numeral."""
    return int(digits) if digits is not None else _NATIVE_HOURS[native or ""]


def _hour_of_day(period: str | None, hour: int) -> tuple[int, int] | None:
    """Turns a written hour and its period word into (hour 0–23, days after the named day).

    ``None`` for an impossible hour (25시). "밤 12시", "자정", "24시" and "밤 1시"–"밤 5시" belong to the
    night after the named day, hence a day shift of 1.
    """
    if not 0 <= hour <= 24:
        return None
    if hour == 24:
        return 0, 1
    if hour == 0 or hour >= 13:  # a 24-hour clock: the period word cannot change it
        return hour, 0
    if period is None:
        return (hour + 12 if hour <= 8 else hour), 0
    if period in ("새벽", "오전"):
        return hour % 12, 0
    if period == "아침":
        return hour, 0
    if period in ("낮", "점심"):
        return (hour + 12 if hour <= 6 else hour), 0
    if period == "오후":
        return hour % 12 + 12, 0
    if period == "저녁":
        return (0, 1) if hour == 12 else (hour + 12, 0)
    # 밤
    if hour == 12:
        return 0, 1
    return (hour, 1) if hour <= 5 else (hour + 12, 0)


def _clock(message: str) -> tuple[int, int, int, timedelta, _Span] | None:
    """The earliest clock time in the message: (hour, minute, day shift, minus for before/until, span)."""
    candidates: list[tuple[int, int, int, timedelta, _Span]] = []
    for pattern in (_CLOCK_RE, _COLON_CLOCK_RE):
        for match in pattern.finditer(message):
            groups = match.groupdict()
            written = _hour_number(groups["digits"], groups.get("native"))
            hour_of_day = _hour_of_day(groups["period"], written)
            minute = 30 if groups.get("half") else int(groups["minute"] or 0)
            if hour_of_day is None or minute > 59:
                continue
            hour, shift = hour_of_day
            before = timedelta(minutes=1) if groups["before"] else timedelta(0)
            candidates.append((hour, minute, shift, before, _span(match)))
            break
    midnight_noon = _MIDNIGHT_NOON_RE.search(message)
    if midnight_noon is not None:
        hour, shift = (0, 1) if midnight_noon.group() == "자정" else (12, 0)
        candidates.append((hour, 0, shift, timedelta(0), _span(midnight_noon)))
    if not candidates:
        return None
    return min(candidates, key=lambda found: found[4][0])


def _relative_moment(message: str, now: datetime) -> AskedTime | None:
    """"한 시간 뒤", "30분 후": now plus that much."""
    hours = _RELATIVE_HOURS_RE.search(message)
    if hours is not None:
        later = timedelta(hours=_hour_number(hours.group("digits"), hours.group("native")))
        later += timedelta(minutes=30) if hours.group("half") else timedelta(0)
        return AskedTime("moment", hours.group(), now + later)
    minutes = _RELATIVE_MINUTES_RE.search(message)
    if minutes is not None:
        return AskedTime("moment", minutes.group(), now + timedelta(minutes=int(minutes.group("minutes"))))
    return None


def _night(message: str) -> tuple[time, _Span] | None:
    """The earliest night word in the message, with the typical hour standing for it."""
    found = [
        (match.start(), typical, _span(match))
        for pattern, typical in _NIGHT_WORDS
        if (match := pattern.search(message))
    ]
    if not found:
        return None
    _, typical, span = min(found)
    return typical, span


def _named_holiday_day(message: str, today: date) -> tuple[date, _Span] | AskedTime | None:
    """The next date (from today) of a holiday the message names: "설날", "추석 연휴", "크리스마스".

    A named holiday with no date in the calendar soon ("선거일" in a year without an election) is
    asked about as holidays in general.
    """
    for pattern, counts, offset in _NAMED_HOLIDAYS:
        match = pattern.search(message)
        if match is None:
            continue
        day = today - timedelta(days=offset)  # the eve is asked from the day before, so start a day later
        for _ in range(_HOLIDAY_SEARCH_DAYS):
            names = holiday_name(day)
            if names and any(counts(name) for name in names.split(", ")):
                return day + timedelta(days=offset), _span(match)
            day += timedelta(days=1)
        logger.debug("No %r within %d days of %s", match.group(), _HOLIDAY_SEARCH_DAYS, today)
        return AskedTime("holiday", match.group())
    return None


def _calendar_day(message: str, today: date) -> tuple[date, _Span] | None:
    """"12월 24일": that date this year, or next year when it has passed."""
    match = _CALENDAR_DATE_RE.search(message)
    if match is None:
        return None
    month, day_of_month = int(match.group("month")), int(match.group("day"))
    for year in (today.year, today.year + 1):
        try:
            day = date(year, month, day_of_month)
        except ValueError:  # 2월 30일, 13월 — or 2월 29일 outside a leap year
            continue
        if day >= today:
            return day, _span(match)
    return None


def _weekday(message: str, today: date) -> tuple[date, _Span] | None:
    """"토요일", "다음 주 월요일": the coming one (today counts), or that day of next week."""
    match = _WEEKDAY_RE.search(message)
    if match is None:
        return None
    number = _KOREAN_WEEKDAY_NUMBERS[match.group("day")]
    week = re.sub(r"\s+", "", match.group("week") or "")
    if week in ("다음주", "담주", "다다음주"):
        monday = today - timedelta(days=today.weekday())
        day = monday + timedelta(weeks=2 if week == "다다음주" else 1, days=number)
    else:
        day = today + timedelta(days=(number - today.weekday()) % 7)
    return day, (match.start("week") if match.group("week") else match.start("day"), match.end(), match.group().strip())


def _working_week_day(message: str, today: date) -> tuple[date, _Span] | None:
    """"평일", "주중": the first Monday–Friday that is no public holiday, from today."""
    match = _WORKING_WEEK_RE.search(message)
    if match is None:
        return None
    day = today
    while day.weekday() >= 5 or holiday_name(day) is not None:
        day += timedelta(days=1)
    return day, _span(match)


def _relative_day(message: str, today: date) -> tuple[date, _Span] | None:
    """"오늘", "내일", "모레", "글피"."""
    for pattern, days in _RELATIVE_DAYS:
        match = pattern.search(message)
        if match is not None:
            return today + timedelta(days=days), _span(match)
    return None


# --------------------------------------------------------------------------------------------------
# Whether agents answer then


@dataclass(frozen=True)
class AskedStatus:
    """Whether agents answer at an asked time.

    Attributes:
        state: ``"open"`` inside the regular shift; ``"closed"`` on a working day outside it (and
            at night in general); ``"limited"`` on weekends and public holidays, when the guide says
            agent connection may be limited; ``"unknown"`` for lunchtime, about which the guide says
            nothing.
        moment: The asked moment (aware, in the hours' time zone), or ``None`` for a general time
            ("주말", "공휴일", "밤에").
        day_name: The everyday name of a weekend day or holiday ("토요일", "성탄절", "설 연휴"), else
            ``None``.
        until: When open, the end of that day's shift.
        next_open: When closed or limited, the start of the next regular shift after the asked time:
            for "주말", after the coming weekend; for "밤에", after tonight. ``None`` when open, for
            lunch, and for holidays in general (no date to count from).
    """

    state: AskedState
    moment: datetime | None = None
    day_name: str | None = None
    until: datetime | None = None
    next_open: datetime | None = None


def status_for_asked(hours: AgentHours, asked: AskedTime, now: datetime | None = None) -> AskedStatus:
    """Tells whether agents answer at the time a customer asked about.

    Args:
        hours: The agents' hours.
        asked: The asked time, from ``parse_asked_time``.
        now: The current moment (naive means local time in ``hours.timezone``, ``None`` now); general
            times ("주말", "밤에") are counted from it.

    Returns:
        The status: a weekend or holiday is ``"limited"``, never open or closed, because the guide knows
        no weekend hours; lunchtime on a working day is ``"unknown"``.
    """
    local = to_local(now, hours.timezone)
    if asked.kind == "weekend":
        return AskedStatus("limited", next_open=_after_coming_weekend(hours, local))
    if asked.kind == "holiday":
        return AskedStatus("limited")
    if asked.moment is None:
        if asked.kind == "night":
            return AskedStatus("closed", next_open=_after_tonight(hours, local))
        return AskedStatus("unknown")
    status = agent_status(hours, asked.moment)
    if status.state == "holiday":
        day_name = everyday_holiday_name(status.holiday_name or "")
        return AskedStatus("limited", status.now, day_name, next_open=status.next_open)
    if status.state == "weekend":
        return AskedStatus("limited", status.now, weekday_name(status.now.date()), next_open=status.next_open)
    if status.state == "closed":
        return AskedStatus("closed", status.now, next_open=status.next_open)
    if asked.kind == "lunch":
        return AskedStatus("unknown", status.now)
    return AskedStatus("open", status.now, until=_shift_end(hours, status.now.date()))


def closing_time(hours: AgentHours, now: datetime | None = None) -> datetime | None:
    """Until when agents answer today, when they are answering at ``now`` ("오후 6시까지").

    Args:
        hours: The agents' hours.
        now: The moment; naive means local time in ``hours.timezone``, ``None`` means now.

    Returns:
        The aware end of today's shift, or ``None`` when agents are not answering at ``now``.
    """
    status = agent_status(hours, now)
    return _shift_end(hours, status.now.date()) if status.is_open else None


def _shift_end(hours: AgentHours, day: date) -> datetime:
    """The aware end of the shift on ``day``."""
    return datetime.combine(day, hours.close, tzinfo=ZoneInfo(hours.timezone))


def _after_tonight(hours: AgentHours, now: datetime) -> datetime:
    """The first shift after the coming night (after tonight when agents are working now)."""
    status: AgentStatus = agent_status(hours, now)
    if status.is_open:
        return next_open(hours, _shift_end(hours, now.date()))
    return status.next_open


def _after_coming_weekend(hours: AgentHours, now: datetime) -> datetime | None:
    """The first shift after the coming (or current) run of non-working weekdays, or ``None`` if none."""
    day = now.date()
    for _ in range(7):
        if day.weekday() not in hours.weekdays:
            return next_open(hours, max(now, datetime.combine(day, time(0), tzinfo=now.tzinfo)))
        day += timedelta(days=1)
    return None
