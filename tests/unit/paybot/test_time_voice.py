"""Tests for paybot.time_voice: asked times, their agent status, closing time and everyday holiday names."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest

from paybot.business_hours import AgentHours
from paybot.time_voice import (
    AskedKind,
    AskedState,
    AskedTime,
    closing_time,
    everyday_holiday_name,
    parse_asked_time,
    status_for_asked,
)

SEOUL = ZoneInfo("Asia/Seoul")
HOURS = AgentHours(timezone="Asia/Seoul", weekdays=(0, 1, 2, 3, 4), open=time(9), close=time(18))

# Frozen clocks: naive datetimes are Seoul local time.
THURSDAY_10 = datetime(2026, 11, 26, 10, 0)
THU_0155 = datetime(2026, 11, 26, 1, 55)
SATURDAY_14 = datetime(2026, 11, 28, 14, 0)
EARLY_SEPTEMBER = datetime(2026, 9, 1, 10, 0)


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Returns an aware Asia/Seoul datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def holiday_date(year: int, official: str) -> date:
    """The date the holidays package gives an official Korean holiday name in ``year``."""
    table = holidays.country_holidays("KR", years=year, language="ko")
    return next(day for day in sorted(table) if official in table.get_list(day))


LUNCH_FRIDAY = AskedTime("lunch", "점심", kst(2026, 11, 27, 12))
LUNCH_SATURDAY = AskedTime("lunch", "점심", kst(2026, 11, 28, 12))
NIGHT_SATURDAY = AskedTime("night", "밤", kst(2026, 11, 28, 22))
MONDAY_9 = kst(2026, 11, 30, 9)  # the first shift after the weekend of 28–29 November 2026
WEEKEND = AskedTime("weekend", "주말")

SEOLLAL_2027 = holiday_date(2027, "설날")
SEOLLAL_2027_SUBSTITUTE = holiday_date(2027, "설날 대체 휴일")
CHUSEOK_2026 = holiday_date(2026, "추석")
CHUSEOK_2026_EVE = holiday_date(2026, "추석 전날")
SAMILJEOL_2026_SUBSTITUTE = holiday_date(2026, "삼일절 대체 휴일")
CHRISTMAS_2026 = holiday_date(2026, "기독탄신일")


def noon(day: date) -> datetime:
    """Returns ``day`` at 12:00 Seoul time, the moment a whole-day question stands for."""
    return datetime.combine(day, time(12), tzinfo=SEOUL)


def test_the_holiday_dates_are_the_ones_the_tests_mean() -> None:
    """The package's 설날 2027, 추석 2026 and 성탄절 2026 fall where the cases below expect."""
    assert SEOLLAL_2027 == date(2027, 2, 7)  # a Sunday; the substitute is Tuesday the 9th
    assert SEOLLAL_2027_SUBSTITUTE == date(2027, 2, 9)
    assert CHUSEOK_2026 == date(2026, 9, 25)
    assert SAMILJEOL_2026_SUBSTITUTE == date(2026, 3, 2)
    assert CHRISTMAS_2026 == date(2026, 12, 25)


# --------------------------------------------------------------------------------------------------
# everyday_holiday_name


