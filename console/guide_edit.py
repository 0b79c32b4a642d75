"""Editing the support guide (``content/guide.yml``) from the console: the entries, checks, preview,
saving with the file's comments kept, and the change history with undo.

What staff may change are the texts: each topic's button label and answer, and each message. The
structure (which topics and messages exist, the hours, the flags) stays in the file, where the comments
explain it. An edit is checked exactly as the bot will read it: the whole file is parsed with the edit in
place by :func:`paybot.guide.parse_guide_text`, and a placeholder nothing fills (``{phnoe}``) or a lone
brace is refused with the entry's key named. Saving writes the file atomically; the bot re-reads it on its
next message (``load_guide`` watches the file), so no restart is needed.
"""

from __future__ import annotations

import io
import os
import re
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from paybot.business_hours import format_korean_datetime, format_korean_time
from paybot.dialogue.replies import topic_answer
from paybot.guide import (
    CALLER_PLACEHOLDERS,
    GUIDE_PLACEHOLDERS,
    MAX_LABEL_CHARS,
    Guide,
    GuideError,
    parse_guide_text,
    unknown_placeholders,
)

_write_lock = threading.Lock()
_BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<name>[A-Za-z_][A-Za-z0-9_]*):")
# Example values for the placeholders the bot's code fills, so a message's preview reads like a real one.
_EXAMPLE_VALUES = {
    "day_name": "토요일", "when": "어제 저녁", "feature": "송금", "error": "결제 실패", "error_code": "E1234",
    "amount_text": "30,000원", "max_chars": "1,000", "operator_label": "상담원 연결", "asked": "토요일 오전",
    "details": "어제 저녁, 30,000원", "other_service": "토스", "topic": "환불 문의",
    "notes": "• 문제가 생긴 때: 어제 저녁\n• 사용한 기능: 송금",
}


