"""The operator-editable support guide (``content/guide.yml``): loading, validation and rendering.

Actions never hold answer text; they ask the guide::

    guide = load_guide()
    text = guide.answer("refund")                      # topic answer, {agent_status} for now
    text = guide.message("handoff")                   # a reusable template
    text = guide.message("amount_noted", amount_text="30,000원")

``load_guide`` caches the parsed guide per path and re-reads the file only when its modification
time or size changes, so an operator's edit shows on the next message without a restart while an
unchanged file costs one ``os.stat`` per call.

Run ``python -m paybot.guide [path]`` to check a guide file after editing it.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from paybot.business_hours import (
    AgentHours,
    AgentStatus,
    agent_hours_text,
    agent_status,
    format_korean_datetime,
    format_korean_time,
    weekday_name,
)
from paybot.clock import frozen_now
from paybot.followups import Followup, FollowupIndex, parse_followups
from paybot.settings import get_settings
from paybot.time_voice import everyday_holiday_name

logger = logging.getLogger(__name__)

# Intents the bot answers straight from the guide; each must have an entry under ``topics``.
REQUIRED_TOPICS: tuple[str, ...] = (
    "payment_failure",
    "transfer_issue",
    "refund",
    "ask_contact",
    "ask_hours",
    "request_human",
    "consultation_procedure",
    "prepare_checklist",
    "give_feedback",
    "ask_policy",
    "account_access",
    "report_fraud",
    "out_of_scope",
)

# Templates the actions fill; each must be present under ``messages``.
REQUIRED_MESSAGES: tuple[str, ...] = (
    "agent_status_closed", "agent_status_limited", "agent_status_open", "amount_noted",
    "anything_else", "ars_24h", "ask_comment", "ask_comment_again", "ask_rating",
    "ask_rating_again", "ask_resolved", "asked_closed", "asked_limited", "asked_open",
    "asked_unknown", "button_no_rating", "button_resolved_no", "button_resolved_yes", "button_skip",
    "button_summary_no", "button_summary_yes", "callback_wait", "case_ask_again", "case_ask_error",
    "case_ask_feature", "case_ask_when", "case_goodbye", "case_notes", "case_stopped",
    "case_summary", "case_unknown", "chat_handoff_kakao_operator", "chat_handoff_phone_only",
    "clarify", "comment_kept", "complaint_route", "detail_noted", "detail_noted_plain",
    "detail_without_topic", "detail_without_topic_plain", "emergency_call_now", "emergency_calm",
    "emergency_never_share", "emergency_police", "emergency_reminder", "emergency_call_now_off_hours", "emergency_never_share_again", "asked_after_break", "empty_message", "fallback_handoff",
    "feedback_thanks", "frustration", "frustration_again", "glad_resolved", "goodbye", "greet",
    "you_are_welcome_after_apology",
    "greet_again", "handoff", "human_again", "i_am_a_bot", "media_audio", "media_file", "media_image", "media_location",
    "media_sticker", "media_video", "media_with_text", "message_too_long", "no_problem", "not_in_guide",
    "offer_case_summary", "other_service", "phone_button_label", "phone_card_title", "phone_line",
    "rating_refused", "out_of_scope_again", "repeat_instead", "sensitive_data_warning", "sorry_not_helped", "suggest",
    "technical_error", "topic_again", "unknown_error_code", "urgent_off_hours", "weekend_note",
    "you_are_welcome",
)

# List sections of the guide, each also usable as a placeholder of the same name.
LIST_SECTIONS: tuple[str, ...] = (
    "checklist",
    "steps",
    "cautions",
    "urgent",
    "follow_up",
    "tips",
    "feedback",
    "policy",
    "safety",
)

# Placeholders the guide fills by itself in any template.
GUIDE_PLACEHOLDERS: frozenset[str] = frozenset(
    {"phone", "service_name", "hours_summary", "agent_status", "agent_hours", *LIST_SECTIONS,
     *(f"{name}_inline" for name in LIST_SECTIONS)}
)
# Placeholders the actions pass in for particular messages.
CALLER_PLACEHOLDERS: frozenset[str] = frozenset(
    {"next_open", "day_name", "when", "feature", "error", "error_code", "amount_text", "max_chars",
     "operator_label", "until", "asked", "details", "other_service", "notes", "call_line",
     "weekend_note", "topic"}
)

# Longest button title most chat channels show without cutting it.
MAX_LABEL_CHARS = 14

BULLET = "• "

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_WEEKDAY_NAMES: Mapping[str, int] = MappingProxyType(
    {
        **{name: number for number, name in enumerate("월화수목금토일")},
        **{name: number for number, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    }
)


class GuideError(Exception):
    """The guide file is missing or invalid.

    Attributes:
        path: The guide file.
        key: Dotted path of the offending entry (e.g. ``"topics.refund.label"``), or ``None``.
    """

    def __init__(self, path: Path, problem: str, key: str | None = None) -> None:
        self.path = path
        self.key = key
        where = f"{path}: {key}" if key else str(path)
        super().__init__(f"support guide {where}: {problem}")


@dataclass(frozen=True)
class Topic:
    """What the bot says for one intent.

    Attributes:
        intent: The NLU intent name, e.g. ``"refund"``.
        label: Short Korean button title (at most 14 characters).
        answer: The reply template; may contain placeholders such as ``{phone}``.
        ask_resolved: Whether the bot asks afterwards if the answer helped.
        suggests_call: Whether the answer asks the customer to call, so the bot adds whether
            agents are working at that moment.
        urgent: Whether it is urgent (fraud, money sent wrongly): off agent hours the bot points to
            the 24-hour automated line, and follow-ups stay on the emergency.
    """

    intent: str
    label: str
    answer: str
    ask_resolved: bool = False
    suggests_call: bool = False
    urgent: bool = False


@dataclass(frozen=True)
class Guide:
    """The parsed support guide; see ``content/guide.yml`` for what each field means."""

    path: Path
    service_name: str
    phone: str
    hours: AgentHours
    hours_summary: str
    checklist: tuple[str, ...]
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    urgent: tuple[str, ...]
    follow_up: tuple[str, ...]
    tips: tuple[str, ...]
    feedback: tuple[str, ...]
    policy: tuple[str, ...]
    safety: tuple[str, ...]
    topics: Mapping[str, Topic] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)
    followups: tuple[Followup, ...] = ()

    def topic(self, intent: str) -> Topic | None:
        """Returns the topic for ``intent``, or ``None`` when the guide has none."""
        return self.topics.get(intent)

    def render(self, template: str, **values: Any) -> str:
        """Fills the placeholders of ``template``.

        The guide fills ``{phone}``, ``{service_name}``, ``{hours_summary}``, the list sections
        (``{checklist}`` as "• " lines, ``{steps}`` numbered, ...) and ``{agent_status}`` for the
        current time; ``values`` add to or override these. A value of ``None`` (something the
        customer skipped) renders as the ``case_unknown`` message. Unknown placeholders stay visible
        as written (``{like_this}``) and never raise, nor do stray braces.

        Args:
            template: Text with ``{name}`` placeholders.
            **values: Extra or overriding placeholder values; converted with ``str``.

        Returns:
            The filled text.
        """
        filled: dict[str, str] = dict(self._static_values)
        unknown_text = self.messages.get("case_unknown", "")
        filled.update({k: unknown_text if v is None else str(v) for k, v in values.items()})

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in filled and name == "agent_status":
                filled[name] = self.agent_status_text()
            if name in filled:
                return filled[name]
            logger.warning("Guide placeholder {%s} has no value; left as written.", name)
            return match.group(0)

        rendered = _PLACEHOLDER.sub(substitute, template)
        # A placeholder that rendered empty (a note that does not apply now) leaves no blank line.
        return "\n".join(line for line in rendered.split("\n") if line.strip())

    def message(self, key: str, **values: Any) -> str:
        """Renders the ``messages`` template ``key``.

        Args:
            key: A key under ``messages``, e.g. ``"handoff"``.
            **values: Placeholder values, e.g. ``amount_text="30,000원"``.

        Raises:
            KeyError: When the guide has no such message.
        """
        try:
            template = self.messages[key]
        except KeyError:
            raise KeyError(f"support guide {self.path} has no message {key!r}") from None
        return self.render(template, **values)

    def agent_status(self, now: datetime | None = None) -> AgentStatus:
        """Returns whether agents can be reached at ``now`` (naive = Seoul time, ``None`` = now).

        ``None`` means the real clock, or the frozen one of ``PAYBOT_CLOCK_FILE`` (tests, demos).
        """
        return agent_status(self.hours, now if now is not None else frozen_now(self.hours.timezone))

    def agent_status_text(self, now: datetime | None = None) -> str:
        """Returns the ``agent_status_*`` message that fits ``now``.

        Args:
            now: The moment; naive means Asia/Seoul local time, ``None`` means the current time.
        """
        status = self.agent_status(now)
        next_open = format_korean_datetime(status.next_open, self.hours.timezone)
        if status.state == "open":
            key, values = "agent_status_open", {"until": format_korean_time(self.hours.close)}
        elif status.state == "closed":
            key, values = "agent_status_closed", {"next_open": next_open}
        else:
            day_name = everyday_holiday_name(status.holiday_name) if status.holiday_name else weekday_name(status.now.date())
            key, values = "agent_status_limited", {"next_open": next_open, "day_name": day_name}
        # agent_status="" stops a template that names {agent_status} from recursing.
        return self.message(key, agent_status="", **values)

    def answer(self, intent: str, now: datetime | None = None) -> str | None:
        """Returns the rendered answer for ``intent``, or ``None`` when the guide has no such topic.

        Args:
            intent: The NLU intent name.
            now: The moment ``{agent_status}`` describes; naive means Seoul time, ``None`` means now.
        """
        topic = self.topic(intent)
        if topic is None:
            return None
        limited_today = self.agent_status(now).state in ("weekend", "holiday")
        return self.render(
            topic.answer,
            agent_status=self.agent_status_text(now),
            # Said once: on a weekend or holiday the agent-status line already says it for today.
            weekend_note="" if limited_today else self.message("weekend_note"),
        )

    @cached_property
    def followup_index(self) -> FollowupIndex:
        """The retrieval index over the follow-up questions, built once per loaded file."""
        return FollowupIndex(self.followups)

    @property
    def labels(self) -> dict[str, str]:
        """Button titles by intent, in the guide's order."""
        return {intent: topic.label for intent, topic in self.topics.items()}

    @cached_property
    def _static_values(self) -> Mapping[str, str]:
        """Placeholder values that depend only on the guide, computed once per loaded file."""
        scalars = {
            "phone": self.phone,
            "service_name": self.service_name,
            "hours_summary": self.hours_summary,
            "agent_hours": agent_hours_text(self.hours),
        }

        def fill(item: str) -> str:
            return _PLACEHOLDER.sub(lambda m: scalars.get(m.group(1), m.group(0)), item)

        lists = {
            name: "\n".join(f"{BULLET}{fill(item)}" for item in getattr(self, name))
            for name in LIST_SECTIONS
            if name != "steps"
        }
        lists["steps"] = "\n".join(f"{number}. {fill(item)}" for number, item in enumerate(self.steps, 1))
        lists.update({f"{name}_inline": ", ".join(fill(item) for item in getattr(self, name)) for name in LIST_SECTIONS})
        return MappingProxyType({**scalars, **lists})