@pytest.mark.parametrize(
    ("official", "everyday"),
    [
        pytest.param("기독탄신일", "성탄절", id="christmas"),
        pytest.param("부처님오신날", "부처님오신날", id="buddha-stays"),
        pytest.param("석가탄신일", "부처님오신날", id="buddha-old-name"),
        pytest.param("설날", "설날", id="seollal-stays"),
        pytest.param("설날 전날", "설 연휴", id="seollal-eve"),
        pytest.param("설날 다음날", "설 연휴", id="seollal-day-after"),
        pytest.param("추석", "추석", id="chuseok-stays"),
        pytest.param("추석 전날", "추석 연휴", id="chuseok-eve"),
        pytest.param("추석 다음날", "추석 연휴", id="chuseok-day-after"),
        pytest.param("삼일절 대체 휴일", "대체공휴일", id="substitute-samiljeol"),
        pytest.param("설날 대체 휴일", "대체공휴일", id="substitute-seollal"),
        pytest.param("기독탄신일 대체 휴일", "대체공휴일", id="substitute-christmas"),
        pytest.param("대체공휴일", "대체공휴일", id="substitute-everyday-spelling"),
        pytest.param("신정연휴", "신정", id="new-year"),
        pytest.param("개천절, 추석 전날", "개천절, 추석 연휴", id="combined"),
        pytest.param("부처님오신날; 어린이날", "부처님오신날, 어린이날", id="combined-package-separator"),
        pytest.param("부처님오신날 대체 휴일, 어린이날 대체 휴일", "대체공휴일", id="combined-substitutes-once"),
        pytest.param("한글날", "한글날", id="hangul-day-stays"),
        pytest.param("임시공휴일", "임시공휴일", id="temporary-stays"),
        pytest.param("지방선거일", "지방선거일", id="election-stays"),
        pytest.param("근로자의 날", "근로자의 날", id="unknown-unchanged"),
        pytest.param("", "", id="empty-unchanged"),
    ],
)
def test_everyday_holiday_name(official: str, everyday: str) -> None:
    """Official names from the holidays package become the names people use."""
    assert everyday_holiday_name(official) == everyday


def test_every_name_the_package_gives_has_an_everyday_name() -> None:
    """No official name of 2026–2027 is left in its official-only form."""
    table = holidays.country_holidays("KR", years=[2026, 2027], language="ko")
    everyday = {everyday_holiday_name(name) for day in table for name in table.get_list(day)}
    assert not everyday & {"기독탄신일", "설날 전날", "설날 다음날", "추석 전날", "추석 다음날", "신정연휴"}
    assert not any("대체 휴일" in name for name in everyday)


# --------------------------------------------------------------------------------------------------
# parse_asked_time


