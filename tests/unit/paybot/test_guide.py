"""Tests for paybot.guide and the real content/guide.yml it loads."""

from __future__ import annotations

import copy
import functools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

import paybot.guide as guide_module
from paybot.dialogue.replies import topic_answer
from paybot.guide import (
    CALLER_PLACEHOLDERS,
    MAX_LABEL_CHARS,
    REQUIRED_MESSAGES,
    REQUIRED_TOPICS,
    Guide,
    GuideError,
    clear_guide_cache,
    load_guide,
)
from paybot.settings import PROJECT_ROOT

GUIDE_PATH = PROJECT_ROOT / "content" / "guide.yml"
PHONE = "1577-1940"
SEOUL = ZoneInfo("Asia/Seoul")

# Intents whose answer must give the customer-center number.
PHONE_INTENTS = (
    "ask_contact",
    "ask_hours",
    "request_human",
    "report_fraud",
    "payment_failure",
    "transfer_issue",
    "refund",
    "account_access",
)
ASK_RESOLVED_INTENTS = frozenset({"payment_failure", "transfer_issue", "refund", "account_access"})

# One moment per agent state, to render every time-dependent text in each.
MOMENTS = {
    "open": datetime(2026, 11, 26, 10, 0, tzinfo=SEOUL),  # Thursday
    "closed": datetime(2026, 11, 26, 20, 0, tzinfo=SEOUL),
    "weekend": datetime(2026, 11, 28, 10, 0, tzinfo=SEOUL),  # Saturday
    "holiday": datetime(2026, 9, 25, 10, 0, tzinfo=SEOUL),  # 추석
}
CALLER_VALUES = {name: f"<{name}>" for name in CALLER_PLACEHOLDERS}
LEFTOVER_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@pytest.fixture(scope="module", autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The module starts and ends with an empty guide cache.

    Per module, not per test: the real guide is parsed once (each parse costs ~0.3-0.8 s), and the tests
    that edit a guide each edit their own copy under a fresh ``tmp_path``, so no cached entry is shared.
    """
    clear_guide_cache()
    yield
    clear_guide_cache()


@pytest.fixture(scope="module")
def guide() -> Guide:
    """The real support guide, loaded once for the module (the tests only read it)."""
    return load_guide(GUIDE_PATH)


@pytest.fixture
def guide_copy(tmp_path: Path) -> Path:
    """A private copy of the real guide that a test may edit."""
    return Path(shutil.copy(GUIDE_PATH, tmp_path / "guide.yml"))


@functools.lru_cache(maxsize=1)
def _raw_guide_text() -> str:
    """The real guide's text, read once."""
    return GUIDE_PATH.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _parsed_raw_guide() -> dict[str, Any]:
    """The real guide parsed once (never handed out: callers get a copy they may edit)."""
    return yaml.safe_load(_raw_guide_text())


def _raw_guide() -> dict[str, Any]:
    """The real guide as plain YAML data, a private copy the caller may edit."""
    return copy.deepcopy(_parsed_raw_guide())


def _all_customer_texts(guide: Guide) -> list[str]:
    """Every text the bot can show, rendered at each kind of moment."""
    texts = [guide.hours_summary]
    for now in MOMENTS.values():
        status = guide.agent_status_text(now)
        texts += [guide.answer(intent, now) or "" for intent in guide.topics]
        texts += [guide.message(key, agent_status=status, **CALLER_VALUES) for key in guide.messages]
    return texts


def _sentences(text: str) -> list[str]:
    """Splits text into sentences on line breaks and sentence-ending punctuation."""
    return [part.strip() for part in re.split(r"[.!?\n]", text) if part.strip()]


def test_real_guide_loads(guide: Guide) -> None:
    """content/guide.yml loads, with the center's phone number and every required topic and message."""
    assert guide.phone == PHONE
    assert guide.service_name
    assert set(REQUIRED_TOPICS) <= set(guide.topics)
    assert set(REQUIRED_MESSAGES) <= set(guide.messages)
    assert guide.checklist and guide.steps and guide.safety and guide.policy


def test_default_path_comes_from_settings(guide_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a path the guide is read from GUIDE_PATH."""
    text = guide_copy.read_text(encoding="utf-8")
    guide_copy.write_text(text.replace(PHONE, "1588-0000"), encoding="utf-8")
    monkeypatch.setenv("GUIDE_PATH", str(guide_copy))
    assert load_guide().phone == "1588-0000"


@pytest.mark.parametrize("intent", [pytest.param(intent, id=intent) for intent in REQUIRED_TOPICS])
def test_topic_has_label_and_answer(guide: Guide, intent: str) -> None:
    """Each topic has a short button label and a non-empty answer with no placeholder left unfilled."""
    topic = guide.topic(intent)
    assert topic is not None
    assert topic.intent == intent
    assert 0 < len(topic.label) <= MAX_LABEL_CHARS
    assert topic.ask_resolved is (intent in ASK_RESOLVED_INTENTS)
    for now in MOMENTS.values():
        answer = guide.answer(intent, now)
        assert answer and answer.strip()
        assert not LEFTOVER_PLACEHOLDER.search(answer), answer


@pytest.mark.parametrize("intent", [pytest.param(intent, id=intent) for intent in PHONE_INTENTS])
def test_answer_gives_phone_number(guide: Guide, intent: str) -> None:
    """Answers that send the customer to the center give 1577-1940."""
    assert PHONE in (guide.answer(intent, MOMENTS["open"]) or "")


@pytest.mark.parametrize("key", [pytest.param(key, id=key) for key in REQUIRED_MESSAGES])
def test_message_renders_without_leftovers(guide: Guide, key: str) -> None:
    """Each required message renders with the values the actions pass, leaving no placeholder."""
    text = guide.message(key, **CALLER_VALUES)
    assert text.strip()
    assert not LEFTOVER_PLACEHOLDER.search(text), text


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("handoff", PHONE, id="handoff-phone"),
        pytest.param("fallback_handoff", PHONE, id="fallback-phone"),
        pytest.param("unknown_error_code", PHONE, id="error-code-phone"),
        pytest.param("unknown_error_code", "<error_code>", id="error-code-echoed"),
        pytest.param("case_summary", "<when>", id="summary-when"),
        pytest.param("case_summary", "<feature>", id="summary-feature"),
        pytest.param("case_summary", "<error>", id="summary-error"),
        pytest.param("amount_noted", "<amount_text>", id="amount-echoed"),
        pytest.param("agent_status_closed", "<next_open>", id="closed-next-open"),
        pytest.param("agent_status_limited", "<day_name>", id="limited-day-name"),
        pytest.param("sensitive_data_warning", "비밀번호", id="warning-password"),
    ],
)
def test_message_uses_its_values(guide: Guide, key: str, expected: str) -> None:
    """Messages show the values the actions give them and the phone number where needed."""
    assert expected in guide.message(key, **CALLER_VALUES)


def test_skipped_case_item_shows_unknown_text(guide: Guide) -> None:
    """A skipped case item (None) shows the case_unknown text in the summary."""
    text = guide.message("case_summary", when=None, feature="송금", error=None)
    assert text.count(guide.message("case_unknown")) == 2
    assert "송금" in text
    assert PHONE in text


def test_unknown_message_key_raises(guide: Guide) -> None:
    """Asking for a message the guide does not have is a KeyError."""
    with pytest.raises(KeyError, match="no_such_message"):
        guide.message("no_such_message")


def test_unknown_intent_has_no_answer(guide: Guide) -> None:
    """An intent without a topic gets None, not an exception."""
    assert guide.topic("greet") is None
    assert guide.answer("greet") is None


def test_render_fills_guide_placeholders(guide: Guide) -> None:
    """render fills phone, hours summary, the bulleted checklist and given values."""
    text = guide.render("{phone}|{hours_summary}|{checklist}|{name}", name="고객님")
    phone, summary, checklist, name = text.split("|")
    assert phone == PHONE
    assert summary == guide.hours_summary
    assert checklist.splitlines() == [f"• {item}" for item in guide.checklist]
    assert name == "고객님"


def test_render_numbers_steps_and_fills_phone_inside_lists(guide: Guide) -> None:
    """Steps render as a numbered list, with {phone} inside an item filled."""
    lines = guide.render("{steps}").splitlines()
    assert len(lines) == len(guide.steps) == 3
    assert [line.split(".")[0] for line in lines] == ["1", "2", "3"]
    assert PHONE in lines[0]
    assert "1번" in lines[0] and "2번" in lines[0]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param("전화 {phone} {unknown}", f"전화 {PHONE} {{unknown}}", id="unknown-left-visible"),
        pytest.param("{ 열린 괄호 {phone", "{ 열린 괄호 {phone", id="stray-braces"),
        pytest.param("{0} {phone.x} {}", "{0} {phone.x} {}", id="format-syntax-untouched"),
        pytest.param("", "", id="empty"),
    ],
)
def test_render_never_crashes_on_odd_templates(guide: Guide, template: str, expected: str) -> None:
    """Unknown placeholders and stray braces stay as written instead of raising."""
    assert guide.render(template) == expected


def test_given_values_override_guide_values(guide: Guide) -> None:
    """A value passed to render wins over the guide's own."""
    assert guide.render("{phone}", phone="02-000-0000") == "02-000-0000"


@pytest.mark.parametrize(
    ("moment", "key", "must_contain"),
    [
        pytest.param("open", "agent_status_open", "", id="open"),
        pytest.param("closed", "agent_status_closed", "11월 27일(금) 오전 9시", id="closed-next-morning"),
        pytest.param("weekend", "agent_status_limited", "토요일", id="weekend-saturday"),
        pytest.param("holiday", "agent_status_limited", "추석", id="holiday-chuseok"),
    ],
)
def test_agent_status_text(guide: Guide, moment: str, key: str, must_contain: str) -> None:
    """agent_status_text picks the message for the moment and fills next_open / day_name."""
    text = guide.agent_status_text(MOMENTS[moment])
    template_start = guide.messages[key].split("{")[0]
    assert text.startswith(template_start)
    assert must_contain in text
    hours_topic = guide.topic("ask_hours")
    assert hours_topic is not None and text in topic_answer(guide, hours_topic, MOMENTS[moment])


def test_weekend_status_names_next_monday(guide: Guide) -> None:
    """On Saturday the bot says agents are back on Monday at 9."""
    assert "11월 30일(월) 오전 9시" in guide.agent_status_text(MOMENTS["weekend"])


def test_hours_resolve_the_seed_contradiction(guide: Guide) -> None:
    """Agents work weekdays 09:00-18:00 Seoul time; only the ARS is around the clock."""
    assert guide.hours.timezone == "Asia/Seoul"
    assert guide.hours.weekdays == (0, 1, 2, 3, 4)
    assert (guide.hours.open, guide.hours.close) == (time(9), time(18))
    assert "24시간" in guide.hours_summary and "ARS" in guide.hours_summary
    assert "오전 9시" in guide.hours_summary and "오후 6시" in guide.hours_summary


def test_no_text_claims_agents_around_the_clock(guide: Guide) -> None:
    """No sentence the bot can say puts agents and '24시간' together."""
    for text in _all_customer_texts(guide):
        for sentence in _sentences(text):
            if "24시간" in sentence or "연중무휴" in sentence:
                assert "상담원" not in sentence, sentence


def test_safety_rule_is_the_bots_own(guide: Guide) -> None:
    """The safety section warns about passwords, PINs and card numbers as this bot's rule."""
    safety = "\n".join(guide.safety)
    for word in ("비밀번호", "PIN", "카드번호"):
        assert word in safety
    assert "챗봇" in safety
    assert PHONE in guide.render("{safety}")


def test_unchanged_file_is_not_read_again(guide_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Repeated loads of an unchanged file return the cached guide without reading the file."""
    reads: list[Path] = []
    real_read = guide_module._read_guide

    def counting_read(path: Path) -> Guide:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(guide_module, "_read_guide", counting_read)
    first = load_guide(guide_copy)
    assert load_guide(guide_copy) is first
    assert load_guide(guide_copy) is first
    assert len(reads) == 1


def test_edited_file_is_reloaded(guide_copy: Path) -> None:
    """After the operator saves a change, the next load shows it without a restart."""
    before = load_guide(guide_copy)
    assert before.phone == PHONE
    stat = guide_copy.stat()
    text = guide_copy.read_text(encoding="utf-8")
    guide_copy.write_text(text.replace(PHONE, "1588-1234"), encoding="utf-8")
    os.utime(guide_copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = load_guide(guide_copy)
    assert after.phone == "1588-1234"
    assert "1588-1234" in (after.answer("ask_contact") or "")


def test_broken_edit_after_good_load_raises(guide_copy: Path) -> None:
    """A broken save is reported on the next load rather than silently serving the old text."""
    load_guide(guide_copy)
    stat = guide_copy.stat()
    guide_copy.write_text("phone: [unclosed\n", encoding="utf-8")
    os.utime(guide_copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with pytest.raises(GuideError, match="guide.yml"):
        load_guide(guide_copy)


def _delete(*keys: str) -> Callable[[dict[str, Any]], None]:
    """Returns an edit that deletes the entry at the key path."""

    def edit(raw: dict[str, Any]) -> None:
        node = raw
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return edit


def _set(value: Any, *keys: str) -> Callable[[dict[str, Any]], None]:
    """Returns an edit that sets the entry at the key path to value."""

    def edit(raw: dict[str, Any]) -> None:
        node = raw
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "bad_key"),
    [
        pytest.param(_delete("phone"), "phone", id="missing-phone"),
        pytest.param(_set("", "phone"), "phone", id="empty-phone"),
        pytest.param(_delete("hours"), "hours", id="missing-hours"),
        pytest.param(_set("9시", "hours", "open"), "hours.open", id="open-not-a-time"),
        pytest.param(_set([], "hours", "weekdays"), "hours.weekdays", id="no-weekdays"),
        pytest.param(_set(["월", "공휴일"], "hours", "weekdays"), "hours.weekdays", id="unknown-weekday"),
        pytest.param(_set("20:00", "hours", "open"), "hours", id="open-after-close"),
        pytest.param(_set("Mars/Olympus", "hours", "timezone"), "hours", id="unknown-timezone"),
        pytest.param(_set("XX", "hours", "holidays"), "hours", id="unknown-holiday-country"),
        pytest.param(_delete("hours", "summary"), "hours.summary", id="missing-hours-summary"),
        pytest.param(_set([], "checklist"), "checklist", id="empty-checklist"),
        pytest.param(_set(["ok", ""], "steps"), "steps[1]", id="empty-step"),
        pytest.param(_delete("topics", "report_fraud"), "topics.report_fraud", id="missing-topic"),
        pytest.param(
            _set("아주아주아주아주긴버튼제목입니다", "topics", "refund", "label"), "topics.refund.label", id="label-too-long"
        ),
        pytest.param(_delete("topics", "refund", "answer"), "topics.refund.answer", id="missing-answer"),
        pytest.param(
            _set("yes", "topics", "refund", "ask_resolved"),
            "topics.refund.ask_resolved",
            id="ask-resolved-text",
        ),
        pytest.param(_delete("messages", "handoff"), "messages.handoff", id="missing-message"),
        pytest.param(_set(["not", "text"], "messages", "clarify"), "messages.clarify", id="message-not-text"),
    ],
)
def test_invalid_guide_names_file_and_key(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], bad_key: str
) -> None:
    """An invalid guide raises GuideError naming the file and the offending key."""
    raw = _raw_guide()
    edit(raw)
    path = tmp_path / "broken_guide.yml"
    # libyaml's emitter when present: writing the broken file is setup, not what is under test.
    path.write_text(yaml.dump(raw, Dumper=_DUMPER, allow_unicode=True), encoding="utf-8")
    with pytest.raises(GuideError) as excinfo:
        load_guide(path)
    assert excinfo.value.key == bad_key
    assert "broken_guide.yml" in str(excinfo.value)
    assert bad_key in str(excinfo.value)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("phone: [1577-1940\n", id="yaml-syntax-error"),
        pytest.param("- just\n- a list\n", id="not-a-mapping"),
        pytest.param("", id="empty-file"),
    ],
)
def test_unparsable_guide_names_file(tmp_path: Path, content: str) -> None:
    """A file that is not a YAML mapping raises GuideError naming the file."""
    path = tmp_path / "broken_guide.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GuideError, match="broken_guide.yml"):
        load_guide(path)


def test_missing_file_names_file(tmp_path: Path) -> None:
    """A guide path that does not exist raises GuideError naming it."""
    with pytest.raises(GuideError, match="nowhere.yml"):
        load_guide(tmp_path / "nowhere.yml")


def test_unquoted_times_are_accepted(guide_copy: Path) -> None:
    """An operator who drops the quotes around 09:00/18:00 (YAML base-60 numbers) still gets 9 to 6."""
    text = guide_copy.read_text(encoding="utf-8")
    text = text.replace('open: "09:00"', "open: 9:00").replace('close: "18:00"', "close: 18:00")
    guide_copy.write_text(text, encoding="utf-8")
    hours = load_guide(guide_copy).hours
    assert (hours.open, hours.close) == (time(9), time(18))


def test_cli_reports_ok_and_errors(
    guide_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """python -m paybot.guide exits 0 for a good file and 1 naming the problem for a bad one."""
    assert guide_module.main([str(guide_copy)]) == 0
    assert "OK" in capsys.readouterr().out
    bad = tmp_path / "bad.yml"
    bad.write_text("phone: 1\n", encoding="utf-8")
    assert guide_module.main([str(bad)]) == 1
    assert "bad.yml" in capsys.readouterr().err
