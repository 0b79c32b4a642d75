"""When human agents of the customer center can be reached.

Pure logic over the clock: the guide file says *what* the hours are (``AgentHours``), this module says
whether a given moment falls inside them, when the next agent shift starts, and how to write a moment
the Korean way ("11월 26일(목) 오전 9시"). Korean public holidays, including 설날, 추석 and substitute
holidays (대체공휴일), come from the ``holidays`` package.

The customer-facing sentences built on top of this live in the guide file, not here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

logger = logging.getLogger(__name__)

SEOUL = "Asia/Seoul"

# Formatting words only: weekday names indexed like ``date.weekday()`` (Monday is 0).
KOREAN_WEEKDAYS: tuple[str, ...] = ("월", "화", "수", "목", "금", "토", "일")

AgentState = Literal["open", "closed", "weekend", "holiday"]

# How far ahead to look for the next working day; Korea's longest run of days off is well under this.
_MAX_DAYS_AHEAD = 60


@dataclass(frozen=True)
class AgentHours:
    """The hours during which human agents answer the phone.

    Attributes:
        timezone: IANA time zone the hours are given in, e.g. ``"Asia/Seoul"``.
        weekdays: Working days as ``date.weekday()`` numbers (Monday is 0, Sunday is 6).
        open: Local time agents start answering (inclusive).
        close: Local time agents stop answering (exclusive).
        holiday_country: Country code whose public holidays close the regular shift (``"KR"``).
        holiday_language: Language of holiday names (``"ko"``: "추석", "삼일절 대체 휴일").
    """

    timezone: str = SEOUL
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    open: time = time(9, 0)
    close: time = time(18, 0)
    holiday_country: str = "KR"
    holiday_language: str = "ko"

    def __post_init__(self) -> None:
        """Rejects hours that can never be right, so a bad guide file fails at load time."""
        ZoneInfo(self.timezone)  # raises ZoneInfoNotFoundError / ValueError for a bad name
        if not self.weekdays:
            raise ValueError("weekdays must name at least one working day")
        if any(day not in range(7) for day in self.weekdays):
            raise ValueError(f"weekdays must be numbers 0 (Monday) to 6 (Sunday), got {self.weekdays}")
        if self.holiday_country not in holidays.list_supported_countries():
            raise ValueError(f"no public-holiday calendar for country {self.holiday_country!r}")
        if self.open >= self.close:
            raise ValueError(f"open ({self.open:%H:%M}) must be earlier than close ({self.close:%H:%M})")

    @property
    def tz(self) -> ZoneInfo:
        """The time zone of the hours as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class AgentStatus:
    """Whether agents can be reached at one moment.

    Attributes:
        state: ``"open"`` inside the regular shift; ``"closed"`` on a working day outside it;
            ``"weekend"`` on a non-working weekday (e.g. Saturday); ``"holiday"`` on a public holiday
            (a holiday on a weekend counts as ``"holiday"``, the more specific name).
        now: The moment asked about, aware, in the hours' time zone.
        next_open: Aware start of the next regular shift (a working, non-holiday day at ``open``).
            While open it equals ``now``: agents can be reached from now on.
        holiday_name: The holiday's Korean name when ``state == "holiday"``, else ``None``.
    """

    state: AgentState
    now: datetime
    next_open: datetime
    holiday_name: str | None = None

    @property
    def is_open(self) -> bool:
        """True when agents are answering right now."""
        return self.state == "open"


@lru_cache(maxsize=32)
def _holidays_for(country: str, language: str, year: int) -> holidays.HolidayBase:
    """Returns (and caches) the public holidays of one country and year.

    The language is passed explicitly: without it the package picks English names under a C locale.
    """
    return holidays.country_holidays(country, years=year, language=language)


def holiday_name(day: date, country: str = "KR", language: str = "ko") -> str | None:
    """Returns the public holiday's name on ``day``, or ``None`` when it is not a holiday.

    Args:
        day: The calendar day to check.
        country: ISO country code whose holidays count.
        language: Language of the name; with ``"ko"`` Korean holidays read e.g. "추석",
            "삼일절 대체 휴일".

    Returns:
        The name; when several holidays share the day, their names joined with ", ".
    """
    names = _holidays_for(country, language, day.year).get_list(day)
    return ", ".join(names) if names else None