class GuideEditError(ValueError):
    """An edit is refused; ``str()`` says why in Korean and names the entry."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        super().__init__(f"{key}: {problem}")


@dataclass(frozen=True)
class GuideEntry:
    """One editable text of the guide.

    Attributes:
        key: Dotted key: ``topics.refund.label``, ``topics.refund.answer`` or ``messages.handoff``.
        title: What staff call it (the topic's label, or the message key).
        text: The template as the file has it now.
        hint: The file's comment above the entry (what it is for, which placeholders it gets).
    """

    key: str
    title: str
    text: str
    hint: str

    @property
    def is_label(self) -> bool:
        """Whether this is a button label (one short line)."""
        return self.key.endswith(".label")


@dataclass(frozen=True)
class GuideChange:
    """One saved edit: who, when, which entry, the text before and after."""

    id: int
    at: float
    user: str
    key: str
    old: str
    new: str
    undone_at: Optional[float]
    undone_by: Optional[str]


def entries(guide: Guide) -> List[GuideEntry]:
    """Every editable text of ``guide``: topics (label, answer) in the file's order, then messages."""
    hints = _comments_above(guide.path)
    found: List[GuideEntry] = []
    for topic in guide.topics.values():
        for part, text in (("label", topic.label), ("answer", topic.answer)):
            key = f"topics.{topic.intent}.{part}"
            title = f"{topic.label} · {'버튼 이름' if part == 'label' else '답변'}"
            found.append(GuideEntry(key, title, text, hints.get(f"topics.{topic.intent}", "")))
    for name, text in guide.messages.items():
        found.append(GuideEntry(f"messages.{name}", name, text, hints.get(f"messages.{name}", "")))
    return found


def find_entry(guide: Guide, key: str) -> Optional[GuideEntry]:
    """The entry called ``key``, or ``None``."""
    return next((entry for entry in entries(guide) if entry.key == key), None)


def clean_text(raw: str) -> str:
    """A text box's content as the guide stores it: Unix line ends, no trailing spaces, no blank edges."""
    return "\n".join(line.rstrip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


def check_edit(path: Path, key: str, text: str) -> Tuple[Guide, str]:
    """The guide as the bot would read it with ``key`` set to ``text``, and the new file's content.

    Raises:
        GuideEditError: When the text is empty, names a placeholder nothing fills, has a lone brace, is
            a label that is too long or on two lines, or the guide with it would not load.
    """
    if not text:
        raise GuideEditError(key, "비워 둘 수 없어요. 안내 문장을 써 주세요.")
    unknown = unknown_placeholders(text)
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        raise GuideEditError(key, f"{names}는 챗봇이 채울 수 없는 자리 표시예요. 철자를 확인해 주세요.")
    if "{" in _BRACE.sub("", text) or "}" in _BRACE.sub("", text):
        raise GuideEditError(key, "짝이 맞지 않는 중괄호({ 또는 })가 있어요. 자리 표시는 {phone}처럼 써 주세요.")
    if key.endswith(".label"):
        if "\n" in text:
            raise GuideEditError(key, "버튼 이름은 한 줄로 써 주세요.")
        if len(text) > MAX_LABEL_CHARS:
            raise GuideEditError(key, f"버튼 이름은 {MAX_LABEL_CHARS}자까지예요 (지금 {len(text)}자).")
    content = _with_value(path, key, text)
    try:
        return parse_guide_text(path, content), content
    except GuideError as error:
        raise GuideEditError(error.key or key, f"안내 자료가 올바르지 않게 돼요: {error}") from error


def preview(guide: Guide, key: str, now: Optional[datetime] = None) -> str:
    """What a customer would see now for ``key`` in ``guide`` (a message's code-filled values are examples)."""
    section, *rest = key.split(".")
    if section == "topics":
        intent, part = rest
        topic = guide.topics[intent]
        return topic.label if part == "label" else topic_answer(guide, topic, now or guide.agent_status().now)
    status = guide.agent_status(now)
    values = dict(_EXAMPLE_VALUES)
    values.update({
        "next_open": format_korean_datetime(status.next_open, guide.hours.timezone),
        "until": format_korean_time(guide.hours.close),
        "call_line": guide.message("phone_line") if "phone_line" in guide.messages else guide.phone,
        "weekend_note": guide.message("weekend_note"),
        "agent_status": guide.agent_status_text(now),
    })
    return guide.message(rest[0], **values)


def save_edit(db: sqlite3.Connection, path: Path, key: str, text: str, expected: str, user: str) -> GuideChange:
    """Writes ``text`` to ``key`` when the file still has ``expected`` there, and logs the change.

    Raises:
        GuideEditError: When the edit is refused (see :func:`check_edit`), the entry is unknown, or someone
            changed the entry since ``expected`` was read.
    """
    with _write_lock:
        current = _current_text(path, key)
        if current != expected:
            raise GuideEditError(key, "그사이에 다른 분이 이 항목을 고쳤어요. 새로 고친 뒤 다시 해 주세요.")
        if text == current:
            raise GuideEditError(key, "바뀐 내용이 없어요.")
        _guide, content = check_edit(path, key, text)
        _write_atomically(path, content)
        cursor = db.execute(
            "INSERT INTO guide_changes (at, user_name, key, old_text, new_text) VALUES (?, ?, ?, ?, ?)",
            (time.time(), user, key, current, text))
        return _change(db, int(cursor.lastrowid or 0))


def undo(db: sqlite3.Connection, path: Path, change_id: int, user: str) -> GuideChange:
    """Puts back the text ``change_id`` replaced, when the entry still holds what that change wrote.

    Raises:
        GuideEditError: When the change is unknown, already undone, or the entry was changed again since.
    """
    change = _change(db, change_id)
    if change.undone_at is not None:
        raise GuideEditError(change.key, "이미 되돌린 변경이에요.")
    save_edit(db, path, change.key, change.old, change.new, user)
    db.execute("UPDATE guide_changes SET undone_at = ?, undone_by = ? WHERE id = ?", (time.time(), user, change_id))
    return _change(db, change_id)


def history(db: sqlite3.Connection, limit: int = 30) -> List[GuideChange]:
    """The latest changes, newest first."""
    rows = db.execute("SELECT * FROM guide_changes ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [_row_change(row) for row in rows]


def placeholders_for(key: str) -> List[str]:
    """The placeholders an entry may use, for the edit page's hint."""
    if key.endswith(".label"):
        return []
    names = set(GUIDE_PLACEHOLDERS) | ({"weekend_note"} if key.startswith("topics.") else set(CALLER_PLACEHOLDERS))
    return sorted(names)


def _change(db: sqlite3.Connection, change_id: int) -> GuideChange:
    row = db.execute("SELECT * FROM guide_changes WHERE id = ?", (change_id,)).fetchone()
    if row is None:
        raise GuideEditError("guide", "그런 변경 기록이 없어요.")
    return _row_change(row)


def _row_change(row: sqlite3.Row) -> GuideChange:
    return GuideChange(row["id"], row["at"], row["user_name"], row["key"], row["old_text"], row["new_text"],
                       row["undone_at"], row["undone_by"])


def _yaml() -> YAML:
    """A round-trip YAML that keeps the guide's comments, quotes, indentation and long lines."""
    yaml = YAML()
    yaml.preserve_quotes = True  # type: ignore[assignment]  # ruamel 0.17 types these as None
    yaml.width = 4096  # type: ignore[assignment]
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _node(document: Dict, key: str) -> Tuple[Dict, str]:
    """The mapping that holds ``key``'s value in the round-trip document, and the value's name in it."""
    section, *rest = key.split(".")
    try:
        if section == "topics" and len(rest) == 2 and rest[1] in ("label", "answer"):
            return document["topics"][rest[0]], rest[1]
        if section == "messages" and len(rest) == 1 and rest[0] in document["messages"]:
            return document["messages"], rest[0]
    except (KeyError, TypeError):
        pass
    raise GuideEditError(key, "안내 자료에 없는 항목이에요.")


def _current_text(path: Path, key: str) -> str:
    parent, name = _node(_yaml().load(path.read_text(encoding="utf-8")), key)
    return str(parent.get(name, "")).strip()


def _with_value(path: Path, key: str, text: str) -> str:
    """The guide file's content with ``key`` set to ``text``, everything else as it was."""
    yaml = _yaml()
    document = yaml.load(path.read_text(encoding="utf-8"))
    parent, name = _node(document, key)
    parent[name] = LiteralScalarString(text) if "\n" in text else text
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _write_atomically(path: Path, content: str) -> None:
    """Replaces the file in one step, so the bot never reads half a guide."""
    handle, temporary = tempfile.mkstemp(dir=str(path.parent), prefix=".guide-", suffix=".yml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _comments_above(path: Path) -> Dict[str, str]:
    """The comment lines right above each topic and message in the file (``topics.refund`` → text)."""
    hints: Dict[str, str] = {}
    section = ""
    pending: List[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip(" ─"))
            continue
        match = _KEY_LINE.match(line)
        if match and not match.group("indent"):
            section = match.group("name")
        elif match and len(match.group("indent")) == 2 and section in ("topics", "messages"):
            hints[f"{section}.{match.group('name')}"] = "\n".join(text for text in pending if text)
        if stripped:
            pending = []
    return hints
