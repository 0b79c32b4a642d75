"""Retention on real tracker stores (SQLite file and PostgreSQL): old conversations go, live ones go on."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional, Sequence
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from paybot.business_hours import SEOUL
from paybot.launch import free_port
from paybot.retention import (
    ADVISORY_LOCK_KEY,
    RetentionReport,
    apply_retention,
    cutoff_for,
    plan_removals,
    remove,
    retention_now,
)
from paybot.retention_job import TASK_NAME, start_with_server
from paybot.settings import PROJECT_ROOT
from rasa_runtime.tracker_store import ConversationStore
from tests.support.live_servers import fresh_postgres_database

# Earlier than the real clock, so a frozen clock file at this moment is what retention counts from.
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo(SEOUL))
DAYS = 90
CUTOFF = NOW - timedelta(days=DAYS)  # 2025-12-02 10:00 KST
POSTGRES_ADDRESS = ("127.0.0.1", 5432)
# What the Kakao channel stores at every session start (SlotSet before action_session_start).
KAKAO_METADATA = {"kakao": {"bot_id": "5f1a2b3c4d5e6f7a8b9c0d1e", "trigger": "Kakaotalk"}}

OLD = "kakao-old-customer"  # last wrote 120 days ago: deleted entirely
REGULAR = "kakao-regular-customer"  # 150, 100, 30 and 1 day ago: the last two sessions stay
STRADDLING = "web-straddling-customer"  # a session that began before the cutoff and went on after it
NEW = "rest-new-customer"  # only 2 days ago: untouched


@dataclass(frozen=True)
class Session:
    """One session as a channel starts it: when, what the customer wrote, the channel's metadata."""

    start: datetime
    texts: Sequence[str]
    metadata: Optional[Dict[str, Any]] = None
    gap: timedelta = timedelta(minutes=2)


def _texts(label: str) -> List[str]:
    return [f"{label}: 환불 언제 돼요?", f"{label}: 카드 결제 취소했어요"]


CONVERSATIONS: Dict[str, List[Session]] = {
    OLD: [
        Session(NOW - timedelta(days=200), _texts("200일 전"), KAKAO_METADATA),
        Session(NOW - timedelta(days=120), _texts("120일 전"), KAKAO_METADATA),
    ],
    REGULAR: [
        Session(NOW - timedelta(days=150), _texts("150일 전"), KAKAO_METADATA),
        Session(NOW - timedelta(days=100), _texts("100일 전"), KAKAO_METADATA),
        Session(NOW - timedelta(days=30), _texts("30일 전"), KAKAO_METADATA),
        Session(NOW - timedelta(days=1), _texts("어제"), KAKAO_METADATA),
    ],
    STRADDLING: [
        Session(NOW - timedelta(days=120), _texts("120일 전")),
        # first message 5 minutes before the cutoff, the second 15 minutes later (after it)
        Session(CUTOFF - timedelta(minutes=6), _texts("기준일"), KAKAO_METADATA, gap=timedelta(minutes=15)),
    ],
    NEW: [Session(NOW - timedelta(days=2), _texts("그저께"))],
}
# What each conversation still holds after retention at NOW: sessions kept whole, by index.
KEPT_SESSIONS = {OLD: [], REGULAR: [2, 3], STRADDLING: [1], NEW: [0]}


def _turn(text: str, at: float) -> List[Event]:
    """One customer message and the bot's answer, as the processor logs them."""
    return [
        UserUttered(text, {"name": "refund", "confidence": 0.97}, timestamp=at),
        ActionExecuted("action_respond", timestamp=at + 0.5),
        BotUttered("환불은 결제 취소 후 3~5 영업일 안에 돼요.", timestamp=at + 0.6),
        SlotSet("topic", "refund", timestamp=at + 0.7),
        ActionExecuted("action_listen", timestamp=at + 0.8),
    ]


