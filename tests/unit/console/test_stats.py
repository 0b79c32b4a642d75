"""The dashboard's figures on a real SQLite store of known conversations, counted exactly."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine

from console.filters import Period
from console.signals import Signals
from console.stats import compute_dashboard
from paybot.guide import Guide
from tests.unit.console.samples import MASKED_LOW_RATED_COMMENT

DAY = Period(date(2026, 12, 1), date(2026, 12, 1))


def test_the_days_figures(store: Engine, signals: Signals, guide: Guide) -> None:
    """Six conversations that day: three handed off, two said it helped, ratings 5 and 1, 10-12시 KST."""
    figures = compute_dashboard(store, signals, DAY, "", list(guide.labels))
    assert (figures.conversations, figures.messages) == (6, 14)
    assert (figures.handed_off, figures.helped, figures.resolved) == (3, 2, 3)
    assert figures.share(figures.resolved) == pytest.approx(0.5)
    assert figures.clarifications == 2  # "잘 이해하지 못했어요" and the give-up after the second miss
    assert (figures.rated, figures.average_rating) == (2, pytest.approx(3.0))
    assert figures.topics[0] == ("refund", 2)
    assert set(figures.topics) == {("refund", 2), ("payment_failure", 1), ("transfer_issue", 1), ("request_human", 1)}
    assert sum(figures.hours) == 14 and figures.hours[10] + figures.hours[11] + figures.hours[12] == 14


def test_a_channel_counts_only_its_conversations(store: Engine, signals: Signals, guide: Guide) -> None:
    """KakaoTalk: the one customer who asked for a person; the web chat: the two web conversations."""
    kakao = compute_dashboard(store, signals, DAY, "kakao", list(guide.labels))
    assert (kakao.conversations, kakao.messages, kakao.handed_off) == (1, 1, 1)
    assert kakao.topics == [("request_human", 1)] and kakao.hours[11] == 1
    web = compute_dashboard(store, signals, DAY, "web", list(guide.labels))
    assert (web.conversations, web.handed_off, web.helped, web.average_rating) == (2, 1, 1, 5.0)


def test_the_period_decides_which_conversations_count(store: Engine, signals: Signals, guide: Guide) -> None:
    """Without a period the evening before counts too; a day with nothing shows zeros, not errors."""
    every_day = compute_dashboard(store, signals, Period(), "", list(guide.labels))
    assert every_day.conversations == 7 and every_day.hours[22] == 3
    empty = compute_dashboard(store, signals, Period(date(2026, 12, 2), date(2026, 12, 2)), "", list(guide.labels))
    assert (empty.conversations, empty.average_rating, empty.share(empty.resolved)) == (0, None, None)


def test_comments_are_listed_newest_first_and_masked(store: Engine, signals: Signals, guide: Guide) -> None:
    """The day's two comments with their ratings, the phone number in one of them masked; per channel too."""
    figures = compute_dashboard(store, signals, DAY, "", list(guide.labels))
    assert [(comment.text, comment.rating) for comment in figures.comments] == [
        (MASKED_LOW_RATED_COMMENT, 1), ("친절했어요", 5)]
    web = compute_dashboard(store, signals, DAY, "web", list(guide.labels))
    assert [comment.text for comment in web.comments] == ["친절했어요"]
