"""The dashboard and the search on PostgreSQL (the cluster's tracker store), counted as on SQLite."""

from __future__ import annotations

from datetime import date
from typing import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.conversations import load_conversation, search_conversations
from console.filters import Period, Search
from console.sample_store import write_store
from console.signals import Signals
from console.stats import compute_dashboard
from paybot.guide import load_guide
from paybot.settings import get_settings
from tests.support.live_servers import fresh_postgres_database
from tests.unit.console.samples import MASKED_PHONE_QUESTION, SAMPLES

pytestmark = pytest.mark.live
DAY = Period(date(2026, 12, 1), date(2026, 12, 1))


@pytest.fixture(scope="module")
def postgres_store() -> Iterator[Engine]:
    """The sample conversations in a fresh PostgreSQL database at 127.0.0.1:5432."""
    with fresh_postgres_database() as database:
        engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:5432/{database}")
        write_store(engine, SAMPLES, load_guide(get_settings().guide_path))
        yield engine
        engine.dispose()


def test_dashboard_on_postgresql(postgres_store: Engine) -> None:
    """Same figures as on SQLite: six conversations, three hand-offs, ratings 5 and 1, hours in KST."""
    guide = load_guide(get_settings().guide_path)
    figures = compute_dashboard(postgres_store, Signals.for_guide(guide), DAY, "", list(guide.labels))
    assert (figures.conversations, figures.messages, figures.handed_off, figures.helped) == (6, 14, 3, 2)
    assert figures.average_rating == pytest.approx(3.0) and figures.topics[0] == ("refund", 2)
    assert sum(figures.hours[10:13]) == 14
    every_day = compute_dashboard(postgres_store, Signals.for_guide(guide), Period(), "", list(guide.labels))
    assert every_day.hours[22] == 3


def test_search_and_view_on_postgresql(postgres_store: Engine) -> None:
    """Korean text search, the hand-off filter and the masked view work on PostgreSQL too."""
    signals = Signals.for_guide(load_guide(get_settings().guide_path))
    found = search_conversations(postgres_store, signals, Search(period=DAY, text="환불"))
    assert {row.sender_id for row in found.rows} == {"web-1", "rest-3"}
    handed = search_conversations(postgres_store, signals, Search(period=DAY, handed_off=True, channel="kakao"))
    assert [row.sender_id for row in handed.rows] == ["kakao:k1"]
    conversation = load_conversation(postgres_store, "rest-3")
    assert conversation is not None and conversation.turns[0].text == MASKED_PHONE_QUESTION