def _session_turns(session: Session) -> List[List[Event]]:
    """The session's events, one list per message the processor handled (and the store saved)."""
    start = session.start.timestamp()
    opening: List[Event] = []
    if session.metadata:
        opening.append(SlotSet(SESSION_START_METADATA_SLOT, session.metadata, timestamp=start))
    opening += [
        ActionExecuted("action_session_start", timestamp=start + 0.1),
        SessionStarted(timestamp=start + 0.2),
        ActionExecuted("action_listen", timestamp=start + 0.3),
    ]
    gap = session.gap.total_seconds()
    turns = [_turn(text, start + 1 + index * gap) for index, text in enumerate(session.texts)]
    turns[0] = opening + turns[0]
    return turns


async def _save_turn(store: SQLTrackerStore, domain: Domain, sender: str, events: List[Event]) -> None:
    """What Rasa's processor does per message: load the latest session (or start one), log, save."""
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, domain.slots)
    tracker.update_with_events(events, domain, override_timestamp=False)
    await store.save(tracker)


async def _store_conversations(store: SQLTrackerStore, domain: Domain) -> None:
    for sender, sessions in CONVERSATIONS.items():
        for session in sessions:
            for events in _session_turns(session):
                await _save_turn(store, domain, sender, events)


def _expected_events(sender: str) -> List[Dict[str, Any]]:
    sessions = CONVERSATIONS[sender]
    return [
        event.as_dict()
        for index in KEPT_SESSIONS[sender]
        for events in _session_turns(sessions[index])
        for event in events
    ]


async def _stored_events(store: SQLTrackerStore, sender: str) -> List[Dict[str, Any]]:
    tracker = await store.retrieve_full_tracker(sender)
    return [event.as_dict() for event in tracker.events] if tracker else []


async def _customer_texts(store: SQLTrackerStore, sender: str) -> List[str]:
    tracker = await store.retrieve_full_tracker(sender)
    return [event.text for event in tracker.events if isinstance(event, UserUttered)] if tracker else []