@pytest.mark.parametrize(
    ("text", "now", "kind", "moment"),
    [
        # Clock times on their next occurrence.
        pytest.param("새벽 3시에 전화하면 사람이 받아요?", THURSDAY_10, "moment", kst(2026, 11, 27, 3), id="dawn-3-next-day"),
        pytest.param("새벽 3시에 전화하면 사람이 받아요?", THU_0155, "moment", kst(2026, 11, 26, 3), id="dawn-3-still-ahead-today"),
        pytest.param("새벽3시에전화하면 받나요", THURSDAY_10, "moment", kst(2026, 11, 27, 3), id="dawn-3-no-spaces"),
        pytest.param("저녁 7시에도 돼요?", THURSDAY_10, "moment", kst(2026, 11, 26, 19), id="evening-7"),
        pytest.param("저녁7시", THURSDAY_10, "moment", kst(2026, 11, 26, 19), id="evening-7-no-space"),
        pytest.param("오후 5시 반", THURSDAY_10, "moment", kst(2026, 11, 26, 17, 30), id="pm-5-half"),
        pytest.param("오후5시반에 전화할게요", THURSDAY_10, "moment", kst(2026, 11, 26, 17, 30), id="pm-5-half-no-spaces"),
        pytest.param("밤 10시", THURSDAY_10, "moment", kst(2026, 11, 26, 22), id="night-10"),
        pytest.param("밤 12시에도요?", THURSDAY_10, "moment", kst(2026, 11, 27, 0), id="night-12-is-midnight"),
        pytest.param("자정에도 돼요?", THURSDAY_10, "moment", kst(2026, 11, 27, 0), id="midnight-word"),
        pytest.param("정오에", THURSDAY_10, "moment", kst(2026, 11, 26, 12), id="noon-word"),
        pytest.param("세시에 전화해도 되나요", THURSDAY_10, "moment", kst(2026, 11, 26, 15), id="native-3-is-afternoon"),
        pytest.param("아홉시에도", THURSDAY_10, "moment", kst(2026, 11, 27, 9), id="native-9-morning-next-day"),
        pytest.param("열시에도", THU_0155, "moment", kst(2026, 11, 26, 10), id="native-10-morning"),
        pytest.param("열두시 반에", THURSDAY_10, "moment", kst(2026, 11, 26, 12, 30), id="native-12-half"),
        pytest.param("오전 열한시 반", THURSDAY_10, "moment", kst(2026, 11, 26, 11, 30), id="am-native-11-half"),
        pytest.param("15시에 상담 돼요?", THURSDAY_10, "moment", kst(2026, 11, 26, 15), id="24h-15"),
        pytest.param("15:30에 전화해도 돼요?", THURSDAY_10, "moment", kst(2026, 11, 26, 15, 30), id="colon-15:30"),
        pytest.param("3시 30분에", THURSDAY_10, "moment", kst(2026, 11, 26, 15, 30), id="bare-3-30"),
        pytest.param("６시 이후에도 돼요?", THURSDAY_10, "moment", kst(2026, 11, 26, 18), id="full-width-digit-after-6"),
        pytest.param("6시까지 해요?", THURSDAY_10, "moment", kst(2026, 11, 26, 17, 59), id="until-6-is-17:59"),
        pytest.param("9시 전에 전화하면요", THURSDAY_10, "moment", kst(2026, 11, 27, 8, 59), id="before-9"),
        pytest.param("한 시간 뒤에 전화하면 되나요", THURSDAY_10, "moment", kst(2026, 11, 26, 11), id="in-an-hour"),
        pytest.param("30분 후에 다시 걸게요", THURSDAY_10, "moment", kst(2026, 11, 26, 10, 30), id="in-30-minutes"),
        # Clock times on a named day.
        pytest.param("내일 아침 9시", THURSDAY_10, "moment", kst(2026, 11, 27, 9), id="tomorrow-morning-9"),
        pytest.param("내일아침9시에요", THURSDAY_10, "moment", kst(2026, 11, 27, 9), id="tomorrow-morning-9-no-spaces"),
        pytest.param("낼 오전 10시", THURSDAY_10, "moment", kst(2026, 11, 27, 10), id="tomorrow-short"),
        pytest.param("내일 밤 12시", THURSDAY_10, "moment", kst(2026, 11, 28, 0), id="tomorrow-night-12"),
        pytest.param("토요일 오후 2시에는요?", THURSDAY_10, "moment", kst(2026, 11, 28, 14), id="saturday-pm-2"),
        pytest.param("오늘 밤 10시", THURSDAY_10, "moment", kst(2026, 11, 26, 22), id="today-night-10"),
        # Whole days, at noon.
        pytest.param("내일", THURSDAY_10, "day", noon(date(2026, 11, 27)), id="tomorrow"),
        pytest.param("내일 상담 돼요?", THURSDAY_10, "day", noon(date(2026, 11, 27)), id="tomorrow-question"),
        pytest.param("모레", THURSDAY_10, "day", noon(date(2026, 11, 28)), id="day-after-tomorrow"),
        pytest.param("내일모레는요", THURSDAY_10, "day", noon(date(2026, 11, 28)), id="naeil-more"),
        pytest.param("내일 아침에 전화하면", THURSDAY_10, "day", noon(date(2026, 11, 27)), id="tomorrow-morning-no-hour"),
        pytest.param("토요일에는요?", THURSDAY_10, "day", noon(date(2026, 11, 28)), id="saturday"),
        pytest.param("토욜", THURSDAY_10, "day", noon(date(2026, 11, 28)), id="saturday-slang"),
        pytest.param("일요일", THURSDAY_10, "day", noon(date(2026, 11, 29)), id="sunday"),
        pytest.param("다음 주 목요일", THURSDAY_10, "day", noon(date(2026, 12, 3)), id="next-week-thursday"),
        pytest.param("설날에도 상담 되나요?", THURSDAY_10, "day", noon(SEOLLAL_2027), id="seollal-2027"),
        pytest.param("추석 연휴에", EARLY_SEPTEMBER, "day", noon(CHUSEOK_2026_EVE), id="chuseok-run-starts-on-eve"),
        pytest.param("추석에", EARLY_SEPTEMBER, "day", noon(CHUSEOK_2026), id="chuseok-day"),
        pytest.param("크리스마스에", THURSDAY_10, "day", noon(CHRISTMAS_2026), id="christmas"),
        pytest.param("성탄절에도", THURSDAY_10, "day", noon(CHRISTMAS_2026), id="christmas-korean"),
        pytest.param("크리스마스 이브에는", THURSDAY_10, "day", noon(date(2026, 12, 24)), id="christmas-eve"),
        pytest.param("12월 24일", THURSDAY_10, "day", noon(date(2026, 12, 24)), id="calendar-date"),
        pytest.param("1월 1일에도", THURSDAY_10, "day", noon(date(2027, 1, 1)), id="calendar-date-next-year"),
        pytest.param("평일 몇 시까지 해요?", THURSDAY_10, "day", noon(date(2026, 11, 26)), id="weekdays-today"),
        pytest.param("평일 몇 시까지", SATURDAY_14, "day", noon(date(2026, 11, 30)), id="weekdays-from-saturday"),
        # General times.
        pytest.param("주말에도 상담 돼요?", THURSDAY_10, "weekend", None, id="weekend"),
        pytest.param("주말 오후 3시는요?", THURSDAY_10, "weekend", None, id="weekend-wins-over-clock"),
        pytest.param("공휴일엔요?", THURSDAY_10, "holiday", None, id="public-holidays"),
        pytest.param("명절에도", THURSDAY_10, "holiday", None, id="festive-days"),
        pytest.param("빨간날도 해요?", THURSDAY_10, "holiday", None, id="red-days"),
        pytest.param("대체공휴일에는요", THURSDAY_10, "holiday", None, id="substitute-holidays"),
        pytest.param("점심시간에도 상담 되나요?", THURSDAY_10, "lunch", None, id="lunch"),
        pytest.param("밤에", THURSDAY_10, "night", None, id="night"),
        pytest.param("새벽에", THURSDAY_10, "night", None, id="dawn"),
        pytest.param("아침 일찍", THURSDAY_10, "night", None, id="early-morning"),
        pytest.param("퇴근하고 전화해도 돼요?", THURSDAY_10, "night", None, id="after-work"),
        # Night and lunch on a named day carry that day.
        pytest.param("내일 밤에도 되나요", THURSDAY_10, "night", kst(2026, 11, 27, 22), id="tomorrow-night"),
        pytest.param("내일 점심에", THURSDAY_10, "lunch", kst(2026, 11, 27, 12), id="tomorrow-lunch"),
    ],
)
def test_parse_asked_time(text: str, now: datetime, kind: AskedKind, moment: datetime | None) -> None:
    """A message naming another time gives its kind and, where there is one, the aware moment."""
    asked = parse_asked_time(text, now)
    assert asked is not None
    assert asked.kind == kind
    assert asked.moment == moment
    assert asked.text and asked.text in text.replace("６", "6")
    if asked.moment is not None:
        assert asked.moment.tzinfo is not None
        assert asked.moment.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("새벽 3시에 전화하면 사람이 받아요?", "새벽 3시", id="clock"),
        pytest.param("내일 아침 9시에 전화할게요", "내일 아침 9시", id="day-and-clock"),
        pytest.param("토요일 오후 2시에는요?", "토요일 오후 2시", id="weekday-and-clock"),
        pytest.param("내일아침9시에요", "내일아침9시", id="as-written-without-spaces"),
        pytest.param("추석 연휴에도 돼요?", "추석 연휴", id="holiday-run"),
        pytest.param("주말에도 상담 돼요?", "주말", id="weekend"),
    ],
)
def test_asked_text_is_the_words_that_named_the_time(text: str, words: str) -> None:
    """AskedTime.text is the customer's own words for the time, ready to echo back."""
    asked = parse_asked_time(text, THURSDAY_10)
    assert asked is not None
    assert asked.text == words


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("지금 상담 돼요?", id="now"),
        pytest.param("상담 시간 알려주세요", id="hours-in-general"),
        pytest.param("몇 시까지 해요?", id="until-when"),
        pytest.param("상담사 연결해 주세요", id="plain-request"),
        pytest.param("결제 취소는 어떻게 해요?", id="other-topic"),
        pytest.param("24시간 상담 되나요?", id="24-hours-is-a-duration"),
        pytest.param("두 시간째 기다리고 있어요", id="two-hours-waiting"),
        pytest.param("오늘 상담 돼요?", id="today-is-now"),
        pytest.param("오전에도 돼요?", id="am-without-hour"),
        pytest.param("설정에서 바꿀 수 있나요?", id="seoljeong-is-not-seollal"),
        pytest.param("송금 보낼 때 수수료 있어요?", id="bonael-is-not-tomorrow"),
        pytest.param("한시적 이벤트인가요?", id="hansijeok-is-not-1-oclock"),
        pytest.param("오후 2시에 이체했는데 안 들어왔어요", id="past-event-with-clock"),
        pytest.param("어젯밤에 결제한 거 취소돼요?", id="last-night"),
        pytest.param("6시 넘었는데 상담 돼요?", id="it-is-past-6-now"),
        pytest.param("25시에", id="impossible-hour"),
        pytest.param("2월 30일에", id="impossible-date"),
        pytest.param("1577-1940", id="phone-number"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
    ],
)
def test_messages_without_another_time(text: str) -> None:
    """Messages that name no other time than now give None."""
    assert parse_asked_time(text, THURSDAY_10) is None


