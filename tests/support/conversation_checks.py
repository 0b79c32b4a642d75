"""The checks a multi-turn conversation test applies to the bot's replies (tests/data/conversations/*.yml).

Pure functions over a reply's text, the support guide and the tracker's slots: no I/O, no live bot, so
``tests/unit/support/test_conversation_checks.py`` tests them on plain strings. A check is written in a
conversation file as ``@name`` or ``@name:argument`` (``@topic:refund``, ``@max_lines:4``); anything
else is a literal substring of the reply.

Where a check means "the bot says X", it accepts the guide's own sentence for X (read from the guide
given, so an operator's rewording does not break the tests) and a few equivalent phrasings the new
dialogue may use; the phrasing rules are collected in this one module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from paybot.business_hours import format_korean_time
from paybot.guide import Guide

PHONE_CHECK = "@phone"
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/')
OFFICIAL_CHRISTMAS = "기독탄신일"
# Sentences that tell the customer to reach an agent right now.
CALL_AGENT_NOW = ("상담원에게 직접 문의하실 수 있어요", "지금 바로 상담원")

# Fallback phrasings (regular expressions) besides the guide's own sentences.
_AGENTS_OPEN_PHRASES = (
    r"지금은?\s*상담원\s*(연결|상담|통화)이\s*가능",
    r"지금은?\s*(바로\s*)?상담원과\s*(바로\s*)?(통화|연결)(하실|할)\s*수\s*있",
    r"지금은?\s*상담\s*시간이에요",
    r"지금은?\s*상담원이\s*(전화를\s*)?받",
)
_AGENTS_CLOSED_PHRASES = (
    r"지금은?\s*상담원\s*(상담|연결)?\s*시간이\s*아니",
    r"지금은?\s*상담원\s*(연결|상담|통화)이\s*(어려|안\s*돼|불가)",
    r"지금은?\s*상담원이\s*(근무하지|일하지|받지)\s*않",
    r"오늘\s*\([^)]{1,20}\)\s*은\s*상담원\s*연결이\s*제한",
    r"오늘은?\s*[^\n.]{0,20}(이라|이어서|라서)?\s*상담원\s*연결이\s*제한",
)
_RATING_PHRASES = (r"1\s*점.{0,40}5\s*점", r"1\s*(부터|에서|~|-)\s*5", r"별점")
_COMMENT_PHRASES = (r"하고\s*싶은\s*말씀", r"의견(이|을)?\s*(있으면|있으시면)?\s*(적어|남겨)", r"남기고\s*싶은")
_SUMMARY_OFFER_PHRASES = (r"정리해\s*드릴까요",)
_SUMMARY_MARKER = "상담원에게 아래 내용"
_NEVER_SHARE_PHRASES = (r"알려\s*주지\s*마세요",)
_APOLOGY_WORDS = ("죄송", "불편", "답답")
_NOT_IN_GUIDE = "안내 자료에 없"
_GOODBYE = "이용해 주셔서 감사"
_CLARIFY = "잘 이해하지 못했어요"
_RESOLVED_QUESTION = "도움이 되셨나요"
_CHEERFUL_EMOJI = "😊"
DEFAULT_GREETING = "고객지원 챗봇이에요"
# The case form's three questions, as the domain asks them (domain/handoff.yml), in fragments.
DEFAULT_CASE_QUESTIONS = ("언제 생겼나요", "어떤 기능을 쓰고 계셨나요", "오류 메시지나 오류 코드가 있었다면")


def _template_regex(template: str) -> Optional[re.Pattern[str]]:
    """The first sentence of a guide template as a regex, each ``{placeholder}`` matching any short text."""
    first = template.strip().splitlines()[0] if template.strip() else ""
    sentence = re.split(r"(?<=[.!?요])\s", first, maxsplit=1)[0]
    parts = re.split(r"\{[A-Za-z_][A-Za-z0-9_]*\}", sentence)
    if len("".join(parts).strip()) < 6:
        return None
    return re.compile(r".{1,40}?".join(re.escape(part) for part in parts))


@dataclass(frozen=True)
class Vocabulary:
    """What the checks look for, read once from the guide (and the domain's greeting and case questions).

    Attributes:
        phone: The customer-center number.
        until: "오후 6시까지": when agents stop today, from the guide's hours.
        agents_open: Patterns that say agents can be reached now.
        agents_closed: Patterns that say agents are not working now, or only limited today.
        topic_first_lines: Each topic's first answer line, rendered, by intent.
        greeting: A fragment of the greeting reply (utter_greet).
        case_questions: Fragments of the case form's three questions.
    """

    phone: str
    until: str
    agents_open: Tuple[re.Pattern[str], ...]
    agents_closed: Tuple[re.Pattern[str], ...]
    topic_first_lines: Mapping[str, str] = field(default_factory=dict)
    greeting: str = DEFAULT_GREETING
    case_questions: Tuple[str, ...] = DEFAULT_CASE_QUESTIONS

    @classmethod
    def from_guide(
        cls, guide: Guide, greeting: Optional[str] = None, case_questions: Optional[Sequence[str]] = None
    ) -> "Vocabulary":
        """Builds the vocabulary from ``guide``; ``greeting`` and ``case_questions`` come from the domain."""
        open_patterns = [re.compile(p) for p in _AGENTS_OPEN_PHRASES]
        closed_patterns = [re.compile(p) for p in _AGENTS_CLOSED_PHRASES]
        for key, target in (("agent_status_open", open_patterns),
                            ("agent_status_closed", closed_patterns),
                            ("agent_status_limited", closed_patterns)):
            pattern = _template_regex(guide.messages.get(key, ""))
            if pattern is not None:
                target.append(pattern)
        first_lines = {}
        for intent, topic in guide.topics.items():
            template_line = topic.answer.strip().splitlines()[0]
            rendered = guide.render(template_line, agent_status="").strip()
            first_lines[intent] = rendered.splitlines()[0] if rendered else template_line
        return cls(
            phone=guide.phone,
            until=f"{format_korean_time(guide.hours.close)}까지",
            agents_open=tuple(open_patterns),
            agents_closed=tuple(closed_patterns),
            topic_first_lines=first_lines,
            greeting=_greeting_fragment(greeting) if greeting else DEFAULT_GREETING,
            case_questions=tuple(_question_fragment(q) for q in case_questions) if case_questions
            else DEFAULT_CASE_QUESTIONS,
        )


def _greeting_fragment(greeting: str) -> str:
    """The greeting's most distinctive sentence (the first after "안녕하세요!"), as a fragment."""
    sentences = [s.strip() for s in re.split(r"[!.?😊]\s*", greeting) if s.strip()]
    distinctive = [s for s in sentences if s != "안녕하세요"]
    return (distinctive or sentences or [greeting])[0]


def _question_fragment(question: str) -> str:
    """A case question without its "(예: ...)" hint and final punctuation."""
    return re.split(r"[(?]", question, maxsplit=1)[0].strip().rstrip(".")


# --------------------------------------------------------------------------------------------------
# The individual checks: each returns whether the reply (and tracker) has the property.


def _any(patterns: Sequence[re.Pattern[str]], text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def has_phone(text: str, vocab: Vocabulary) -> bool:
    """The reply gives the customer-center number."""
    return vocab.phone in text


def mentions_ars24(text: str) -> bool:
    """The reply mentions the 24-hour automated line."""
    return "24시간" in text


def says_agents_open(text: str, vocab: Vocabulary) -> bool:
    """The reply says agents can be reached now."""
    return _any(vocab.agents_open, text)


def says_agents_closed(text: str, vocab: Vocabulary) -> bool:
    """The reply says agents are not working now, or that today's connection is limited."""
    return _any(vocab.agents_closed, text)


def says_until(text: str, vocab: Vocabulary) -> bool:
    """The reply says until when agents work today ("오후 6시까지")."""
    return vocab.until in text


def is_clarify(text: str) -> bool:
    """The reply is the "잘 이해하지 못했어요" clarification."""
    return _CLARIFY in text


def says_never_share(text: str) -> bool:
    """The reply tells the customer not to give codes, PIN or passwords to anyone."""
    return _any([re.compile(p) for p in _NEVER_SHARE_PHRASES], text)


def is_cheerful(text: str, vocab: Vocabulary) -> bool:
    """The reply smiles (😊) or greets."""
    return _CHEERFUL_EMOJI in text or vocab.greeting in text


def apologises(text: str) -> bool:
    """The reply apologises or acknowledges the trouble."""
    return any(word in text for word in _APOLOGY_WORDS)


def asks_resolved(text: str) -> bool:
    """The reply asks whether the answer helped."""
    return _RESOLVED_QUESTION in text


def asks_rating(text: str) -> bool:
    """The reply asks for a 1-5 rating."""
    return _any([re.compile(p, re.S) for p in _RATING_PHRASES], text)


def asks_comment(text: str) -> bool:
    """The reply asks for an optional comment."""
    return _any([re.compile(p) for p in _COMMENT_PHRASES], text)


def offers_summary(text: str) -> bool:
    """The reply offers to prepare the case summary."""
    return _any([re.compile(p) for p in _SUMMARY_OFFER_PHRASES], text)


def shows_summary(text: str) -> bool:
    """The reply is the case summary for the agent."""
    return _SUMMARY_MARKER in text


def asks_case_question(text: str, vocab: Vocabulary) -> bool:
    """The reply asks one of the case form's questions (when, which feature, which error)."""
    return any(question in text for question in vocab.case_questions)


def says_not_in_guide(text: str) -> bool:
    """The reply says honestly that the guide does not cover it."""
    return _NOT_IN_GUIDE in text


def says_goodbye(text: str) -> bool:
    """The reply is a polite goodbye."""
    return _GOODBYE in text


def has_topic(slots: Mapping[str, Any], intent: str) -> bool:
    """After the turn, the conversation's active topic (slot ``topic``) is ``intent``."""
    return slots.get("topic") == intent


def has_topic_answer(text: str, vocab: Vocabulary, intent: str) -> bool:
    """The reply contains the first line of the guide's answer for ``intent``."""
    first = vocab.topic_first_lines.get(intent)
    if first is None:
        raise ValueError(f"the guide has no topic {intent!r} (in @topic_answer:{intent})")
    return first in text


def reply_lines(text: str) -> List[str]:
    """The reply's non-blank lines, as a phone shows them."""
    return [line for line in text.splitlines() if line.strip()]


def within_lines(text: str, limit: int) -> bool:
    """The reply has at most ``limit`` non-blank lines."""
    return len(reply_lines(text)) <= limit


# --------------------------------------------------------------------------------------------------
# Evaluating a written check


_TEXT_CHECKS: Dict[str, Callable[[str, Vocabulary], bool]] = {
    "phone": has_phone,
    "ars24": lambda text, vocab: mentions_ars24(text),
    "agents_open": says_agents_open,
    "agents_closed": says_agents_closed,
    "until": says_until,
    "clarify": lambda text, vocab: is_clarify(text),
    "never_share": lambda text, vocab: says_never_share(text),
    "cheerful": is_cheerful,
    "apology": lambda text, vocab: apologises(text),
    "resolved_question": lambda text, vocab: asks_resolved(text),
    "rating_question": lambda text, vocab: asks_rating(text),
    "comment_question": lambda text, vocab: asks_comment(text),
    "summary_offer": lambda text, vocab: offers_summary(text),
    "summary": lambda text, vocab: shows_summary(text),
    "case_question": asks_case_question,
    "not_in_guide": lambda text, vocab: says_not_in_guide(text),
    "goodbye": lambda text, vocab: says_goodbye(text),
}
_ARGUMENT_CHECKS = ("topic", "topic_answer", "max_lines")
CHECK_NAMES: Tuple[str, ...] = tuple(_TEXT_CHECKS) + _ARGUMENT_CHECKS


def validate_check(check: str) -> None:
    """Raises ``ValueError`` for a check a conversation file may not use (a typo such as ``@phon``)."""
    if not isinstance(check, str) or not check:
        raise ValueError(f"a check must be a non-empty string, not {check!r}")
    if not check.startswith("@"):
        return
    name, _, argument = check[1:].partition(":")
    if name in _TEXT_CHECKS and not argument:
        return
    if name in _ARGUMENT_CHECKS and argument:
        if name == "max_lines" and not argument.isdigit():
            raise ValueError(f"{check}: the line limit must be a whole number")
        return
    raise ValueError(f"unknown check {check!r}; known: " + ", ".join("@" + n for n in CHECK_NAMES))


def evaluate(check: str, text: str, vocab: Vocabulary, slots: Optional[Mapping[str, Any]] = None) -> bool:
    """Whether ``check`` holds for the reply ``text`` and the tracker's ``slots`` after the turn.

    Args:
        check: ``@name``, ``@name:argument`` or a literal substring.
        text: All the bot's messages of the turn, joined by newlines.
        vocab: What the checks look for.
        slots: The tracker's slots after the turn (needed by ``@topic``).

    Raises:
        ValueError: For an unknown check.
    """
    validate_check(check)
    if not check.startswith("@"):
        return check in text
    name, _, argument = check[1:].partition(":")
    if name == "topic":
        return has_topic(slots or {}, argument)
    if name == "topic_answer":
        return has_topic_answer(text, vocab, argument)
    if name == "max_lines":
        return within_lines(text, int(argument))
    return _TEXT_CHECKS[name](text, vocab)


def turn_problems(
    text: str,
    vocab: Vocabulary,
    slots: Optional[Mapping[str, Any]] = None,
    must: Sequence[str] = (),
    must_not: Sequence[str] = (),
    previous: Optional[str] = None,
) -> List[str]:
    """Everything wrong with one reply: the turn's own checks and those every turn must pass.

    Returns:
        One readable line per problem; empty when the reply is fine.
    """
    problems = [f"missing {check}" for check in must if not evaluate(check, text, vocab, slots)]
    problems += [f"must not have {check}" for check in must_not if evaluate(check, text, vocab, slots)]
    problems += always_problems(text, vocab, previous)
    return problems


def always_problems(text: str, vocab: Vocabulary, previous: Optional[str] = None) -> List[str]:
    """The checks every reply must pass, whatever the turn.

    A reply is not empty, not the previous turn's reply again, never says the official name
    기독탄신일, never tells the customer to call an agent now while saying agents are not working,
    leaves no ``{placeholder}`` unfilled and shows no Python traceback.
    """
    problems = []
    if not text.strip():
        problems.append("empty reply")
    if previous is not None and text.strip() and text.strip() == previous.strip():
        problems.append("same reply as the previous turn")
    if OFFICIAL_CHRISTMAS in text:
        problems.append(f"says the official name {OFFICIAL_CHRISTMAS} (say 성탄절)")
    if says_agents_closed(text, vocab) and any(phrase in text for phrase in CALL_AGENT_NOW):
        problems.append("says agents are not working and also to call an agent now")
    if PLACEHOLDER.search(text):
        problems.append(f"unfilled placeholder {PLACEHOLDER.search(text).group(0)}")
    if any(marker in text for marker in TRACEBACK_MARKERS):
        problems.append("shows error/traceback text")
    return problems


# --------------------------------------------------------------------------------------------------
# The tracker's slots, from the tracker store's events (when Rasa's HTTP API is off)


def slots_from_events(events: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    """Replays a conversation's events to its current slot values, as Rasa's tracker does.

    ``slot`` sets one slot; ``restart``, ``session_started`` and ``reset_slots`` clear them all
    (slots carried over into a new session are set again by the ``slot`` events that follow).
    """
    slots: Dict[str, Any] = {}
    for event in events:
        kind = event.get("event")
        if kind == "slot":
            slots[event.get("name")] = event.get("value")
        elif kind in ("restart", "session_started", "reset_slots"):
            slots.clear()
    return slots


def transcript(turns: Sequence[Tuple[str, str]], clock: Optional[str] = None) -> str:
    """The conversation so far as a reader sees it: each user turn and the bot's reply."""
    lines = [f"(clock {clock})"] if clock else []
    for number, (user, reply) in enumerate(turns, 1):
        lines.append(f"[{number}] user: {user}")
        lines.extend(f"    bot: {line}" for line in (reply.splitlines() or [""]))
    return "\n".join(lines)