def _row_count(engine: sa.engine.Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT COUNT(*) FROM events")).scalar()


def _postgres_listening() -> bool:
    """Whether anything listens on PostgreSQL's port (a server that refuses us fails the tests instead)."""
    try:
        socket.create_connection(POSTGRES_ADDRESS, timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def domain() -> Domain:
    """The bot's real domain (its slots are what trackers are rebuilt with)."""
    return Domain.load(str(PROJECT_ROOT / "domain"))


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for this module, dropped afterwards."""
    if not _postgres_listening():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    with fresh_postgres_database() as database:
        yield f"postgresql://postgres@127.0.0.1:5432/{database}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty tracker store: a SQLite file, or the module's PostgreSQL database (emptied after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS events"))
    engine.dispose()


@pytest.fixture
async def store(store_url: str, domain: Domain) -> AsyncIterator[ConversationStore]:
    """The bot's tracker store holding the four conversations, as customers wrote them."""
    conversations = ConversationStore(domain, host=store_url)
    await _store_conversations(conversations, domain)
    yield conversations
    conversations.engine.dispose()


@pytest.fixture
def clock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A frozen clock at NOW (PAYBOT_CLOCK_FILE), for this process and the commands it starts."""
    path = tmp_path / "clock.txt"
    path.write_text(f"{NOW:%Y-%m-%d %H:%M}", encoding="utf-8")
    monkeypatch.setenv("PAYBOT_CLOCK_FILE", str(path))
    return path


def _command(*args: str, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paybot.retention", *args],
        cwd=PROJECT_ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=60,
    )


async def test_old_conversations_go_and_live_ones_keep_their_recent_sessions_whole(
    store: ConversationStore
) -> None:
    """At NOW the 120-day-old conversation is gone; the others keep every session that is still recent."""
    rows_before = _row_count(store.engine)

    report = apply_retention(store.engine, DAYS, NOW)

    for sender in CONVERSATIONS:
        assert await _stored_events(store, sender) == _expected_events(sender), sender
    assert await store.retrieve(OLD) is None
    assert await _customer_texts(store, REGULAR) == _texts("30일 전") + _texts("어제")
    # the session that began 6 minutes before the cutoff keeps its first message too
    assert await _customer_texts(store, STRADDLING) == _texts("기준일")
    assert (report.conversations, report.trimmed) == (1, 2)
    assert report.events == rows_before - _row_count(store.engine) > 0
    assert report.summary() == (
        "Removed 1 conversation(s) whose latest event is older than 2025-12-02 10:00 KST, and the old "
        f"sessions of 2 live conversation(s): {report.events} event(s)."
    )
    again = apply_retention(store.engine, DAYS, NOW)
    assert (again.conversations, again.trimmed, again.events) == (0, 0, 0)


async def test_the_bot_continues_a_live_conversation_after_retention(
    store: ConversationStore, store_url: str, domain: Domain
) -> None:
    """After retention the regular customer's latest session loads (in a restarted server too) and goes on."""
    apply_retention(store.engine, DAYS, NOW)
    restarted = ConversationStore(domain, host=store_url)
    rasas_own = SQLTrackerStore(domain, host=store_url)
    try:
        tracker = await restarted.retrieve(REGULAR)
        assert tracker.latest_message.text == _texts("어제")[-1]
        assert tracker.get_slot("topic") == "refund"
        assert await rasas_own.retrieve(REGULAR) == tracker

        tracker.update_with_events(_turn("오늘: 환불 들어왔어요", NOW.timestamp()), domain, override_timestamp=False)
        await restarted.save(tracker)

        assert await _customer_texts(restarted, REGULAR) == (
            _texts("30일 전") + _texts("어제") + ["오늘: 환불 들어왔어요"]
        )
    finally:
        restarted.engine.dispose()
        rasas_own.engine.dispose()


async def test_a_customer_who_writes_during_a_run_keeps_what_they_wrote(
    store: ConversationStore, domain: Domain
) -> None:
    """Messages saved between planning and deleting survive; only the planned rows go."""
    report = RetentionReport(CUTOFF)
    with store.engine.connect() as connection:
        with connection.begin():
            planned = plan_removals(connection, CUTOFF)
        assert {(removal.sender_id, removal.whole) for removal in planned} == {
            (OLD, True), (REGULAR, False), (STRADDLING, False)
        }
        # the old customer comes back (a new session), the regular one writes again
        coming_back = Session(NOW, ["돌아왔어요: 환불 아직이에요"], KAKAO_METADATA)
        for events in _session_turns(coming_back):
            await _save_turn(store, domain, OLD, events)
        await _save_turn(store, domain, REGULAR, _turn("지금: 또 문의해요", NOW.timestamp()))

        remove(connection, planned, report)

    assert await _customer_texts(store, OLD) == ["돌아왔어요: 환불 아직이에요"]
    assert (await store.retrieve(OLD)).latest_message.text == "돌아왔어요: 환불 아직이에요"
    assert await _customer_texts(store, REGULAR) == _texts("30일 전") + _texts("어제") + ["지금: 또 문의해요"]
    assert (report.conversations, report.trimmed) == (1, 2)


async def test_a_dry_run_deletes_nothing_and_counts_what_a_run_deletes(store: ConversationStore) -> None:
    """--dry-run reports exactly what the real run then removes, and leaves every row in place."""
    rows_before = _row_count(store.engine)
    texts_before = {sender: await _customer_texts(store, sender) for sender in CONVERSATIONS}

    dry = apply_retention(store.engine, DAYS, NOW, dry_run=True)

    assert _row_count(store.engine) == rows_before
    assert {sender: await _customer_texts(store, sender) for sender in CONVERSATIONS} == texts_before
    assert dry.summary().startswith("Would remove 1 conversation(s)")
    assert dry.summary().endswith("Nothing was deleted (--dry-run).")
    real = apply_retention(store.engine, DAYS, NOW)
    assert (dry.conversations, dry.trimmed, dry.events) == (real.conversations, real.trimmed, real.events)
    assert dry.events == rows_before - _row_count(store.engine)


async def test_zero_days_keeps_everything(store: ConversationStore) -> None:
    """TRACKER_RETENTION_DAYS=0 keeps even the 200-day-old session, and says so."""
    rows_before = _row_count(store.engine)

    report = apply_retention(store.engine, 0, NOW)

    assert _row_count(store.engine) == rows_before
    assert await _customer_texts(store, OLD) == _texts("200일 전") + _texts("120일 전")
    assert "kept forever" in report.summary()


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
async def test_a_second_run_at_once_on_postgresql_deletes_nothing(
    store: ConversationStore, store_url: str
) -> None:
    """Two servers starting together: while one run holds the lock the other says so and leaves the rows."""
    rows_before = _row_count(store.engine)
    other_server = sa.create_engine(store_url)
    try:
        with other_server.connect() as connection:
            connection.execute(sa.select(sa.func.pg_advisory_lock(ADVISORY_LOCK_KEY)))
            report = apply_retention(store.engine, DAYS, NOW)
    finally:
        other_server.dispose()  # closing its connection ends the other run's lock

    assert report.skipped and _row_count(store.engine) == rows_before
    assert report.summary() == (
        "Another retention run is in progress (another server); this one deleted nothing."
    )
    assert apply_retention(store.engine, DAYS, NOW).conversations == 1


async def test_rows_written_by_rasas_own_store_are_handled_alike(store_url: str, domain: Domain) -> None:
    """Conversations saved by Rasa's SQLTrackerStore (before ours was configured) get the same retention."""
    rasas_own = SQLTrackerStore(domain, host=store_url)
    try:
        await _store_conversations(rasas_own, domain)
        report = apply_retention(rasas_own.engine, DAYS, NOW)
        for sender in CONVERSATIONS:
            assert await _stored_events(rasas_own, sender) == _expected_events(sender), sender
        assert (report.conversations, report.trimmed) == (1, 2)
    finally:
        rasas_own.engine.dispose()


async def test_the_command_dry_run_prints_the_summary(
    store: ConversationStore, store_url: str, clock_file: Path
) -> None:
    """`make retention ARGS=--dry-run`: the store, the period, what would go; exit 0 and nothing deleted."""
    rows_before = _row_count(store.engine)
    expected = apply_retention(store.engine, DAYS, NOW, dry_run=True).events

    result = _command("--dry-run", "--db-url", store_url, env={"TRACKER_RETENTION_DAYS": str(DAYS)})

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("; retention: 90 days")
    assert lines[1] == (
        "Would remove 1 conversation(s) whose latest event is older than 2025-12-02 10:00 KST, and the old "
        f"sessions of 2 live conversation(s): {expected} event(s). Nothing was deleted (--dry-run)."
    )
    assert _row_count(store.engine) == rows_before


def test_the_command_with_no_sqlite_file_says_so_and_creates_none(tmp_path: Path) -> None:
    """Before the bot ever ran there is no SQLite file: the command says so, exits 0, creates no file."""
    missing = tmp_path / "never_started.db"

    result = _command("--db-url", f"sqlite:///{missing}")

    assert result.returncode == 0, result.stderr
    assert "No conversations stored yet" in result.stdout
    assert not missing.exists()


@pytest.mark.parametrize(
    "environment",
    [
        pytest.param({}, id="no-server"),
        pytest.param({"TRACKER_RETENTION_DAYS": "0"}, id="days-0"),
        pytest.param({"TRACKER_RETENTION_DAYS": ""}, id="days-empty"),
        pytest.param({"TRACKER_RETENTION_INTERVAL_HOURS": "0"}, id="interval-0"),
    ],
)
def test_no_job_starts_without_a_server_or_with_retention_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: Dict[str, str]
) -> None:
    """Scripts and tests that build a store start no job; with retention off not even a server does."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'rasa_tracker.db'}")
    app = Sanic(f"retention_off_{uuid.uuid4().hex}") if environment else None
    try:
        assert start_with_server(engine, app) is None
        if app is not None:
            assert app.get_task(TASK_NAME, raise_exception=False) is None
    finally:
        engine.dispose()
        if app is not None:
            Sanic._app_registry.pop(app.name, None)  # Sanic 21.12 has no unregister_app


PROBE = """
import sys
from sanic import Sanic
from paybot.retention_job import start_with_server
from rasa_runtime.tracker_store import ConversationStore

url, port = sys.argv[1], int(sys.argv[2])
app = Sanic("retention_probe")
app.get("/")(lambda request: None)  # Sanic refuses to start without a route

@app.before_server_start
async def open_store(app, loop):
    # what Rasa's load_agent_on_start does with endpoints.yml's tracker_store
    app.ctx.store = ConversationStore(None, host=url, retention_job=True)

@app.after_server_start
async def report(app, loop):
    print("job:", app.get_task("paybot.retention", raise_exception=False) is not None, flush=True)
    print("second job:", start_with_server(app.ctx.store.engine), flush=True)

app.run(host="127.0.0.1", port=port, access_log=False, motd=False)
"""


@pytest.mark.live
async def test_a_running_server_deletes_old_conversations_at_start_up(
    tmp_path: Path, domain: Domain, clock_file: Path
) -> None:
    """A Sanic server whose store has retention_job: true removes the old conversation as it starts."""
    url = f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    writer = ConversationStore(domain, host=url)
    await _store_conversations(writer, domain)
    log = tmp_path / "server.log"
    env = {**os.environ, "TRACKER_RETENTION_DAYS": "90", "TRACKER_RETENTION_INTERVAL_HOURS": "24"}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-c", PROBE, url, str(free_port())],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True,
        )
    try:
        deadline = time.monotonic() + 30
        while await _customer_texts(writer, OLD) and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            time.sleep(0.1)
        assert await _customer_texts(writer, OLD) == [], log.read_text()
        while "second job" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=15)
        writer.engine.dispose()
    output_text = log.read_text()
    assert "job: True" in output_text and "second job: None" in output_text, output_text
    reader = ConversationStore(domain, host=url)
    assert await _customer_texts(reader, REGULAR) == _texts("30일 전") + _texts("어제")
    reader.engine.dispose()


def test_retention_never_counts_from_later_than_the_real_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frozen clock in the past is used as is; one in the future (a demo) falls back to the real clock."""
    clock = tmp_path / "clock.txt"
    monkeypatch.setenv("PAYBOT_CLOCK_FILE", str(clock))
    clock.write_text(f"{NOW:%Y-%m-%d %H:%M}", encoding="utf-8")
    assert retention_now() == NOW

    clock.write_text("2999-12-25 11:00", encoding="utf-8")
    real = datetime.now(ZoneInfo(SEOUL))
    assert real <= retention_now() <= datetime.now(ZoneInfo(SEOUL))


async def test_a_future_demo_clock_deletes_nothing_still_within_the_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, domain: Domain
) -> None:
    """A conversation from 30 real days ago survives a run under a clock frozen a year ahead."""
    store = ConversationStore(domain, host=f"sqlite:///{tmp_path / 'rasa_tracker.db'}")
    month_ago = Session(datetime.now(ZoneInfo(SEOUL)) - timedelta(days=30), _texts("한 달 전"), KAKAO_METADATA)
    for events in _session_turns(month_ago):
        await _save_turn(store, domain, REGULAR, events)
    clock = tmp_path / "clock.txt"
    next_year = datetime.now(ZoneInfo(SEOUL)) + timedelta(days=365)
    clock.write_text(f"{next_year:%Y-%m-%d %H:%M}", encoding="utf-8")
    monkeypatch.setenv("PAYBOT_CLOCK_FILE", str(clock))

    report = apply_retention(store.engine, DAYS)

    assert report.cutoff <= cutoff_for(DAYS, datetime.now(ZoneInfo(SEOUL)))
    assert await _customer_texts(store, REGULAR) == _texts("한 달 전")
    store.engine.dispose()