@pytest.mark.parametrize(
    "text",
    ["", "?!", "시" * 500, "99시 99분", "13월 45일", "새벽 0시", "밤 24시", "다다음 주 일요일 밤", "3:99", None, 42],
)
def test_parse_never_raises(text: object) -> None:
    """Odd input gives an AskedTime or None, never an exception."""
    result = parse_asked_time(text, THURSDAY_10)  # type: ignore[arg-type]
    assert result is None or isinstance(result, AskedTime)


def test_aware_now_is_read_in_seoul_time() -> None:
    """An aware UTC clock is converted: 01:00 UTC is 10:00 in Seoul, so 새벽 3시 is the next day."""
    asked = parse_asked_time("새벽 3시에요", datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc))
    assert asked is not None
    assert asked.moment == kst(2026, 11, 27, 3)


# --------------------------------------------------------------------------------------------------
# status_for_asked


@pytest.mark.parametrize(
    ("moment", "state", "day_name", "until", "next_open"),
    [
        pytest.param(kst(2026, 11, 26, 10), "open", None, kst(2026, 11, 26, 18), None, id="weekday-10:00"),
        pytest.param(kst(2026, 11, 26, 17, 55), "open", None, kst(2026, 11, 26, 18), None, id="weekday-17:55"),
        pytest.param(kst(2026, 11, 26, 18, 30), "closed", None, None, kst(2026, 11, 27, 9), id="weekday-18:30"),
        pytest.param(kst(2026, 11, 27, 18, 30), "closed", None, None, MONDAY_9, id="friday-18:30-monday"),
        pytest.param(kst(2026, 11, 27, 3), "closed", None, None, kst(2026, 11, 27, 9), id="weekday-03:00"),
        pytest.param(kst(2026, 11, 28, 14), "limited", "토요일", None, MONDAY_9, id="saturday"),
        pytest.param(kst(2026, 11, 29, 12), "limited", "일요일", None, MONDAY_9, id="sunday"),
        pytest.param(noon(SEOLLAL_2027), "limited", "설날", None, kst(2027, 2, 10, 9), id="seollal-2027"),
        pytest.param(kst(2027, 2, 8, 10), "limited", "설 연휴", None, kst(2027, 2, 10, 9), id="seollal-2027-day-after"),
        pytest.param(noon(SEOLLAL_2027_SUBSTITUTE), "limited", "대체공휴일", None, kst(2027, 2, 10, 9), id="seollal-sub"),
        pytest.param(noon(CHUSEOK_2026), "limited", "추석", None, kst(2026, 9, 28, 9), id="chuseok-2026"),
        pytest.param(noon(CHUSEOK_2026_EVE), "limited", "추석 연휴", None, kst(2026, 9, 28, 9), id="chuseok-2026-eve"),
        pytest.param(kst(2026, 9, 26, 12), "limited", "추석 연휴", None, kst(2026, 9, 28, 9), id="chuseok-after-on-sat"),
        pytest.param(noon(SAMILJEOL_2026_SUBSTITUTE), "limited", "대체공휴일", None, kst(2026, 3, 3, 9), id="samiljeol-sub"),
        pytest.param(noon(CHRISTMAS_2026), "limited", "성탄절", None, kst(2026, 12, 28, 9), id="christmas-2026"),
        pytest.param(kst(2026, 1, 1, 12), "limited", "신정", None, kst(2026, 1, 2, 9), id="new-year-2026"),
        pytest.param(kst(2026, 12, 24, 12), "open", None, kst(2026, 12, 24, 18), None, id="christmas-eve-is-a-weekday"),
    ],
)
def test_status_for_asked_moment(
    moment: datetime, state: AskedState, day_name: str | None, until: datetime | None, next_open: datetime | None
) -> None:
    """A moment is open until 18:00, closed until the next 09:00, or limited on weekends and holidays."""
    status = status_for_asked(HOURS, AskedTime("moment", "", moment), THURSDAY_10)
    assert status.state == state
    assert status.moment == moment
    assert status.day_name == day_name
    assert status.until == until
    assert status.next_open == next_open


