"""The conversation store keeps exactly the rows Rasa's SQL tracker store keeps, with less work."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from paybot.settings import PROJECT_ROOT
from rasa_runtime.tracker_store import STORED_EVENTS_ATTRIBUTE, ConversationStore, deserialise_events

COLUMNS = "sender_id, type_name, timestamp, intent_name, action_name, data"


@pytest.fixture(scope="module")
def domain() -> Domain:
    """The bot's real domain (its slots are what trackers are rebuilt with)."""
    return Domain.load(str(PROJECT_ROOT / "domain"))


def _turn(text: str, intent: str, answer: str, timestamp: float) -> List[Event]:
    return [
        UserUttered(text, {"name": intent, "confidence": 0.99}, timestamp=timestamp),
        ActionExecuted("action_answer_topic", timestamp=timestamp + 0.1),
        BotUttered(answer, timestamp=timestamp + 0.2),
        SlotSet("topic", intent, timestamp=timestamp + 0.3),
        ActionExecuted("action_listen", timestamp=timestamp + 0.4),
    ]


def _conversation() -> List[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=1.0),
        SessionStarted(timestamp=1.1),
        ActionExecuted("action_listen", timestamp=1.2),
        *_turn("환불 언제 돼요", "refund", "환불 안내", 2.0),
        # a later session: only it is loaded
        ActionExecuted("action_session_start", timestamp=10.0),
        SessionStarted(timestamp=10.1),
        ActionExecuted("action_listen", timestamp=10.2),
        *_turn("결제가 안 돼요", "payment_failure", "결제 안내", 11.0),
    ]


def _rows(database: Path) -> List[Tuple[Any, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT {COLUMNS} FROM events ORDER BY id").fetchall()


def _stores(tmp_path: Path, domain: Domain) -> Dict[str, SQLTrackerStore]:
    return {
        "rasa": SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasa.db")),
        "ours": ConversationStore(domain, host=f"sqlite:///{tmp_path / 'ours.db'}"),
    }


async def test_stores_the_same_rows_as_rasa(tmp_path: Path, domain: Domain) -> None:
    """Save, load, add a session and a turn, save: exactly the rows Rasa's store writes."""
    events = _conversation()
    for store in _stores(tmp_path, domain).values():
        await store.save(DialogueStateTracker.from_events("customer-1", events[:8], domain.slots))
        tracker = await store.retrieve("customer-1")
        for event in events[8:]:
            tracker.update(event)
        await store.save(tracker)
    assert _rows(tmp_path / "ours.db") == _rows(tmp_path / "rasa.db")
    assert len(_rows(tmp_path / "ours.db")) == len(events)


async def test_loads_the_latest_session_like_rasa(tmp_path: Path, domain: Domain) -> None:
    """The loaded tracker holds the same events as Rasa's, latest session only or all of them."""
    stores = _stores(tmp_path, domain)
    for store in stores.values():
        await store.save(DialogueStateTracker.from_events("customer-1", _conversation(), domain.slots))
    for method in ("retrieve", "retrieve_full_tracker"):
        ours = await getattr(stores["ours"], method)("customer-1")
        rasa = await getattr(stores["rasa"], method)("customer-1")
        assert [event.as_dict() for event in ours.events] == [event.as_dict() for event in rasa.events]
        assert ours.current_slot_values() == rasa.current_slot_values()
    latest = await stores["ours"].retrieve("customer-1")
    assert latest.latest_message.text == "결제가 안 돼요"
    assert await stores["ours"].retrieve("someone-else") is None


async def test_a_loaded_conversation_appends_only_its_new_events(tmp_path: Path, domain: Domain) -> None:
    """Load, add a turn, save: the turn is stored once, nothing earlier is stored again."""
    store = ConversationStore(domain, host=f"sqlite:///{tmp_path / 'ours.db'}")
    await store.save(DialogueStateTracker.from_events("customer-1", _conversation(), domain.slots))
    tracker = await store.retrieve("customer-1")
    # The latest session: from its SessionStarted on (action_session_start comes just before it).
    assert getattr(tracker, STORED_EVENTS_ATTRIBUTE) == 7
    for event in _turn("상담원 연결해 주세요", "request_human", "상담 안내", 20.0):
        tracker.update(event)
    await store.save(tracker)
    await store.save(tracker)  # saving again adds nothing
    texts = [json.loads(row[5])["text"] for row in _rows(tmp_path / "ours.db") if row[1] == "user"]
    assert texts == ["환불 언제 돼요", "결제가 안 돼요", "상담원 연결해 주세요"]
    assert len(_rows(tmp_path / "ours.db")) == len(_conversation()) + 5


async def test_a_tracker_it_did_not_load_is_counted(tmp_path: Path, domain: Domain) -> None:
    """A tracker built elsewhere is saved by counting what is stored, as Rasa does."""
    store = ConversationStore(domain, host=f"sqlite:///{tmp_path / 'ours.db'}")
    events = _conversation()
    await store.save(DialogueStateTracker.from_events("customer-1", events, domain.slots))
    again = DialogueStateTracker.from_events("customer-1", events[9:], domain.slots)  # latest session
    again.update(UserUttered("감사합니다", {"name": "thank", "confidence": 0.9}, timestamp=30.0))
    await store.save(again)
    assert len(_rows(tmp_path / "ours.db")) == len(events) + 1


async def test_sqlite_file_uses_the_write_ahead_log(tmp_path: Path, domain: Domain) -> None:
    """Commits append to the WAL instead of syncing the rollback journal and the file each time."""
    store = ConversationStore(domain, host=f"sqlite:///{tmp_path / 'ours.db'}")
    await store.save(DialogueStateTracker.from_events("customer-1", _conversation(), domain.slots))
    with sqlite3.connect(tmp_path / "ours.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_events_are_rebuilt_like_rasa_rebuilds_them() -> None:
    """Every event type round-trips through the cached class lookup; unknown types fail like Rasa."""
    events = _conversation()
    assert deserialise_events(event.as_dict() for event in events) == events
    assert deserialise_events([{"timestamp": 1.0}]) == []
    with pytest.raises(ValueError):
        deserialise_events([{"event": "no_such_event"}])


def test_the_events_timestamp_is_indexed_for_the_consoles_periods(tmp_path: Path, domain: Domain) -> None:
    """Rasa's table has no index on timestamp; ours adds one (once: a second store start keeps it)."""
    database = tmp_path / "ours.db"
    ConversationStore(domain, host=f"sqlite:///{database}")
    ConversationStore(domain, host=f"sqlite:///{database}")
    with sqlite3.connect(database) as connection:
        plan = " ".join(str(row) for row in connection.execute(
            "EXPLAIN QUERY PLAN SELECT sender_id FROM events WHERE timestamp >= 1 AND timestamp < 2"))
    assert "ix_events_timestamp" in plan
