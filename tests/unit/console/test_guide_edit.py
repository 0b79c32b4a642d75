"""Editing the guide from the console: checks that name the entry, the file's comments kept, the bot's own
loader seeing the edit, a customer's-eye preview, conflicts, the history and undo."""

from __future__ import annotations

import difflib
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from console.guide_edit import (
    GuideEditError,
    check_edit,
    clean_text,
    entries,
    find_entry,
    history,
    preview,
    save_edit,
    undo,
)
from console.store import connect
from paybot.guide import load_guide
from paybot.settings import get_settings

MONDAY_10 = datetime(2026, 12, 7, 10, 0)  # a working Monday morning, Seoul time


@pytest.fixture()
def guide_file(tmp_path: Path) -> Path:
    """A copy of the real guide to edit."""
    copy = tmp_path / "guide.yml"
    shutil.copy(get_settings().guide_path, copy)
    return copy


@pytest.fixture()
def db(tmp_path: Path) -> sqlite3.Connection:
    """The console's store."""
    return connect(tmp_path / "console.db")


def test_every_topic_and_message_is_listed_with_the_files_comment(guide_file: Path) -> None:
    guide = load_guide(guide_file)
    keys = {entry.key for entry in entries(guide)}
    assert {"topics.refund.answer", "topics.refund.label", "messages.handoff", "messages.agent_status_open"} <= keys
    assert len(keys) == 2 * len(guide.topics) + len(guide.messages)
    assert "{until}" in find_entry(guide, "messages.agent_status_open").hint  # the comment says what it gets


def test_a_misspelt_placeholder_is_refused_with_the_key_named(guide_file: Path, db: sqlite3.Connection) -> None:
    before = guide_file.read_text(encoding="utf-8")
    old = load_guide(guide_file).topics["refund"].answer
    with pytest.raises(GuideEditError) as refused:
        save_edit(db, guide_file, "topics.refund.answer", "환불은 {phnoe}로 문의해 주세요.", old, "minji")
    assert refused.value.key == "topics.refund.answer"
    assert "topics.refund.answer" in str(refused.value) and "{phnoe}" in str(refused.value)
    assert guide_file.read_text(encoding="utf-8") == before
    assert history(db) == []


@pytest.mark.parametrize("text, problem", [
    ("", "비워 둘 수 없어요"),
    ("전화는 {phone 으로 해 주세요", "중괄호"),
    ("전화는 phone} 으로 해 주세요", "중괄호"),
])
def test_empty_text_and_lone_braces_are_refused(guide_file: Path, text: str, problem: str) -> None:
    with pytest.raises(GuideEditError, match=problem):
        check_edit(guide_file, "messages.handoff", text)


def test_a_label_must_fit_a_button(guide_file: Path) -> None:
    with pytest.raises(GuideEditError, match="14자"):
        check_edit(guide_file, "topics.refund.label", "환불이 언제 들어오는지 궁금할 때")
    with pytest.raises(GuideEditError, match="한 줄"):
        check_edit(guide_file, "topics.refund.label", "환불\n문의")


def test_an_unknown_entry_is_refused(guide_file: Path) -> None:
    with pytest.raises(GuideEditError, match="없는 항목"):
        check_edit(guide_file, "messages.no_such_message", "안녕하세요")
    with pytest.raises(GuideEditError, match="없는 항목"):
        check_edit(guide_file, "topics.refund.urgent", "true")


def test_a_good_edit_is_saved_with_the_comments_kept_and_the_bot_reads_it(guide_file: Path, db: sqlite3.Connection) -> None:
    before = guide_file.read_text(encoding="utf-8")
    old = load_guide(guide_file).topics["refund"].answer
    new = "환불 시점은 결제 건마다 달라서 제가 정확히 안내해 드릴 수 없어요.\n고객센터 {phone}으로 문의해 주세요."
    save_edit(db, guide_file, "topics.refund.answer", new, old, "minji")
    after = guide_file.read_text(encoding="utf-8")
    assert [line for line in before.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in after.splitlines() if line.lstrip().startswith("#")]
    changed = [line[1:] for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
               if line.startswith("+") and not line.startswith("+++")]
    assert changed == ["      환불 시점은 결제 건마다 달라서 제가 정확히 안내해 드릴 수 없어요.", "      고객센터 {phone}으로 문의해 주세요."]
    answer = load_guide(guide_file).answer("refund", MONDAY_10)
    assert answer.startswith("환불 시점은 결제 건마다") and "1577-1940" in answer
    [change] = history(db)
    assert (change.user, change.key, change.old, change.new) == ("minji", "topics.refund.answer", old, new)


def test_a_one_line_message_with_a_leading_placeholder_stays_valid_yaml(guide_file: Path, db: sqlite3.Connection) -> None:
    old = load_guide(guide_file).messages["asked_open"]
    save_edit(db, guide_file, "messages.asked_open", "{asked}에는 상담원과 통화할 수 있어요: {agent_hours}.", old, "boss")
    assert load_guide(guide_file).messages["asked_open"] == "{asked}에는 상담원과 통화할 수 있어요: {agent_hours}."


def test_an_edit_made_meanwhile_by_someone_else_is_not_overwritten(guide_file: Path, db: sqlite3.Connection) -> None:
    old = load_guide(guide_file).messages["greet"]
    save_edit(db, guide_file, "messages.greet", "안녕하세요! 무엇을 도와드릴까요?", old, "minji")
    with pytest.raises(GuideEditError, match="다른 분"):
        save_edit(db, guide_file, "messages.greet", "반가워요. 무엇이 궁금하세요?", old, "boss")
    assert load_guide(guide_file).messages["greet"] == "안녕하세요! 무엇을 도와드릴까요?"


def test_undo_puts_the_old_text_back_once(guide_file: Path, db: sqlite3.Connection) -> None:
    old = load_guide(guide_file).messages["greet"]
    change = save_edit(db, guide_file, "messages.greet", "안녕하세요! 무엇을 도와드릴까요?", old, "minji")
    undone = undo(db, guide_file, change.id, "boss")
    assert undone.undone_by == "boss"
    assert load_guide(guide_file).messages["greet"] == old
    with pytest.raises(GuideEditError, match="이미 되돌린"):
        undo(db, guide_file, change.id, "boss")


def test_preview_is_what_a_customer_sees_now(guide_file: Path) -> None:
    guide = load_guide(guide_file)
    shown = preview(guide, "topics.payment_failure.answer", MONDAY_10)
    assert "1577-1940" in shown and "{" not in shown
    assert "지금은 상담원과 통화할 수 있어요" in shown  # the live agent status on a Monday at 10
    message = preview(guide, "messages.agent_status_closed", datetime(2026, 12, 7, 20, 0))
    assert "12월 8일(화) 오전 9시" in message
    assert preview(guide, "topics.refund.label") == guide.topics["refund"].label


def test_text_box_content_is_cleaned_like_the_file_stores_it() -> None:
    assert clean_text("  첫 줄  \r\n둘째 줄\t\r\n\r\n") == "첫 줄\n둘째 줄"