# --------------------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class _CacheEntry:
    """A parsed guide and the file signature it was parsed from."""

    signature: tuple[int, int]
    guide: Guide


_cache: dict[str, _CacheEntry] = {}
_cache_lock = threading.Lock()


def load_guide(path: Path | None = None) -> Guide:
    """Returns the support guide, re-reading the file only when it changed.

    Args:
        path: The guide file; defaults to ``get_settings().guide_path`` (env ``GUIDE_PATH``).

    Returns:
        The parsed, validated guide.

    Raises:
        GuideError: When the file is missing, is not valid YAML, or an entry is missing or invalid;
            the message names the file and the offending key.
    """
    guide_path = Path(path) if path is not None else get_settings().guide_path
    cache_key = os.path.abspath(guide_path)
    try:
        stat = os.stat(guide_path)
    except OSError as exc:
        raise GuideError(guide_path, f"cannot read the file ({exc.strerror})") from exc
    signature = (stat.st_mtime_ns, stat.st_size)

    entry = _cache.get(cache_key)
    if entry is not None and entry.signature == signature:
        return entry.guide
    with _cache_lock:
        entry = _cache.get(cache_key)
        if entry is not None and entry.signature == signature:
            return entry.guide
        guide = _read_guide(guide_path)
        _cache[cache_key] = _CacheEntry(signature, guide)
        if entry is None:
            logger.info("Loaded support guide %s (%d topics).", guide_path, len(guide.topics))
        else:
            logger.info("Reloaded support guide %s after it changed.", guide_path)
        return guide