def to_local(now: datetime | None, timezone: str = SEOUL) -> datetime:
    """Returns ``now`` as an aware datetime in ``timezone``.

    Args:
        now: The moment; ``None`` means the current time. A naive value is taken to already be local
            time in ``timezone``; an aware one is converted.
        timezone: IANA time zone name.
    """
    tz = ZoneInfo(timezone)
    if now is None:
        return datetime.now(tz)
    if now.tzinfo is None or now.tzinfo.utcoffset(now) is None:
        return now.replace(tzinfo=tz)
    return now.astimezone(tz)


def _is_working_day(hours: AgentHours, day: date) -> bool:
    """True when ``day`` is a regular working day that is not a public holiday."""
    if day.weekday() not in hours.weekdays:
        return False
    return holiday_name(day, hours.holiday_country, hours.holiday_language) is None


def _shift_start(hours: AgentHours, day: date) -> datetime:
    """Returns the aware start of the shift on ``day``."""
    return datetime.combine(day, hours.open, tzinfo=hours.tz)


def next_open(hours: AgentHours, now: datetime | None = None) -> datetime:
    """Returns the start of the first regular shift that begins at or after ``now``.

    Args:
        hours: The agents' hours.
        now: The moment; naive means local time in ``hours.timezone``, ``None`` means now.

    Raises:
        ValueError: When no working day exists in the next 60 days (a misconfigured guide).
    """
    local = to_local(now, hours.timezone)
    day = local.date()
    if local.time() > hours.open:
        day += timedelta(days=1)
    for _ in range(_MAX_DAYS_AHEAD):
        if _is_working_day(hours, day):
            return _shift_start(hours, day)
        day += timedelta(days=1)
    raise ValueError(f"no working day within {_MAX_DAYS_AHEAD} days after {local:%Y-%m-%d}")


def agent_status(hours: AgentHours, now: datetime | None = None) -> AgentStatus:
    """Tells whether agents can be reached at ``now`` and, if not, when they can next.

    Args:
        hours: The agents' hours.
        now: The moment; naive means local time in ``hours.timezone`` (Asia/Seoul), aware values are
            converted, ``None`` means the current time.

    Returns:
        The status at that moment.
    """
    local = to_local(now, hours.timezone)
    today = local.date()
    name = holiday_name(today, hours.holiday_country, hours.holiday_language)
    if name is not None:
        return AgentStatus("holiday", local, next_open(hours, local), holiday_name=name)
    if today.weekday() not in hours.weekdays:
        return AgentStatus("weekend", local, next_open(hours, local))
    if hours.open <= local.time() < hours.close:
        return AgentStatus("open", local, local)
    return AgentStatus("closed", local, next_open(hours, local))


def weekday_name(day: date) -> str:
    """Returns the full Korean weekday name of ``day``, e.g. "토요일"."""
    return f"{KOREAN_WEEKDAYS[day.weekday()]}요일"


def format_korean_time(moment: time) -> str:
    """Formats a clock time the Korean way: "오전 9시", "오후 6시 30분", "오후 12시" (noon).

    Args:
        moment: The time; seconds are ignored.
    """
    period = "오전" if moment.hour < 12 else "오후"
    hour12 = moment.hour % 12 or 12
    text = f"{period} {hour12}시"
    if moment.minute:
        text += f" {moment.minute}분"
    return text


def format_korean_datetime(dt: datetime, timezone: str = SEOUL) -> str:
    """Formats a moment the Korean way, e.g. "11월 26일(목) 오전 9시".

    Args:
        dt: The moment; naive means local time in ``timezone``, aware values are converted to it.
        timezone: IANA time zone to write the moment in (Asia/Seoul by default).
    """
    local = to_local(dt, timezone)
    weekday = KOREAN_WEEKDAYS[local.weekday()]
    return f"{local.month}월 {local.day}일({weekday}) {format_korean_time(local.time())}"


def agent_hours_text(hours: AgentHours) -> str:
    """The agents' regular hours in words, e.g. "평일 오전 9시부터 오후 6시까지"."""
    days = "평일" if tuple(hours.weekdays) == (0, 1, 2, 3, 4) else "·".join(KOREAN_WEEKDAYS[d] for d in hours.weekdays)
    return f"{days} {format_korean_time(hours.open)}부터 {format_korean_time(hours.close)}까지"