def test_naive_asked_moment_is_seoul_time() -> None:
    """A naive asked moment is read as Seoul local time, like every other clock here."""
    status = status_for_asked(HOURS, AskedTime("moment", "", datetime(2026, 11, 26, 17, 55)), THURSDAY_10)
    assert status.state == "open"
    assert status.until == kst(2026, 11, 26, 18)


@pytest.mark.parametrize(
    ("asked", "now", "state", "next_open"),
    [
        pytest.param(WEEKEND, THURSDAY_10, "limited", MONDAY_9, id="weekend-from-thursday"),
        pytest.param(WEEKEND, SATURDAY_14, "limited", MONDAY_9, id="weekend-on-saturday"),
        pytest.param(AskedTime("holiday", "공휴일"), THURSDAY_10, "limited", None, id="holidays-in-general"),
        pytest.param(AskedTime("night", "밤"), THURSDAY_10, "closed", kst(2026, 11, 27, 9), id="night-while-open"),
        pytest.param(AskedTime("night", "새벽"), THU_0155, "closed", kst(2026, 11, 26, 9), id="night-at-night"),
        pytest.param(AskedTime("night", "밤"), datetime(2026, 11, 27, 10), "closed", MONDAY_9, id="friday-night"),
        pytest.param(AskedTime("lunch", "점심"), THURSDAY_10, "unknown", None, id="lunch-guide-is-silent"),
        pytest.param(LUNCH_FRIDAY, THURSDAY_10, "unknown", None, id="lunch-on-a-weekday"),
        pytest.param(LUNCH_SATURDAY, THURSDAY_10, "limited", MONDAY_9, id="lunch-saturday"),
        pytest.param(NIGHT_SATURDAY, THURSDAY_10, "limited", MONDAY_9, id="saturday-night"),
    ],
)
def test_status_for_general_times(
    asked: AskedTime, now: datetime, state: AskedState, next_open: datetime | None
) -> None:
    """Weekends and holidays are limited (no weekend hours are known), nights closed, lunch unknown."""
    status = status_for_asked(HOURS, asked, now)
    assert status.state == state
    assert status.next_open == next_open
    assert status.until is None


