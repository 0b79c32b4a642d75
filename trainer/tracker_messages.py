"""Customer messages the bot did not understand, read from Rasa's SQL tracker store.

Rasa's ``SQLTrackerStore`` keeps every event in one ``events`` table (``sender_id``, ``type_name``,
``timestamp``, ``intent_name``, ``action_name``, ``data`` as JSON), in SQLite by default and in
PostgreSQL when ``TRACKER_STORE_URL`` says so; SQLAlchemy (which Rasa ships) reads both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from trainer.project import FALLBACK_INTENT

USER_EVENT = "user"
ACTIVE_LOOP_EVENT = "active_loop"
SLOT_EVENT = "slot"
# The bot's own questions whose answers are for it, not for the NLU (paybot.dialogue's ``pending`` slot).
PENDING_SLOT = "pending"
QUESTION_STATES = frozenset({"case_when", "case_feature", "case_error", "rating", "comment"})


class TrackerStoreError(RuntimeError):
    """The tracker store cannot be read."""


@dataclass
class UnclearMessage:
    """One distinct customer message the bot was unsure about (masked).

    Attributes:
        text: What the customer wrote, personal data masked.
        timestamp: When it was last sent (Unix time).
        intent: What the bot decided (``nlu_fallback`` or a low-confidence intent).
        confidence: The confidence of that decision.
        ranking: The likeliest real intents with their confidences, best first.
        times: How many times customers sent exactly this.
        senders: The conversations it came from.
    """

    text: str
    timestamp: float
    intent: str
    confidence: float
    ranking: List[Tuple[str, float]] = field(default_factory=list)
    times: int = 1
    senders: List[str] = field(default_factory=list)

    @property
    def fallback(self) -> bool:
        """The bot gave up on it (nlu_fallback)."""
        return self.intent == FALLBACK_INTENT

    @property
    def guess(self) -> str:
        """The likeliest real intent (the group it is listed under)."""
        if not self.fallback:
            return self.intent
        return self.ranking[0][0] if self.ranking else FALLBACK_INTENT


@dataclass
class InboxScan:
    """What reading the tracker store found."""

    messages: List[UnclearMessage] = field(default_factory=list)
    form_answers: int = 0
    already_examples: int = 0


def tracker_url(url: str, project_root: Path) -> str:
    """``url`` with a relative SQLite path made absolute against the project (where Rasa runs)."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.is_absolute():
            return str(parsed.set(database=str(project_root / path)))
    return url


def describe_url(url: str) -> str:
    """The URL with any password hidden, for printing."""
    return make_url(url).render_as_string(hide_password=True)


def _rows(url: str) -> List[Any]:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        if not parsed.database or not Path(parsed.database).exists():
            raise TrackerStoreError(f"대화 기록 파일이 없어요: {parsed.database}")
        # Read-only, so a wrong path never creates an empty database.
        url = f"sqlite:///file:{parsed.database}?mode=ro&uri=true"
    engine = sa.create_engine(url)
    query = sa.text(
        "SELECT id, sender_id, type_name, timestamp, data FROM events "
        "WHERE type_name IN (:user, :loop, :slot) ORDER BY sender_id, id"
    )
    try:
        with engine.connect() as connection:
            return list(connection.execute(query, {"user": USER_EVENT, "loop": ACTIVE_LOOP_EVENT, "slot": SLOT_EVENT}))
    except sa.exc.SQLAlchemyError as error:
        raise TrackerStoreError(f"대화 기록을 읽을 수 없어요 ({describe_url(url)}): {error.__class__.__name__}") from error
    finally:
        engine.dispose()


def _ranking(parse_data: Dict[str, Any]) -> List[Tuple[str, float]]:
    return [
        (str(entry.get("name")), float(entry.get("confidence") or 0.0))
        for entry in parse_data.get("intent_ranking") or []
        if entry.get("name") and entry.get("name") != FALLBACK_INTENT
    ]


def scan_tracker_store(
    url: str,
    threshold: float,
    mask: Callable[[str], str],
    known_examples: Iterable[str] = (),
    include_form_answers: bool = False,
) -> InboxScan:
    """Finds the customer messages that hit nlu_fallback or scored below ``threshold``.

    Args:
        url: SQLAlchemy URL of the tracker store.
        threshold: Confidence below which a message counts as unclear.
        mask: Hides personal data; applied before anything else looks at a text.
        known_examples: Texts already in the training data (labelled earlier): left out.
        include_form_answers: Keep answers given while a form was asking its questions
            ("어제요" for "언제였나요?"), which the form, not the NLU, was meant to understand.

    Returns:
        Distinct messages (same masked text counted once), newest first, and what was left out.

    Raises:
        TrackerStoreError: The store is missing or cannot be read.
    """
    known = {text.strip() for text in known_examples}
    scan = InboxScan()
    found: Dict[str, UnclearMessage] = {}
    active_sender, loop_active = None, False
    for _, sender_id, type_name, timestamp, raw in _rows(url):
        if sender_id != active_sender:
            active_sender, loop_active = sender_id, False
        data = json.loads(raw or "{}")
        if type_name == ACTIVE_LOOP_EVENT:
            loop_active = bool(data.get("name"))
            continue
        if type_name == SLOT_EVENT:
            if data.get("name") == PENDING_SLOT:
                loop_active = data.get("value") in QUESTION_STATES
            continue
        text = mask(str(data.get("text") or "")).strip()
        parse_data = data.get("parse_data") or {}
        intent = (parse_data.get("intent") or {}).get("name") or ""
        confidence = float((parse_data.get("intent") or {}).get("confidence") or 0.0)
        if not text or text.startswith("/") or not intent:
            continue  # button payloads and empty messages
        if intent != FALLBACK_INTENT and confidence >= threshold:
            continue
        if loop_active and not include_form_answers:
            scan.form_answers += 1
            continue
        if text in known:
            scan.already_examples += 1
            continue
        message = found.get(text)
        if message is None:
            found[text] = UnclearMessage(text, float(timestamp or 0.0), intent, confidence, _ranking(parse_data),
                                         senders=[sender_id])
            continue
        message.times += 1
        if sender_id not in message.senders:
            message.senders.append(sender_id)
        if float(timestamp or 0.0) > message.timestamp:
            message.timestamp, message.intent, message.confidence = float(timestamp), intent, confidence
            message.ranking = _ranking(parse_data)
    scan.messages = sorted(found.values(), key=lambda message: -message.timestamp)
    return scan


def group_by_guess(messages: Sequence[UnclearMessage]) -> List[Tuple[str, List[UnclearMessage]]]:
    """Messages grouped by the likeliest intent; groups ordered by their newest message, newest first."""
    groups: Dict[str, List[UnclearMessage]] = {}
    for message in sorted(messages, key=lambda message: -message.timestamp):
        groups.setdefault(message.guess, []).append(message)
    return list(groups.items())
