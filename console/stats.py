"""The dashboard's figures for a period and a channel, each one aggregate query over the tracker store.

Per conversation (GROUP BY sender_id over the period's events, :mod:`console.signals` for what counts as
a hand-off, a clarification ...), then summed: the database does the counting, so 100,000 conversations
are a few queries, not 100,000 rows sent to Python (``make console-bench`` measures it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.filters import Period
from console.signals import ANSWER_INTENTS, Signals, slot_is
from console.tracker import (
    EVENTS,
    SLOT,
    USER,
    channel_expression,
    hour_of_day_kst,
    in_period,
    relevant_rows,
    row_channel_is,
)
from paybot.dialogue.state import FEEDBACK_COMMENT, SKIPPED
from paybot.privacy import mask

# How many topics and comments the dashboard lists.
TOP_TOPICS = 8
MAX_COMMENTS = 10


@dataclass(frozen=True)
class Comment:
    """What a customer wrote after the rating (masked), and the conversation's rating."""

    at: float
    sender_id: str
    text: str
    rating: Optional[int]


@dataclass
class Dashboard:
    """What the dashboard shows; rates are shares (0-1) or ``None`` when there is nothing to divide by."""

    conversations: int = 0
    messages: int = 0
    resolved: int = 0
    helped: int = 0
    handed_off: int = 0
    clarifications: int = 0
    rated: int = 0
    average_rating: Optional[float] = None
    topics: List[Tuple[str, int]] = field(default_factory=list)
    hours: List[int] = field(default_factory=lambda: [0] * 24)
    comments: List[Comment] = field(default_factory=list)

    def share(self, count: int, of: Optional[int] = None) -> Optional[float]:
        """``count`` as a share of the conversations (or of ``of``)."""
        whole = self.conversations if of is None else of
        return count / whole if whole else None


def _per_conversation(signals: Signals, period: Period) -> Any:
    events = EVENTS.c
    return (
        sa.select(
            events.sender_id.label("sender_id"), channel_expression().label("channel"),
            signals.messages.label("messages"), signals.handed_off.label("handed_off"),
            signals.helped.label("helped"), signals.clarifications.label("clarifications"),
            signals.rating.label("rating"),
        )
        .where(relevant_rows(), *in_period(period.bounds()))
        .group_by(events.sender_id)
        .having(signals.messages > 0)
        .subquery()
    )


def compute_dashboard(engine: Engine, signals: Signals, period: Period, channel: str, topics: List[str]) -> Dashboard:
    """Every figure of the dashboard for ``period`` and ``channel`` ("" for all channels).

    Args:
        engine: The tracker store.
        signals: The per-conversation aggregates.
        period: KST days.
        channel: web, kakao, rest or "".
        topics: The guide's topics (intent names) to rank: conversations in which the customer asked about each.
    """
    per = _per_conversation(signals, period)
    totals = sa.select(
        sa.func.count(), sa.func.sum(per.c.messages), sa.func.sum(per.c.handed_off), sa.func.sum(per.c.helped),
        sa.func.sum(sa.case((sa.or_(per.c.helped == 1, per.c.handed_off == 0), 1), else_=0)),
        sa.func.sum(per.c.clarifications), sa.func.count(per.c.rating), sa.func.avg(per.c.rating),
    ).where(*([per.c.channel == channel] if channel else []))
    events = EVENTS.c
    said = [events.type_name == USER, *in_period(period.bounds()), *([row_channel_is(channel)] if channel else [])]
    hour = hour_of_day_kst(engine, events.timestamp).label("hour")
    hourly = sa.select(hour, sa.func.count()).where(*said).group_by(hour)
    asked = (
        sa.select(events.intent_name, sa.func.count(sa.distinct(events.sender_id)))
        .where(*said, events.intent_name.in_([topic for topic in topics if topic not in ANSWER_INTENTS]))
        .group_by(events.intent_name)
    )
    with engine.connect() as connection:
        row = connection.execute(totals).one()
        hours = list(connection.execute(hourly))
        counts = [(str(topic), int(count)) for topic, count in connection.execute(asked)]
    dashboard = Dashboard(
        conversations=int(row[0] or 0), messages=int(row[1] or 0), handed_off=int(row[2] or 0),
        helped=int(row[3] or 0), resolved=int(row[4] or 0), clarifications=int(row[5] or 0),
        rated=int(row[6] or 0), average_rating=float(row[7]) if row[7] is not None else None,
    )
    dashboard.topics = sorted(counts, key=lambda item: (-item[1], item[0]))[:TOP_TOPICS]
    for hour_value, count in hours:
        dashboard.hours[int(hour_value) % 24] += int(count)
    dashboard.comments = latest_comments(engine, signals, period, channel)
    return dashboard


def latest_comments(engine: Engine, signals: Signals, period: Period, channel: str) -> List[Comment]:
    """The latest customers' comments in the period (and channel), newest first, personal data masked."""
    events = EVENTS.c
    written = (
        sa.select(events.sender_id, events.timestamp, events.data)
        .where(events.type_name == SLOT, events.action_name == FEEDBACK_COMMENT, *in_period(period.bounds()),
               sa.not_(slot_is(FEEDBACK_COMMENT, None)), sa.not_(slot_is(FEEDBACK_COMMENT, SKIPPED)))
        .order_by(events.id.desc()).limit(MAX_COMMENTS * 5)
    )
    with engine.connect() as connection:
        rows = list(connection.execute(written))
        senders = sorted({row.sender_id for row in rows})
        per = (
            sa.select(events.sender_id, channel_expression().label("channel"), signals.rating.label("rating"))
            .where(events.sender_id.in_(senders), relevant_rows()).group_by(events.sender_id)
        )
        about = {row.sender_id: row for row in connection.execute(per)} if senders else {}
    comments = []
    for row in rows:
        conversation = about.get(row.sender_id)
        if channel and (conversation is None or conversation.channel != channel):
            continue
        value = json.loads(row.data or "{}").get("value")
        if isinstance(value, str) and value.strip():
            comments.append(Comment(float(row.timestamp or 0), row.sender_id, mask(value.strip()),
                                    conversation.rating if conversation is not None else None))
    return comments[:MAX_COMMENTS]
