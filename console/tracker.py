"""Reading Rasa's ``events`` table (rasa_runtime/tracker_store.py) with SQLAlchemy, on SQLite and PostgreSQL.

Rasa writes one row per event: ``sender_id``, ``type_name`` (user, bot, slot, ...), ``timestamp`` (Unix
time), ``intent_name`` (user events), ``action_name`` (the action, or the slot's name for slot events) and
``data``, the event as JSON written with ``json.dumps``: non-ASCII text is stored as ``\\uXXXX`` escapes,
so a search for Korean text compares against the escaped form (:func:`json_fragment`). The console only
reads; a SQLite file is opened read-only, so a wrong path never creates an empty store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from trainer.tracker_messages import tracker_url

EVENTS = sa.Table(
    "events", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
USER, BOT, SLOT = "user", "bot", "slot"
KAKAO_PREFIX = "kakao:"
# The channels as the console names them, and how each is recognised.
WEB, KAKAO, REST = "web", "kakao", "rest"
CHANNEL_LABELS = {WEB: "웹 채팅", KAKAO: "카카오톡", REST: "REST"}
# Seoul has no daylight saving time: KST is always UTC+9.
KST_OFFSET_S = 9 * 3600


class TrackerUnavailable(RuntimeError):
    """The tracker store cannot be read; the message says so in Korean."""


def open_tracker(url: str, project_root: Path) -> Engine:
    """An engine for the tracker store at ``url`` (a relative SQLite path is the project's).

    Raises:
        TrackerUnavailable: A SQLite file that does not exist.
    """
    url = tracker_url(url, project_root)
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        if not parsed.database or not Path(parsed.database).exists():
            raise TrackerUnavailable(f"대화 기록 파일이 아직 없어요: {parsed.database}")
        return sa.create_engine(f"sqlite:///file:{parsed.database}?mode=ro&uri=true")
    return sa.create_engine(url, pool_pre_ping=True)


def json_fragment(value: Any) -> str:
    """``value`` as ``json.dumps`` writes it inside Rasa's ``data`` column (a string without its quotes)."""
    text = json.dumps(value)
    return text[1:-1] if isinstance(value, str) else text


def contains(column: Any, value: Any) -> Any:
    """``column LIKE '%value%'`` with ``value`` JSON-escaped and LIKE's wildcards escaped."""
    return column.contains(json_fragment(value), autoescape=True)


def hour_of_day_kst(engine: Engine, timestamp: Any) -> Any:
    """The KST hour (0-23) of a Unix-time column, as an SQL expression for the engine's dialect."""
    shifted = (timestamp + KST_OFFSET_S) / 3600
    if engine.dialect.name == "postgresql":
        whole = sa.cast(sa.func.floor(shifted), sa.Integer)
    else:
        whole = sa.cast(shifted, sa.Integer)  # SQLite's CAST truncates; timestamps are positive
    return whole % 24


def in_period(bounds: Tuple[Optional[float], Optional[float]]) -> List[Any]:
    """The WHERE clauses keeping the events between ``bounds`` (Unix times; ``None`` = open)."""
    start, end = bounds
    clauses = []
    if start is not None:
        clauses.append(EVENTS.c.timestamp >= start)
    if end is not None:
        clauses.append(EVENTS.c.timestamp < end)
    return clauses


def relevant_rows() -> Any:
    """The rows the console's aggregates look at: customer and bot messages and the slots it reads.

    Leaves out the bookkeeping rows (actions, featurization, ``last_reply`` ...), more than half of a store.
    """
    events = EVENTS.c
    return sa.or_(
        events.type_name.in_([USER, BOT]),
        sa.and_(events.type_name == SLOT, events.action_name.in_(["pending", "topic", "feedback_rating"])),
    )


def row_channel_is(channel: str) -> Any:
    """A customer-message row that came in on ``channel`` (its own sender id and input_channel)."""
    events = EVENTS.c
    kakao = sa.or_(events.sender_id.like(f"{KAKAO_PREFIX}%"), events.data.contains('"input_channel": "kakao"'))
    web = events.data.contains('"input_channel": "socketio"')
    if channel == KAKAO:
        return kakao
    if channel == WEB:
        return sa.and_(sa.not_(kakao), web)
    return sa.and_(sa.not_(kakao), sa.not_(web))


def channel_expression() -> Any:
    """Per conversation (in a GROUP BY sender_id): web, kakao or rest, from the sender id and input_channel."""
    events = EVENTS.c
    said = sa.and_(events.type_name == USER)
    socketio = sa.func.max(sa.case((sa.and_(said, events.data.contains('"input_channel": "socketio"')), 1), else_=0))
    kakao = sa.func.max(sa.case((sa.and_(said, events.data.contains('"input_channel": "kakao"')), 1), else_=0))
    return sa.case(
        (sa.func.min(events.sender_id).like(f"{KAKAO_PREFIX}%"), KAKAO),
        (kakao == 1, KAKAO),
        (socketio == 1, WEB),
        else_=REST,
    )
