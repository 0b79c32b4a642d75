"""Teaching from the console: the inbox queues, labelling and new phrasings through the trainer's checks,
and the change log with undo.

Every addition goes through :class:`trainer.adding.Teacher` (the checks of ``python -m trainer add``: unknown
intents, duplicates, clashes with other intents, test sentences refused, near-duplicates warned about),
built afresh for each change so it sees the data as it is now. Each written sentence is logged in the
console's store (who, when, which intent, file and line); undo removes exactly that line, and refuses when
the line is no longer what was written.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

import sqlalchemy as sa

from console.signals import ANSWER_INTENTS, slot_is
from console.tracker import EVENTS, USER
from paybot.dialogue.state import FEEDBACK_RATING
from paybot.privacy import mask
from trainer.adding import AddOutcome, Teacher
from trainer.nlu_files import EXAMPLE_PREFIX, NluFileError
from trainer.project import Project
from trainer.tracker_messages import UnclearMessage, scan_tracker_store, tracker_url

LABEL, ADD = "label", "add"
_write_lock = threading.Lock()


@dataclass(frozen=True)
class Change:
    """One sentence written to the training data from the console."""

    id: int
    at: float
    user: str
    kind: str
    intent: str
    sentence: str
    path: str
    line: int
    undone_at: Optional[float]
    undone_by: Optional[str]


@dataclass
class Inbox:
    """The three queues."""

    not_understood: List[UnclearMessage]
    unsure: List[UnclearMessage]
    rated_unhelpful: List[str]


def read_inbox(project: Project, url: str, threshold: float) -> Inbox:
    """The messages to label: fallbacks, low-confidence ones and the questions of conversations rated 1-2.

    Raises:
        trainer.tracker_messages.TrackerStoreError: The store cannot be read.
    """
    teacher = Teacher(project)
    known = [example.text for example in teacher.index.examples]
    full_url = tracker_url(url, project.root)
    scan = scan_tracker_store(full_url, threshold, mask, known)
    return Inbox(
        not_understood=[message for message in scan.messages if message.fallback],
        unsure=[message for message in scan.messages if not message.fallback],
        rated_unhelpful=_rated_unhelpful(full_url, set(known)),
    )


def _rated_unhelpful(url: str, known: set) -> List[str]:
    """Distinct customer questions (no button payloads, no answers to the bot) of conversations rated 1 or 2."""
    events = EVENTS.c
    low = sa.select(events.sender_id).where(sa.or_(slot_is(FEEDBACK_RATING, 1), slot_is(FEEDBACK_RATING, 2)))
    query = (
        sa.select(events.data).where(
            events.type_name == USER, events.sender_id.in_(low), events.intent_name.notin_(ANSWER_INTENTS))
        .order_by(events.id.desc()).limit(500)
    )
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(query).scalars().all()
    finally:
        engine.dispose()
    found: List[str] = []
    for raw in rows:
        text = mask(str(json.loads(raw or "{}").get("text") or "")).strip()
        if text and not text.startswith("/") and text not in known and text not in found:
            found.append(text)
    return found


def teach(db: sqlite3.Connection, project: Project, user: str, kind: str, intent: str,
          sentences: Sequence[str]) -> AddOutcome:
    """Adds ``sentences`` to ``intent`` through the trainer's checks and logs what was written.

    Raises:
        NluFileError: The file could not be changed without touching more than the new lines.
    """
    with _write_lock:
        outcome = Teacher(project).add(intent, sentences)
        if outcome.added and outcome.path is not None and outcome.first_line is not None:
            relative = project.relative(outcome.path)
            for offset, sentence in enumerate(outcome.added):
                db.execute(
                    "INSERT INTO changes (at, user_name, kind, intent, sentence, path, line) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (time.time(), user, kind, intent, sentence, relative, outcome.first_line + offset),
                )
    return outcome


def recent_changes(db: sqlite3.Connection, limit: int = 50) -> List[Change]:
    """The latest changes, newest first."""
    rows = db.execute(
        "SELECT id, at, user_name, kind, intent, sentence, path, line, undone_at, undone_by FROM changes "
        "ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [Change(*row) for row in rows]


def undo(db: sqlite3.Connection, project: Project, change_id: int, user: str) -> Change:
    """Removes the sentence a change wrote (its exact line) and marks the change undone.

    Raises:
        NluFileError: The change is unknown or already undone, or the line is no longer what was written.
    """
    with _write_lock:
        row = db.execute(
            "SELECT id, at, user_name, kind, intent, sentence, path, line, undone_at, undone_by FROM changes WHERE id = ?",
            (change_id,)).fetchone()
        if row is None:
            raise NluFileError("그런 변경 기록이 없어요.")
        change = Change(*row)
        if change.undone_at is not None:
            raise NluFileError(f"이미 {change.undone_by} 님이 되돌린 변경이에요.")
        _remove_line(project.root / change.path, change.sentence)
        # Later changes to the same file below this line moved up by one.
        db.execute("UPDATE changes SET line = line - 1 WHERE path = ? AND line > ? AND undone_at IS NULL",
                   (change.path, change.line))
        db.execute("UPDATE changes SET undone_at = ?, undone_by = ? WHERE id = ?", (time.time(), user, change_id))
    return change


def _remove_line(path: Path, sentence: str) -> None:
    """Deletes the one ``- sentence`` example line of ``path``; every other byte stays."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except OSError as error:
        raise NluFileError(f"{path.name} 파일을 읽을 수 없어요.") from error
    matches = [index for index, line in enumerate(lines) if line.strip() == f"{EXAMPLE_PREFIX}{sentence}"]
    if len(matches) != 1:
        raise NluFileError(
            f"{path.name}에서 \"{sentence}\" 줄을 {'찾을 수 없어요' if not matches else '여러 개 찾았어요'}. "
            "이미 지워졌거나 다른 사람이 고쳤을 수 있어요. 개발자에게 알려 주세요.")
    del lines[matches[0]]
    mode = path.stat().st_mode & 0o777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
        stream.write("".join(lines))
    os.chmod(temporary, mode)
    os.replace(temporary, path)
