"""The conversation list (search) and one conversation turn by turn, from the tracker store.

A conversation is everything one sender id (a browser's session id, a Kakao user key, a REST sender) said
in the period searched. The list is filtered and paged in SQL; only the page shown is read in full.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.filters import Search
from console.signals import Signals, topic_is
from console.tracker import BOT, EVENTS, SLOT, USER, channel_expression, contains, in_period, relevant_rows
from paybot.dialogue.state import TOPIC
from paybot.privacy import mask

PAGE_SIZE = 50


@dataclass
class ConversationRow:
    """One line of the list."""

    sender_id: str
    first_at: float
    last_at: float
    channel: str
    messages: int
    handed_off: bool
    low_confidence: bool
    rating: Optional[int]
    first_text: str = ""
    topics: List[str] = field(default_factory=list)


@dataclass
class SearchResult:
    """A page of the list and how many conversations matched in all."""

    rows: List[ConversationRow]
    total: int
    page: int

    @property
    def pages(self) -> int:
        """How many pages the matches fill."""
        return max(1, -(-self.total // PAGE_SIZE))


def _flag(condition: Any) -> Any:
    return sa.func.max(sa.case((condition, 1), else_=0))


def search_conversations(engine: Engine, signals: Signals, search: Search) -> SearchResult:
    """The conversations matching ``search``, newest first, one page of them."""
    events = EVENTS.c
    channel = channel_expression().label("channel")
    grouped = (
        sa.select(
            events.sender_id, sa.func.min(events.timestamp).label("first_at"),
            sa.func.max(events.timestamp).label("last_at"), channel,
            signals.messages.label("messages"), signals.handed_off.label("handed_off"),
            signals.low_confidence.label("low_confidence"), signals.rating.label("rating"),
        )
        .where(relevant_rows(), *in_period(search.period.bounds()))
        .group_by(events.sender_id)
        .having(signals.messages > 0)
    )
    if search.text:
        grouped = grouped.having(_flag(sa.and_(events.type_name == USER, contains(events.data, search.text))) == 1)
    if search.topic:
        grouped = grouped.having(_flag(topic_is(search.topic)) == 1)
    if search.handed_off:
        grouped = grouped.having(signals.handed_off == 1)
    if search.resolved:
        grouped = grouped.having(sa.or_(signals.helped == 1, signals.handed_off == 0))
    if search.low_confidence:
        grouped = grouped.having(signals.low_confidence == 1)
    if search.low_rating:
        grouped = grouped.having(signals.rating <= 2)
    matches = grouped.subquery()
    chosen = [matches.c.channel == search.channel] if search.channel else []
    # One pass over the events: the page's rows carry the number of all matches (a window count).
    page = (
        sa.select(matches, sa.func.count().over().label("total")).where(*chosen)
        .order_by(matches.c.last_at.desc(), matches.c.sender_id).limit(PAGE_SIZE).offset((search.page - 1) * PAGE_SIZE)
    )
    with engine.connect() as connection:
        found = list(connection.execute(page))
        if found:
            total = int(found[0].total)
        else:  # past the last page (or nothing at all): count on its own
            total = int(connection.execute(
                sa.select(sa.func.count()).select_from(sa.select(matches).where(*chosen).subquery())).scalar() or 0)
        rows = [ConversationRow(
            row.sender_id, float(row.first_at or 0), float(row.last_at or 0), row.channel, int(row.messages or 0),
            bool(row.handed_off), bool(row.low_confidence), row.rating,
        ) for row in found]
        _add_details(connection, rows, search)
    return SearchResult(rows, total, search.page)


def _add_details(connection: Any, rows: Sequence[ConversationRow], search: Search) -> None:
    """The first customer message and the topics of the conversations on the page."""
    by_sender = {row.sender_id: row for row in rows}
    if not by_sender:
        return
    events = EVENTS.c
    query = (
        sa.select(events.sender_id, events.type_name, events.data)
        .where(events.sender_id.in_(list(by_sender)), *in_period(search.period.bounds()),
               sa.or_(events.type_name == USER, sa.and_(events.type_name == SLOT, events.action_name == TOPIC)))
        .order_by(events.id)
    )
    for sender_id, type_name, raw in connection.execute(query):
        row, data = by_sender[sender_id], json.loads(raw or "{}")
        if type_name == USER and not row.first_text:
            row.first_text = mask(str(data.get("text") or ""))
        elif type_name == SLOT and data.get("value") and data["value"] not in row.topics:
            row.topics.append(str(data["value"]))


@dataclass
class Turn:
    """One customer message and what the bot did with it."""

    at: float
    text: str
    intent: str = ""
    confidence: Optional[float] = None
    tapped: Optional[str] = None  # the button's title, when the message was a button tap
    replies: List[Dict[str, Any]] = field(default_factory=list)
    session_start: bool = False


@dataclass
class Conversation:
    """A whole conversation, every session."""

    sender_id: str
    turns: List[Turn]
    opening: List[Dict[str, Any]] = field(default_factory=list)  # bot messages before the first customer one


def _buttons(data: Dict[str, Any]) -> List[Tuple[str, str]]:
    buttons = (data.get("data") or {}).get("buttons") or []
    return [(str(button.get("title", "")), str(button.get("payload", ""))) for button in buttons if isinstance(button, dict)]


def load_conversation(engine: Engine, sender_id: str) -> Optional[Conversation]:
    """Every turn of ``sender_id``'s conversation, or ``None`` when the store has none."""
    events = EVENTS.c
    query = (
        sa.select(events.type_name, events.timestamp, events.data)
        .where(events.sender_id == sender_id, events.type_name.in_([USER, BOT, "session_started"]))
        .order_by(events.id)
    )
    with engine.connect() as connection:
        rows = list(connection.execute(query))
    if not rows:
        return None
    conversation = Conversation(sender_id, [])
    offered: List[Tuple[str, str]] = []
    new_session = False
    for type_name, timestamp, raw in rows:
        data = json.loads(raw or "{}")
        if type_name == "session_started":
            new_session = bool(conversation.turns)
            continue
        if type_name == BOT:
            reply = {"text": str(data.get("text") or ""), "buttons": [title for title, _ in _buttons(data)]}
            (conversation.turns[-1].replies if conversation.turns else conversation.opening).append(reply)
            offered = _buttons(data) or offered
            continue
        parse = data.get("parse_data") or {}
        intent = parse.get("intent") or {}
        text = mask(str(data.get("text") or ""))
        tapped = next((title for title, payload in offered if payload == text), None)
        conversation.turns.append(Turn(
            float(timestamp or 0), text, str(intent.get("name") or ""),
            float(intent["confidence"]) if intent.get("confidence") is not None else None,
            tapped, session_start=new_session,
        ))
        offered, new_session = [], False
    return conversation
