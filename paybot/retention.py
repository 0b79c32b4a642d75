"""How long conversations are kept: old ones are deleted from the tracker store.

Korea's Personal Information Protection Act (개인정보 보호법) asks that personal data be kept only as
long as its purpose needs and destroyed without delay afterwards. A support conversation's purpose is
answering the customer; the bot itself only ever reads a conversation's latest session (a session ends
after an hour without a message, ``domain/core.yml``). So, with ``TRACKER_RETENTION_DAYS`` days (90 by
default; 0 or empty keeps everything):

- a **conversation whose latest event is older** than the cutoff is deleted, every row of it;
- a **live conversation** (something newer than the cutoff) keeps the session its first recent event
  belongs to and every session after it, whole, old events included (a session starts at its
  ``action_session_start`` row, or at the channel's metadata row Rasa stores just before it: Kakao's, on
  every session); only its sessions that ended before the cutoff are deleted. Kakao user keys and the
  web page's session ids never change, so keeping a live conversation whole would keep a regular
  customer's first messages forever.

Rows are deleted, not anonymised: what a customer types is free text, and masking (``paybot.privacy``)
catches card, phone, account and resident numbers but not a name or an address in a sentence, so an
"anonymised" conversation could still identify its customer. Nothing in the bot needs old sessions.

Deleting never touches what a live conversation still uses. For each conversation the rows to delete
are chosen by id once (``plan_removals``) and then deleted by ``sender_id`` and ``id <`` that bound
(``remove``): every row of the bound's side is older than the cutoff, and rows a server saves meanwhile
get higher ids, so a customer who comes back during a run keeps what they just wrote. Two runs at once
(two servers starting together, or ``make retention`` while the bot runs) are harmless: on PostgreSQL
a session-level advisory lock lets one run at a time work and the other returns "skipped"; on SQLite
writes are serialised and a second run's deletes find nothing left to delete. Deletes go in small
transactions, so the bot's own saves never wait long.

``python -m paybot.retention [--dry-run]`` (``make retention``) runs it once; the Rasa server runs it at
start-up and every ``TRACKER_RETENTION_INTERVAL_HOURS`` (``paybot.retention_job``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator, List, Optional, Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url

from paybot import clock
from paybot.business_hours import SEOUL
from paybot.settings import PROJECT_ROOT, get_settings

logger = logging.getLogger(__name__)

# Rasa's ``events`` table (one row per event), as SQLTrackerStore defines it.
EVENTS = SQLTrackerStore.SQLEvent.__table__
# The row that opens every session: ActionExecuted(action_session_start), stored before SessionStarted.
ACTION_EVENT = "action"
SESSION_START_ACTION = "action_session_start"
# A session's metadata from the channel, stored as SlotSet just before its action_session_start row
# (the slot's name is in the action_name column).
SLOT_EVENT = "slot"
# Conversations deleted per transaction: short write transactions, so the bot's saves never wait long.
BATCH_SIZE = 100
# PostgreSQL advisory lock held by a run (any 64-bit number no other code of ours uses).
ADVISORY_LOCK_KEY = 7_061_796_241


@dataclass(frozen=True)
class Removal:
    """What is deleted from one conversation: its rows with ``id < below_id``.

    Attributes:
        sender_id: The conversation.
        below_id: Every row of it with a smaller id goes.
        events: How many rows that was when planned.
        whole: The whole conversation goes (its latest event is older than the cutoff).
    """

    sender_id: str
    below_id: int
    events: int
    whole: bool


@dataclass
class RetentionReport:
    """What one retention run removed (or, in a dry run, would remove).

    Attributes:
        cutoff: Events before this moment count as old; ``None`` when everything is kept.
        dry_run: Nothing was deleted, only counted.
        conversations: Conversations removed entirely.
        trimmed: Live conversations whose old sessions were removed.
        events: Rows (events) removed.
        skipped: Another run held the lock; this one did nothing.
    """

    cutoff: Optional[datetime]
    dry_run: bool = False
    conversations: int = 0
    trimmed: int = 0
    events: int = 0
    skipped: bool = False
    removals: List[Removal] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        """One line for the operator (CLI) or the server log."""
        if self.cutoff is None:
            return "TRACKER_RETENTION_DAYS is 0 or empty: conversations are kept forever; nothing deleted."
        if self.skipped:
            return "Another retention run is in progress (another server); this one deleted nothing."
        verb = "Would remove" if self.dry_run else "Removed"
        cutoff = self.cutoff.astimezone(ZoneInfo(SEOUL))
        text = (
            f"{verb} {self.conversations} conversation(s) whose latest event is older than "
            f"{cutoff:%Y-%m-%d %H:%M} KST, and the old sessions of {self.trimmed} live "
            f"conversation(s): {self.events} event(s)."
        )
        return text + (" Nothing was deleted (--dry-run)." if self.dry_run else "")


def retention_now() -> datetime:
    """The moment retention counts back from: the real clock, or a frozen one only if earlier.

    A frozen clock (``PAYBOT_CLOCK_FILE``, tests and demos) makes a run deterministic, but a demo set on
    a future date must not delete conversations the real retention period still keeps.
    """
    real = datetime.now(ZoneInfo(SEOUL))
    frozen = clock.frozen_now()
    return min(frozen, real) if frozen is not None else real


def cutoff_for(days: int, now: datetime) -> Optional[datetime]:
    """``days`` before ``now``, or ``None`` when ``days`` is 0 or less (keep forever)."""
    return now - timedelta(days=days) if days > 0 else None


def _has_events_table(connection: Connection) -> bool:
    return sa.inspect(connection).has_table(EVENTS.name)


def _opens_session(events: sa.Table) -> sa.sql.ColumnElement:
    """Rows that open a session before its ``action_session_start``: the channel's metadata (Kakao's on
    every session), which Rasa stores as ``SlotSet(session_started_metadata)`` just before it."""
    return sa.and_(
        events.c.type_name == SLOT_EVENT,
        sa.func.coalesce(events.c.action_name, "") == SESSION_START_METADATA_SLOT,
    )


def plan_removals(connection: Connection, cutoff: datetime) -> List[Removal]:
    """Which rows of which conversations are older than the retention allows (reads only)."""
    if not _has_events_table(connection):
        return []
    events, before = EVENTS, cutoff.timestamp()
    latest = sa.func.max(events.c.timestamp)
    whole = (
        sa.select(events.c.sender_id, sa.func.max(events.c.id), sa.func.count())
        .group_by(events.c.sender_id)
        .having(sa.or_(latest < before, latest.is_(None)))
    )
    removals = [
        Removal(sender_id, last_id + 1, count, whole=True)
        for sender_id, last_id, count in connection.execute(whole)
    ]
    # Live conversations: the first recent row, the session start at or before it, the rows before that
    # session (its leading metadata row belongs to it: Rasa stores that before the session start).
    opens_session = _opens_session(events)
    recent = (
        sa.select(events.c.sender_id, sa.func.min(events.c.id).label("first_recent"))
        .where(events.c.timestamp >= before, sa.not_(opens_session))
        .group_by(events.c.sender_id)
        .subquery()
    )
    starts = (
        sa.select(events.c.sender_id, sa.func.max(events.c.id).label("session_start"))
        .join(recent, recent.c.sender_id == events.c.sender_id)
        .where(
            events.c.type_name == ACTION_EVENT,
            events.c.action_name == SESSION_START_ACTION,
            events.c.id <= recent.c.first_recent,
        )
        .group_by(events.c.sender_id)
        .subquery()
    )
    bounds = (
        sa.select(events.c.sender_id, (sa.func.max(events.c.id) + 1).label("below"))
        .join(starts, sa.and_(starts.c.sender_id == events.c.sender_id, events.c.id < starts.c.session_start))
        .where(sa.not_(opens_session))
        .group_by(events.c.sender_id)
        .subquery()
    )
    old_sessions = (
        sa.select(events.c.sender_id, bounds.c.below, sa.func.count())
        .join(bounds, sa.and_(bounds.c.sender_id == events.c.sender_id, events.c.id < bounds.c.below))
        .group_by(events.c.sender_id, bounds.c.below)
    )
    removals += [
        Removal(sender_id, below, count, whole=False)
        for sender_id, below, count in connection.execute(old_sessions)
    ]
    return removals


def _batches(removals: Sequence[Removal]) -> Iterator[Sequence[Removal]]:
    for start in range(0, len(removals), BATCH_SIZE):
        yield removals[start : start + BATCH_SIZE]


def remove(connection: Connection, removals: Sequence[Removal], report: RetentionReport) -> None:
    """Deletes the planned rows, a batch of conversations per transaction, counting what went."""
    statement = EVENTS.delete().where(
        EVENTS.c.sender_id == sa.bindparam("sender"), EVENTS.c.id < sa.bindparam("below")
    )
    for batch in _batches(removals):
        with connection.begin():
            for removal in batch:
                deleted = connection.execute(
                    statement, {"sender": removal.sender_id, "below": removal.below_id}
                ).rowcount
                if deleted > 0:
                    report.events += deleted
                    if removal.whole:
                        report.conversations += 1
                    else:
                        report.trimmed += 1


def _count(report: RetentionReport, removals: Sequence[Removal]) -> None:
    report.removals = list(removals)
    report.events = sum(removal.events for removal in removals)
    report.conversations = sum(1 for removal in removals if removal.whole)
    report.trimmed = len(removals) - report.conversations


def _try_lock(connection: Connection) -> bool:
    """Takes the PostgreSQL advisory lock for this connection's session, if no other run holds it."""
    if connection.dialect.name != "postgresql":
        return True
    with connection.begin():
        return bool(connection.execute(sa.select(sa.func.pg_try_advisory_lock(ADVISORY_LOCK_KEY))).scalar())