@pytest.mark.parametrize(
    ("text", "now", "state", "day_name", "moment"),
    [
        pytest.param("새벽 3시에 전화하면 사람이 받아요?", THURSDAY_10, "closed", None, kst(2026, 11, 27, 3), id="dawn-3"),
        pytest.param("저녁 7시에도 돼요?", THURSDAY_10, "closed", None, kst(2026, 11, 26, 19), id="evening-7"),
        pytest.param("오후 5시 반", THURSDAY_10, "open", None, kst(2026, 11, 26, 17, 30), id="pm-5-half"),
        pytest.param("토요일에는요?", THURSDAY_10, "limited", "토요일", noon(date(2026, 11, 28)), id="saturday"),
        pytest.param("공휴일엔요?", THURSDAY_10, "limited", None, None, id="public-holidays"),
        pytest.param("주말에도 상담 돼요?", THURSDAY_10, "limited", None, None, id="weekend"),
        pytest.param("설날에도", THURSDAY_10, "limited", "설날", noon(SEOLLAL_2027), id="seollal"),
        pytest.param("추석 연휴에", EARLY_SEPTEMBER, "limited", "추석 연휴", noon(CHUSEOK_2026_EVE), id="chuseok-run"),
        pytest.param("크리스마스에", THURSDAY_10, "limited", "성탄절", noon(CHRISTMAS_2026), id="christmas"),
        pytest.param("평일 몇 시까지", SATURDAY_14, "open", None, noon(date(2026, 11, 30)), id="weekdays"),
        pytest.param("점심시간에도 상담 되나요?", THURSDAY_10, "unknown", None, None, id="lunch"),
        pytest.param("밤에", THURSDAY_10, "closed", None, None, id="night"),
    ],
)
def test_parse_then_status(
    text: str, now: datetime, state: AskedState, day_name: str | None, moment: datetime | None
) -> None:
    """From the customer's words to what the bot may say about that time."""
    asked = parse_asked_time(text, now)
    assert asked is not None
    status = status_for_asked(HOURS, asked, now)
    assert status.state == state
    assert status.day_name == day_name
    assert status.moment == moment