def clear_guide_cache() -> None:
    """Forgets every cached guide, so the next ``load_guide`` reads the file again."""
    with _cache_lock:
        _cache.clear()


def _read_guide(path: Path) -> Guide:
    """Reads, parses and validates the guide file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GuideError(path, f"cannot read the file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise GuideError(path, "the file is not UTF-8 text") from exc
    return parse_guide_text(path, text)


def _parse_guide(path: Path, raw: Any) -> Guide:
    """Builds a ``Guide`` from the YAML document, raising ``GuideError`` on the first bad entry."""
    if not isinstance(raw, dict):
        raise GuideError(path, "the file must be a mapping of sections (phone, hours, topics, ...)")
    reader = _Reader(path)
    guide = Guide(
        path=path,
        service_name=reader.text(raw, "service_name"),
        phone=reader.text(raw, "phone"),
        hours=reader.hours(raw),
        hours_summary=reader.text(reader.mapping(raw, "hours"), "summary", "hours"),
        **{name: reader.text_list(raw, name) for name in LIST_SECTIONS},
        topics=MappingProxyType(reader.topics(raw)),
        messages=MappingProxyType(reader.messages(raw)),
        followups=reader.followups(raw),
    )
    _warn_unknown_placeholders(guide)
    return guide


def unknown_placeholders(template: str) -> list[str]:
    """The ``{names}`` in ``template`` that neither the guide nor the bot's code ever fills (usually typos)."""
    known = GUIDE_PLACEHOLDERS | CALLER_PLACEHOLDERS
    return [name for name in dict.fromkeys(_PLACEHOLDER.findall(template)) if name not in known]


