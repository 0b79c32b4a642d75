"""Where conversations are kept: Rasa's SQL tracker store, same tables and rows, less work per message.

``endpoints.yml`` names :class:`ConversationStore` for both the embedded SQLite file and PostgreSQL.
Rasa's ``SQLTrackerStore`` does work on every message that a profile of the bot under 20 concurrent
customers showed to be about a third of the Rasa server's time, all of it in the event loop, so every
other conversation waits for it. This subclass stores exactly the same rows and changes only how:

- **SQLite commits without an fsync per message.** Rasa opens the file in rollback-journal mode with
  ``synchronous=FULL``: two fsyncs per commit, about 20 ms on these disks, during which the server
  answers nobody. In WAL mode with ``synchronous=NORMAL`` a commit is an append to the write-ahead
  log (about 0.3 ms). The file can never be corrupted; a crash or restart of the bot loses nothing
  (the OS has the data); only a power cut or kernel crash can lose the last second or so of
  conversation turns. PostgreSQL (``make run-cluster``) is left with its own durability settings.
- **SQLite keeps its connection.** SQLAlchemy 1.4 opens a new SQLite connection for every session
  (``NullPool``): two opens and schema reads per message. A pooled connection saves about 1 ms each.
- **Saving does not count the stored events again.** Rasa runs a ``COUNT(*)`` over the conversation
  before every save to find which events are new. The store remembers, on the tracker it handed out,
  how many of its events are already in the database (only one server works on a conversation at a
  time: the lock store guarantees it), and falls back to Rasa's count for trackers it did not load.
- **Loading reads only the event column and resolves event classes once.** Rasa builds its ORM query
  anew and an ORM object per row and, for every event, walks all ``Event`` subclasses
  (``inspect.isabstract`` on each) to find the class for its type name: about 7% of the server's time.
  Here the SQL statements are built once per process (same rows, same order as Rasa's query) and the
  class per type name is looked up once per process.

Creating it also installs our changes to Rasa (:func:`rasa_runtime.patches.install`): Rasa creates the
tracker store named in ``endpoints.yml`` in every mode that serves customers (``rasa run``, ``rasa shell``,
the live tests), so the bounded action calls and the strict fail-safe store (:mod:`rasa_runtime.fail_safe`)
are active whichever channels run. PostgreSQL connections are checked before use (``pool_pre_ping``), so
connections broken by an outage are replaced instead of failing the next turn.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Dict, Iterable, List, Optional, Text, Type

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.pool import QueuePool

from paybot.retention_job import start_with_server
from paybot.settings import get_settings
from rasa_runtime import patches

logger = logging.getLogger(__name__)

# Attribute set on trackers this store loaded or saved: how many of their events are in the database.
STORED_EVENTS_ATTRIBUTE = "_paybot_stored_events"
# SQLite settings applied to every connection (see the module docstring for the durability trade-off).
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")

_MISSING = object()
_event_classes: Dict[Text, Optional[Type[Event]]] = {}


def event_class(type_name: Text) -> Optional[Type[Event]]:
    """The ``Event`` subclass for a stored type name, as Rasa resolves it, looked up once per name.

    Raises:
        ValueError: For an unknown type name, like Rasa.
    """
    found = _event_classes.get(type_name, _MISSING)
    if found is _MISSING:
        found = Event.resolve_by_type(type_name)
        _event_classes[type_name] = found
    return found  # type: ignore[return-value]


def deserialise_events(serialised: Iterable[Dict[Text, Any]]) -> List[Event]:
    """Events from their dictionaries, like ``rasa.shared.core.events.deserialise_events``."""
    events = []
    for parameters in serialised:
        type_name = parameters.get("event")
        if type_name is None:
            continue
        cls = event_class(type_name)
        event = cls._from_parameters(parameters) if cls is not None else None
        if event is None:
            logger.warning("Could not restore a stored event of type %r; skipped.", type_name)
        else:
            events.append(event)
    return events


def _tune_sqlite_connection(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


# Rasa's events table has no index on ``timestamp``; the console's figures for a day and the retention
# job's deletions look rows up by it.
TIMESTAMP_INDEX = "ix_events_timestamp"


def ensure_timestamp_index(engine: Any) -> None:
    """Adds the index on ``events.timestamp`` when it is missing (SQLite and PostgreSQL; idempotent).

    Two servers of a cluster starting together may race to create it; the loser only logs it.
    """
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {TIMESTAMP_INDEX} ON events (timestamp)"))
    except sa.exc.SQLAlchemyError as error:
        logger.warning("The index %s was not created (%s); another server may be creating it.",
                       TIMESTAMP_INDEX, error.__class__.__name__)


class ConversationStore(SQLTrackerStore):
    """Rasa's SQL tracker store with the per-message savings described in the module docstring."""

    def __init__(self, *args: Any, retention_job: bool = False, **kwargs: Any) -> None:
        """Connects like ``SQLTrackerStore``; a SQLite file then gets a pooled, WAL-mode connection.

        Without a database (no ``host``, ``dialect`` or ``db``: ``endpoints.yml`` names no ``url``), it
        connects to ``TRACKER_STORE_URL`` from :mod:`paybot.settings`.

        With ``retention_job`` (``endpoints.yml``), a store created by a running Rasa server also deletes
        old conversations at start-up and periodically: see :mod:`paybot.retention_job`. Rasa's behaviour
        is changed here, before its agent wraps this store: see :mod:`rasa_runtime.patches`.
        """
        patches.install()
        if len(args) <= 1 and kwargs.get("host") is None and not {"dialect", "db"} & kwargs.keys():
            # endpoints.yml names no url: the one reader of settings has it (TRACKER_STORE_URL or its
            # default), so a bare `rasa run` needs no environment for it.
            kwargs["host"] = get_settings().tracker_store_url
        super().__init__(*args, **kwargs)
        self._load_statements: Optional[Dict[bool, Any]] = None
        self._count_statement: Any = None
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            self.engine.dispose()
            # The pool hands a connection to one session at a time; the server may use it from
            # another thread than the one that opened it.
            self.engine = sa.create_engine(
                url, poolclass=QueuePool, connect_args={"check_same_thread": False}
            )
            sa.event.listen(self.engine, "connect", _tune_sqlite_connection)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        elif url.get_backend_name() == "postgresql":
            # Same pool as Rasa's, with every connection checked before use: after a database
            # restart or network loss the pooled connections are dead, and would fail one turn each.
            self.engine.dispose()
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        ensure_timestamp_index(self.engine)
        if retention_job:
            start_with_server(self.engine)

    def _statements(self) -> Dict[bool, Any]:
        """The load statements (latest session / all sessions), built once: Rasa rebuilds its ORM query
        and SQLAlchemy recomputes its cache key on every message."""
        if self._load_statements is None:
            events = self.SQLEvent.__table__
            sender = sa.bindparam("sender_id")
            # Same rows as SQLTrackerStore._event_query: events from the latest session start on, or all
            # events when the conversation never started a session.
            session_start = (
                sa.select(sa.func.max(events.c.timestamp))
                .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
                .scalar_subquery()
            )
            every_session = sa.select(events.c.data).where(events.c.sender_id == sender)
            latest_session = every_session.where(
                sa.or_(events.c.timestamp >= session_start, session_start.is_(None))
            )
            self._load_statements = {
                True: every_session.order_by(events.c.id),
                False: latest_session.order_by(events.c.id),
            }
            self._count_statement = sa.select(sa.func.count()).select_from(latest_session.subquery())
        return self._load_statements

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """Loads the conversation (its latest session unless all are asked for)."""
        statement = self._statements()[fetch_events_from_all_sessions]
        with self.engine.connect() as connection:
            rows = connection.execute(statement, {"sender_id": sender_id}).scalars().all()
        if not self.domain or not rows:
            return None
        events = deserialise_events(json.loads(data) for data in rows)
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            # What Rasa's save would count: the stored events of the latest session.
            setattr(tracker, STORED_EVENTS_ATTRIBUTE, len(rows))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Appends the tracker's events that are not stored yet, in one insert."""
        await self.stream_events(tracker)
        self._statements()
        stored = getattr(tracker, STORED_EVENTS_ATTRIBUTE, None)
        with self.engine.begin() as connection:
            if stored is None:
                stored = connection.execute(self._count_statement, {"sender_id": tracker.sender_id}).scalar()
            rows = [
                self._row(tracker.sender_id, event)
                for event in itertools.islice(tracker.events, stored, len(tracker.events))
            ]
            if rows:
                connection.execute(self.SQLEvent.__table__.insert(), rows)
        setattr(tracker, STORED_EVENTS_ATTRIBUTE, len(tracker.events))
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)

    @staticmethod
    def _row(sender_id: Text, event: Event) -> Dict[Text, Any]:
        """The ``events`` row Rasa's ``SQLTrackerStore.save`` writes for ``event``."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