def test_weekdays_question_tells_the_closing_hour() -> None:
    """"평일 몇 시까지" answers with 18:00, the end of a weekday shift."""
    asked = parse_asked_time("평일 몇 시까지 해요?", SATURDAY_14)
    assert asked is not None
    until = status_for_asked(HOURS, asked, SATURDAY_14).until
    assert until is not None
    assert until.timetz() == time(18, tzinfo=SEOUL)


# --------------------------------------------------------------------------------------------------
# closing_time


@pytest.mark.parametrize(
    ("now", "until"),
    [
        pytest.param(datetime(2026, 11, 26, 10, 0), kst(2026, 11, 26, 18), id="weekday-10:00"),
        pytest.param(datetime(2026, 11, 26, 17, 55), kst(2026, 11, 26, 18), id="weekday-17:55"),
        pytest.param(datetime(2026, 11, 26, 9, 0), kst(2026, 11, 26, 18), id="weekday-09:00"),
        pytest.param(datetime(2026, 11, 26, 18, 0), None, id="weekday-18:00-closed"),
        pytest.param(datetime(2026, 11, 26, 18, 30), None, id="weekday-18:30"),
        pytest.param(datetime(2026, 11, 26, 3, 0), None, id="weekday-03:00"),
        pytest.param(SATURDAY_14, None, id="saturday"),
        pytest.param(datetime.combine(CHRISTMAS_2026, time(11)), None, id="christmas"),
        pytest.param(datetime(2026, 11, 26, 8, tzinfo=timezone.utc), kst(2026, 11, 26, 18), id="utc-08:00-kst-17:00"),
    ],
)
def test_closing_time(now: datetime, until: datetime | None) -> None:
    """While agents work, the end of today's shift; otherwise None."""
    assert closing_time(HOURS, now) == until


@pytest.mark.parametrize(
    "message",
    ["5분 남았네 ㅠ 내일 아침 몇시부터에요?", "낼은요", "오늘은 끝났네요. 내일은 몇 시부터 해요?"],
)
def test_a_past_clause_does_not_hide_the_asked_day(message: str) -> None:
    """A clause in the past tense is skipped, the question about tomorrow is still read."""
    asked = parse_asked_time(message, datetime(2026, 12, 2, 17, 55))
    assert asked is not None and asked.moment is not None and asked.moment.day == 3