def templates_of(guide: Guide) -> dict[str, str]:
    """Every template of ``guide`` by its dotted key (``topics.refund.answer``, ``messages.handoff``)."""
    templates = {f"topics.{t.intent}.answer": t.answer for t in guide.topics.values()}
    templates.update({f"messages.{key}": text for key, text in guide.messages.items()})
    return templates


def parse_guide_text(path: Path, text: str) -> Guide:
    """Parses and validates guide YAML ``text`` as if it were the file at ``path`` (nothing is written).

    Raises:
        GuideError: As :func:`load_guide` would for a file with this content.
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GuideError(path, f"not valid YAML: {exc}") from exc
    return _parse_guide(path, raw)


def _warn_unknown_placeholders(guide: Guide) -> None:
    """Logs placeholders in the guide that nothing will ever fill (usually a typo)."""
    for key, text in templates_of(guide).items():
        for name in unknown_placeholders(text):
            logger.warning("Support guide %s: %s uses unknown placeholder {%s}.", guide.path, key, name)


class _Reader:
    """Typed accessors over the raw YAML that raise ``GuideError`` naming the offending key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> GuideError:
        """Returns the error for ``key``."""
        return GuideError(self.path, problem, key)

    def mapping(self, raw: Mapping[str, Any], key: str, prefix: str = "") -> Mapping[str, Any]:
        """Returns the mapping at ``key``."""
        full = f"{prefix}.{key}" if prefix else key
        value = raw.get(key)
        if value is None:
            raise self.fail(full, "missing")
        if not isinstance(value, dict):
            raise self.fail(full, "must be a mapping of keys to values")
        return value

    def text(self, raw: Mapping[str, Any], key: str, prefix: str = "") -> str:
        """Returns the non-empty string at ``key``."""
        full = f"{prefix}.{key}" if prefix else key
        value = raw.get(key)
        if value is None:
            raise self.fail(full, "missing")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(full, "must be non-empty text")
        return value.strip()

    def text_list(self, raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
        """Returns the non-empty list of non-empty strings at ``key``."""
        value = raw.get(key)
        if value is None:
            raise self.fail(key, "missing")
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a list of one or more lines")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{key}[{index}]", "must be non-empty text")
            items.append(item.strip())
        return tuple(items)

    def clock(self, raw: Mapping[str, Any], key: str) -> time:
        """Returns the "HH:MM" time at ``hours.<key>``."""
        full = f"hours.{key}"
        value = raw.get(key)
        if value is None:
            raise self.fail(full, "missing")
        # Unquoted 18:00 is a base-60 integer (1080) in YAML 1.1; accept it as minutes after midnight.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
            if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
                return time(int(match.group(1)), int(match.group(2)))
        raise self.fail(full, f'must be a time like "09:00", got {value!r}')

    def hours(self, raw: Mapping[str, Any]) -> AgentHours:
        """Returns the agents' hours from the ``hours`` section."""
        section = self.mapping(raw, "hours")
        days = section.get("weekdays")
        if not isinstance(days, list) or not days:
            raise self.fail("hours.weekdays", "must be a list of days such as [월, 화, 수, 목, 금]")
        weekdays = []
        for day in days:
            name = str(day).strip().lower()
            number = _WEEKDAY_NAMES.get(name[:3], _WEEKDAY_NAMES.get(name[:1]))  # "mon"/"monday", "월"/"월요일"
            if number is None:
                raise self.fail("hours.weekdays", f"unknown day {day!r}; use 월 화 수 목 금 토 일")
            weekdays.append(number)
        timezone = section.get("timezone", "Asia/Seoul")
        country = section.get("holidays", "KR")
        try:
            return AgentHours(
                timezone=str(timezone),
                weekdays=tuple(sorted(set(weekdays))),
                open=self.clock(section, "open"),
                close=self.clock(section, "close"),
                holiday_country=str(country),
            )
        except (ValueError, KeyError) as exc:  # AgentHours' own checks; ZoneInfoNotFoundError is a KeyError
            raise self.fail("hours", str(exc) or type(exc).__name__) from exc

    def topics(self, raw: Mapping[str, Any]) -> dict[str, Topic]:
        """Returns the topics by intent, requiring every intent in ``REQUIRED_TOPICS``."""
        section = self.mapping(raw, "topics")
        for intent in REQUIRED_TOPICS:
            if intent not in section:
                raise self.fail(f"topics.{intent}", "missing (the bot needs an answer for this intent)")
        topics = {}
        for intent, entry in section.items():
            prefix = f"topics.{intent}"
            if not isinstance(entry, dict):
                raise self.fail(prefix, "must have label and answer")
            label = self.text(entry, "label", prefix)
            if len(label) > MAX_LABEL_CHARS:
                raise self.fail(
                    f"{prefix}.label", f"{label!r} is {len(label)} characters; at most {MAX_LABEL_CHARS}"
                )
            flags = {}
            for flag in ("ask_resolved", "suggests_call", "urgent"):
                flags[flag] = entry.get(flag, False)
                if not isinstance(flags[flag], bool):
                    raise self.fail(f"{prefix}.{flag}", "must be true or false")
            topics[str(intent)] = Topic(
                intent=str(intent), label=label, answer=self.text(entry, "answer", prefix), **flags
            )
        return topics

    def followups(self, raw: Mapping[str, Any]) -> tuple[Followup, ...]:
        """Returns the follow-up questions and answers (optional section), checked against the topics."""
        try:
            return parse_followups(
                raw.get("followups") or [],
                str(self.path),
                topics=set(raw.get("topics") or {}),
                placeholders=GUIDE_PLACEHOLDERS - {"agent_status"},
            )
        except ValueError as exc:
            raise GuideError(self.path, str(exc)) from exc

    def messages(self, raw: Mapping[str, Any]) -> dict[str, str]:
        """Returns the message templates, requiring every key in ``REQUIRED_MESSAGES``."""
        section = self.mapping(raw, "messages")
        for key in REQUIRED_MESSAGES:
            if key not in section:
                raise self.fail(f"messages.{key}", "missing (the bot's code uses this message)")
        return {str(key): self.text(section, key, "messages") for key in section}


def main(argv: list[str] | None = None) -> int:
    """Checks a guide file and prints the result; for operators after an edit.

    Args:
        argv: ``[path]``; defaults to the configured guide.

    Returns:
        The process exit code: 0 when the guide is valid, 1 otherwise.
    """
    args = sys.argv[1:] if argv is None else argv
    try:
        guide = load_guide(Path(args[0]) if args else None)
    except GuideError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 1
    print(f"OK {guide.path}: {len(guide.topics)} topics, {len(guide.messages)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
