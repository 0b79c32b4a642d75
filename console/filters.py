"""What staff type into the search and dashboard forms, read and checked (a bad value gets a Korean answer)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Mapping, Optional, Tuple

from console.tracker import CHANNEL_LABELS, KST_OFFSET_S
from paybot.privacy import mask

KST = timezone(timedelta(seconds=KST_OFFSET_S))
MAX_TEXT_CHARS = 100


class FilterError(ValueError):
    """A form value that cannot be used; the message says which and why, in Korean."""


@dataclass(frozen=True)
class Period:
    """From the start of ``since`` to the end of ``until``, KST days (both optional)."""

    since: Optional[date] = None
    until: Optional[date] = None

    def bounds(self) -> Tuple[Optional[float], Optional[float]]:
        """Unix times: the first second of ``since`` and the first second after ``until`` (KST)."""
        start = datetime.combine(self.since, datetime.min.time(), KST).timestamp() if self.since else None
        end = (datetime.combine(self.until, datetime.min.time(), KST) + timedelta(days=1)).timestamp() if self.until else None
        return start, end


@dataclass(frozen=True)
class Search:
    """The conversation list's filters."""

    period: Period = Period()
    text: str = ""
    channel: str = ""
    topic: str = ""
    handed_off: bool = False
    resolved: bool = False
    low_confidence: bool = False
    low_rating: bool = False
    page: int = 1

    def with_page(self, page: int) -> "Search":
        """The same search on another page."""
        return replace(self, page=page)


def _day(args: Mapping[str, str], key: str, label: str) -> Optional[date]:
    raw = (args.get(key) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise FilterError(f"{label} 날짜를 2026-12-03처럼 써 주세요 (입력: {raw[:20]}).") from error


def read_period(args: Mapping[str, str]) -> Period:
    """The ``since`` / ``until`` fields.

    Raises:
        FilterError: A date that is not YYYY-MM-DD, or an end before the start.
    """
    period = Period(_day(args, "since", "시작"), _day(args, "until", "끝"))
    if period.since and period.until and period.until < period.since:
        raise FilterError("끝 날짜가 시작 날짜보다 빨라요. 날짜를 바꿔 주세요.")
    return period


def read_channel(args: Mapping[str, str]) -> str:
    """The ``channel`` field: empty (all), web, kakao or rest."""
    channel = (args.get("channel") or "").strip()
    if channel and channel not in CHANNEL_LABELS:
        raise FilterError("채널은 웹 채팅, 카카오톡, REST 중에서 골라 주세요.")
    return channel


def read_search(args: Mapping[str, str], topics: Mapping[str, str]) -> Search:
    """Every field of the conversation search.

    Raises:
        FilterError: A value that cannot be used.
    """
    # Searched as the page shows it: a typed card or phone number is masked first, so a search can never
    # tell whether a conversation holds a number unmasked.
    text = mask((args.get("q") or "").strip())
    if len(text) > MAX_TEXT_CHARS:
        raise FilterError(f"검색어는 {MAX_TEXT_CHARS}자까지 쓸 수 있어요.")
    topic = (args.get("topic") or "").strip()
    if topic and topic not in topics:
        raise FilterError("주제는 목록에서 골라 주세요.")
    raw_page = (args.get("page") or "1").strip()
    if not raw_page.isdigit() or int(raw_page) < 1:
        raise FilterError("페이지 번호가 올바르지 않아요.")
    return Search(
        period=read_period(args), text=text, channel=read_channel(args), topic=topic,
        handed_off=args.get("handed_off") == "1", resolved=args.get("resolved") == "1",
        low_confidence=args.get("low_confidence") == "1",
        low_rating=args.get("low_rating") == "1", page=int(raw_page),
    )