def _unlock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        with connection.begin():
            connection.execute(sa.select(sa.func.pg_advisory_unlock(ADVISORY_LOCK_KEY)))


def apply_retention(
    engine: Engine, days: int, now: Optional[datetime] = None, dry_run: bool = False
) -> RetentionReport:
    """Deletes (or, with ``dry_run``, counts) what is older than ``days`` days before ``now``.

    Args:
        engine: The tracker store's database (SQLite or PostgreSQL).
        days: The retention period; 0 or less keeps everything.
        now: The moment to count back from; :func:`retention_now` by default.
        dry_run: Count only, delete nothing.
    """
    cutoff = cutoff_for(days, now or retention_now())
    report = RetentionReport(cutoff, dry_run)
    if cutoff is None:
        return report
    with engine.connect() as connection:
        if dry_run:
            with connection.begin():
                _count(report, plan_removals(connection, cutoff))
            return report
        if not _try_lock(connection):
            report.skipped = True
            return report
        try:
            with connection.begin():
                removals = plan_removals(connection, cutoff)
            report.removals = removals
            remove(connection, removals, report)
        finally:
            _unlock(connection)
    return report


def store_engine(url: str) -> Engine:
    """An engine for the tracker store at ``url``; a relative SQLite path is taken from the project root
    (where ``make`` runs the bot)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.is_absolute():
            parsed = parsed.set(database=str(PROJECT_ROOT / path))
    kwargs = create_engine_kwargs(parsed) if parsed.get_backend_name() == "postgresql" else {}
    return sa.create_engine(parsed, **kwargs)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m paybot.retention``: one run on the configured tracker store; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m paybot.retention", description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    parser.add_argument("--db-url", help="tracker store URL (default: TRACKER_STORE_URL / TRACKER_DB)")
    parser.add_argument("--days", type=int, help="retention period in days (default: TRACKER_RETENTION_DAYS)")
    args = parser.parse_args(argv)
    settings = get_settings()
    url = args.db_url or settings.tracker_store_url
    days = settings.tracker_retention_days if args.days is None else args.days
    engine = store_engine(url)
    print(f"Tracker store: {engine.url.render_as_string(hide_password=True)}; retention: "
          + (f"{days} days" if days > 0 else "forever"))
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not Path(database).exists():
        print("No conversations stored yet (the SQLite file does not exist); nothing to do.")
        return 0
    try:
        report = apply_retention(engine, days, dry_run=args.dry_run)
    except sa.exc.SQLAlchemyError as error:
        print(f"Cannot read the tracker store: {str(error).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
