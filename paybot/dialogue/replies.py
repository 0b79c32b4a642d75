"""Composing replies from the guide: one voice for time, topic answers, and the buttons offered.

Every sentence comes from ``content/guide.yml``; this module only decides which of the guide's
lines fit the moment. Time is said in one place (``call_line`` and ``asked_time_line``): agents'
hours with until when, after hours, weekends, public holidays by their everyday names, and the
24-hour automated line (ARS) where the matter is urgent, so no reply says "call an agent now" while
agents are not working.
"""

from __future__ import annotations

from datetime import datetime
from typing import FrozenSet, List, Optional, Sequence, Tuple

from paybot.dialogue.state import Message
from paybot.followups import Followup
from paybot.formatting import won_text
from paybot.guide import Guide, Topic
from paybot.time_voice import AskedTime, status_for_asked

Button = Tuple[str, str]

# Rasa reads a message that starts with "/" as an intent; only the bot's own buttons send one.
INTENT_PREFIX = "/"
AFFIRM_PAYLOAD = "/affirm"
DENY_PAYLOAD = "/deny"
HUMAN_PAYLOAD = "/request_human"
# The web chat's first message (web/chat.js, initPayload): the widget asks for the greeting.
GREET_PAYLOAD = "/greet"
# Longest error code repeated back to the customer ("E1023"); anything longer is not a code.
MAX_ERROR_CODE_CHARS = 20
# Follow-up buttons shown under the "did it help?" question.
MAX_FOLLOWUP_BUTTONS = 2


def call_line(guide: Guide, now: datetime, urgent: bool = False, ars: bool = False) -> str:
    """Whether agents answer at ``now``, and until or from when.

    Args:
        guide: The support guide.
        now: The moment (aware or Seoul local).
        urgent: Off agent hours, say to call the 24-hour automated line now instead of waiting.
        ars: Off agent hours, mention the 24-hour automated line (for hand-offs).
    """
    status = guide.agent_status(now)
    line = guide.agent_status_text(now)
    if status.is_open:
        return line
    if urgent:
        return f"{line}\n{guide.message('urgent_off_hours')}"
    if ars:
        return f"{line}\n{guide.message('ars_24h')}"
    return line


def asked_time_line(guide: Guide, asked: AskedTime, now: datetime) -> str:
    """Whether agents answer at the time the customer asked about ("새벽 3시에", "공휴일엔")."""
    status = status_for_asked(guide.hours, asked, now)
    asked_words = asked.text.strip() or (status.day_name or "")
    if status.day_name and asked.kind in ("day", "holiday") and status.day_name not in asked_words:
        asked_words = f"{asked_words}({status.day_name})" if asked_words else status.day_name
    key = {
        "open": "asked_open",
        "closed": "asked_closed",
        "limited": "asked_limited",
    }.get(status.state, "asked_unknown")
    return guide.message(key, asked=asked_words)


def topic_answer(guide: Guide, topic: Topic, now: datetime) -> str:
    """The topic's answer, with the agent status where it suggests a call."""
    text = guide.answer(topic.intent, now) or ""
    if topic.suggests_call:
        text = f"{text}\n{call_line(guide, now, urgent=topic.urgent, ars=topic.intent == 'request_human')}"
    return text


def detail_lines(guide: Guide, amount: object = None, error_code: object = None) -> List[str]:
    """Acknowledges an amount and an error code the customer gave."""
    lines = []
    won = _won(amount)
    if won:
        lines.append(guide.message("amount_noted", amount_text=won))
    code = _error_code(error_code)
    if code:
        lines.append(guide.message("unknown_error_code", error_code=code))
    return lines


def _won(amount: object) -> Optional[str]:
    """The amount as "30,000원", or ``None`` when it is not a plausible amount (never raises)."""
    return won_text(amount)


def _error_code(value: object) -> Optional[str]:
    """An error code fit to repeat back ("E1023"), or ``None`` for anything else (never raises)."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    code = str(value).strip()
    return code if 0 < len(code) <= MAX_ERROR_CODE_CHARS and code.isprintable() else None


def followup_buttons(followups: Sequence[Followup]) -> List[Button]:
    """Buttons that ask a follow-up question: the title is its label, the payload its first wording."""
    return [(item.label, item.questions[0]) for item in followups if item.questions]


def resolved_question(guide: Guide, followups: Sequence[Followup] = ()) -> Message:
    """ "안내가 도움이 되셨나요?" with yes / no and up to two follow-up questions as buttons."""
    buttons: List[Button] = [
        (guide.message("button_resolved_yes"), AFFIRM_PAYLOAD),
        (guide.message("button_resolved_no"), DENY_PAYLOAD),
    ]
    buttons += followup_buttons(followups[:MAX_FOLLOWUP_BUTTONS])
    return Message(guide.message("ask_resolved"), tuple(buttons))


def yes_no_buttons(guide: Guide) -> Tuple[Button, ...]:
    """The buttons of the case-summary offer."""
    return ((guide.message("button_summary_yes"), AFFIRM_PAYLOAD), (guide.message("button_summary_no"), DENY_PAYLOAD))


def skip_button(guide: Guide) -> Tuple[Button, ...]:
    """The "skip" button under a case or comment question."""
    return ((guide.message("button_skip"), DENY_PAYLOAD),)


def rating_buttons(guide: Guide) -> Tuple[Button, ...]:
    """⭐ 1 … ⭐ 5 and "no rating"."""
    stars = tuple((f"⭐ {score}", str(score)) for score in range(1, 6))
    return stars + ((guide.message("button_no_rating"), DENY_PAYLOAD),)


def topic_payload(intent: str) -> str:
    """The payload of a button that opens a guide topic ("/refund")."""
    return f"{INTENT_PREFIX}{intent}"


def topic_buttons(guide: Guide, intents: Sequence[str]) -> Tuple[Button, ...]:
    """Buttons for guide topics by intent, titled with their labels."""
    labels = guide.labels
    return tuple((labels[intent], topic_payload(intent)) for intent in intents if intent in labels)


def offered_payloads(guide: Guide) -> FrozenSet[str]:
    """Every intent payload the bot's buttons (and the web chat's greeting) can send, exactly as sent.

    The channels take a message starting with "/" as an intent only when it is one of these: yes, no,
    a person, the greeting, and a button per guide topic. No payload carries entities, so a customer
    typing ``/refund{"amount": ...}`` or ``/restart`` is read as text.
    """
    fixed = {AFFIRM_PAYLOAD, DENY_PAYLOAD, HUMAN_PAYLOAD, GREET_PAYLOAD}
    return frozenset(fixed | {topic_payload(intent) for intent in guide.labels})
