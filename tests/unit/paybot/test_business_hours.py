"""Tests for paybot.business_hours: agent hours, Korean holidays and Korean date formatting."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from paybot.business_hours import (
    AgentHours,
    AgentState,
    agent_status,
    format_korean_datetime,
    format_korean_time,
    holiday_name,
)

SEOUL = ZoneInfo("Asia/Seoul")
UTC = timezone.utc
HOURS = AgentHours(timezone="Asia/Seoul", weekdays=(0, 1, 2, 3, 4), open=time(9), close=time(18))


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Returns an aware Asia/Seoul datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Returns an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "state", "next_open"),
    [
        pytest.param(kst(2026, 11, 26, 10), "open", kst(2026, 11, 26, 10), id="thursday-10:00-open"),
        pytest.param(kst(2026, 11, 26, 18, 30), "closed", kst(2026, 11, 27, 9), id="thursday-18:30"),
        pytest.param(kst(2026, 11, 27, 19), "closed", kst(2026, 11, 30, 9), id="friday-19:00-next-monday"),
        pytest.param(kst(2026, 11, 28, 12), "weekend", kst(2026, 11, 30, 9), id="saturday-noon-weekend"),
        pytest.param(kst(2026, 11, 29, 23, 59), "weekend", kst(2026, 11, 30, 9), id="sunday-late-weekend"),
        pytest.param(kst(2026, 11, 26, 8, 59), "closed", kst(2026, 11, 26, 9), id="weekday-08:59"),
        pytest.param(kst(2026, 11, 26, 9, 0), "open", kst(2026, 11, 26, 9), id="weekday-09:00-open"),
        pytest.param(kst(2026, 11, 26, 17, 59), "open", kst(2026, 11, 26, 17, 59), id="weekday-17:59-open"),
        pytest.param(kst(2026, 11, 26, 18, 0), "closed", kst(2026, 11, 27, 9), id="weekday-18:00-closed"),
        pytest.param(kst(2026, 11, 26, 0, 0), "closed", kst(2026, 11, 26, 9), id="weekday-midnight-closed"),
    ],
)
def test_regular_days(now: datetime, state: AgentState, next_open: datetime) -> None:
    """Weekdays are open 09:00 (inclusive) to 18:00 (exclusive); weekends point to Monday 09:00."""
    status = agent_status(HOURS, now)
    assert status.state == state
    assert status.next_open == next_open
    assert status.is_open is (state == "open")
    assert status.holiday_name is None


@pytest.mark.parametrize(
    ("now", "name", "next_open"),
    [
        pytest.param(kst(2027, 2, 7, 11), "설날", kst(2027, 2, 10, 9), id="seollal-2027-on-sunday"),
        pytest.param(kst(2027, 2, 8, 10), "설날 다음날", kst(2027, 2, 10, 9), id="seollal-2027-day-after"),
        pytest.param(kst(2027, 2, 9, 10), "설날 대체 휴일", kst(2027, 2, 10, 9), id="seollal-2027-substitute"),
        pytest.param(kst(2026, 9, 24, 10), "추석 전날", kst(2026, 9, 28, 9), id="chuseok-2026-eve"),
        pytest.param(kst(2026, 9, 25, 10), "추석", kst(2026, 9, 28, 9), id="chuseok-2026"),
        pytest.param(kst(2026, 3, 1, 10), "삼일절", kst(2026, 3, 3, 9), id="samiljeol-2026-on-sunday"),
        pytest.param(kst(2026, 3, 2, 10), "삼일절 대체 휴일", kst(2026, 3, 3, 9), id="samiljeol-2026-substitute"),
        pytest.param(kst(2026, 3, 2, 8, 0), "삼일절 대체 휴일", kst(2026, 3, 3, 9), id="substitute-before-09:00"),
    ],
)
def test_public_holidays(now: datetime, name: str, next_open: datetime) -> None:
    """Korean public holidays, substitutes included, are 'holiday' with their Korean name."""
    status = agent_status(HOURS, now)
    assert status.state == "holiday"
    assert status.holiday_name == name
    assert status.next_open == next_open


@pytest.mark.parametrize(
    ("now", "state", "next_open"),
    [
        pytest.param(utc(2026, 11, 26, 1), "open", kst(2026, 11, 26, 10), id="utc-01:00-is-kst-10:00"),
        pytest.param(utc(2026, 11, 26, 9, 30), "closed", kst(2026, 11, 27, 9), id="utc-09:30-is-kst-18:30"),
        pytest.param(utc(2026, 11, 27, 23), "weekend", kst(2026, 11, 30, 9), id="utc-friday-is-kst-saturday"),
        pytest.param(utc(2026, 11, 25, 23, 30), "closed", kst(2026, 11, 26, 9), id="utc-wed-is-kst-thu"),
        pytest.param(datetime(2026, 11, 26, 10, 0), "open", kst(2026, 11, 26, 10), id="naive-is-seoul-time"),
    ],
)
def test_timezones(now: datetime, state: AgentState, next_open: datetime) -> None:
    """Aware times are converted to Seoul; naive times are taken as Seoul time."""
    status = agent_status(HOURS, now)
    assert status.state == state
    assert status.next_open == next_open
    assert status.now.utcoffset() == kst(2026, 1, 1).utcoffset()


def test_next_open_is_aware_seoul_time() -> None:
    """next_open carries the Asia/Seoul zone, not just a Seoul-looking wall clock."""
    status = agent_status(HOURS, utc(2026, 11, 27, 12))
    assert status.next_open.tzinfo is not None
    assert status.next_open.tzinfo.key == "Asia/Seoul"  # type: ignore[union-attr]
    assert status.next_open.astimezone(UTC) == utc(2026, 11, 30)


def test_now_defaults_to_the_current_seoul_time() -> None:
    """Without now the status is for the current moment, in Seoul time."""
    before = datetime.now(SEOUL)
    status = agent_status(HOURS)
    assert before <= status.now <= datetime.now(SEOUL)
    assert status.now.tzinfo.key == "Asia/Seoul"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("day", "name"),
    [
        pytest.param(kst(2026, 11, 26).date(), None, id="ordinary-thursday"),
        pytest.param(kst(2026, 11, 28).date(), None, id="ordinary-saturday"),
        pytest.param(kst(2026, 10, 9).date(), "한글날", id="hangul-day"),
        pytest.param(kst(2026, 12, 25).date(), "기독탄신일", id="christmas"),
    ],
)
def test_holiday_name(day: date, name: str | None) -> None:
    """holiday_name gives Korean names and None on ordinary days."""
    assert holiday_name(day) == name


@pytest.mark.parametrize(
    ("dt", "text"),
    [
        pytest.param(kst(2026, 11, 26, 9), "11월 26일(목) 오전 9시", id="morning-on-the-hour"),
        pytest.param(kst(2026, 11, 26, 18, 30), "11월 26일(목) 오후 6시 30분", id="evening-with-minutes"),
        pytest.param(kst(2026, 11, 30, 12), "11월 30일(월) 오후 12시", id="noon"),
        pytest.param(kst(2026, 1, 4, 0, 5), "1월 4일(일) 오전 12시 5분", id="just-after-midnight"),
        pytest.param(utc(2026, 11, 26), "11월 26일(목) 오전 9시", id="utc-converted"),
        pytest.param(datetime(2026, 11, 28, 13, 5), "11월 28일(토) 오후 1시 5분", id="naive-is-seoul"),
    ],
)
def test_format_korean_datetime(dt: datetime, text: str) -> None:
    """Moments are written as '11월 26일(목) 오전 9시', minutes only when non-zero."""
    assert format_korean_datetime(dt) == text


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        pytest.param(time(9), "오전 9시", id="09:00"),
        pytest.param(time(18), "오후 6시", id="18:00"),
        pytest.param(time(11, 59), "오전 11시 59분", id="11:59"),
    ],
)
def test_format_korean_time(moment: time, text: str) -> None:
    """Clock times use 오전/오후 and a 12-hour clock."""
    assert format_korean_time(moment) == text


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        pytest.param({"open": time(18), "close": time(9)}, ValueError, id="open-after-close"),
        pytest.param({"weekdays": ()}, ValueError, id="no-working-days"),
        pytest.param({"weekdays": (7,)}, ValueError, id="weekday-out-of-range"),
        pytest.param({"timezone": "Mars/Olympus"}, KeyError, id="unknown-timezone"),
        pytest.param({"holiday_country": "XX"}, ValueError, id="unknown-holiday-country"),
    ],
)
def test_agent_hours_rejects_impossible_hours(kwargs: dict[str, object], error: type[Exception]) -> None:
    """AgentHours refuses hours that could never be right."""
    with pytest.raises(error):
        AgentHours(**kwargs)  # type: ignore[arg-type]
