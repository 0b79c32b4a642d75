"""What happened in a conversation, as SQL aggregates over its events (used in a GROUP BY sender_id).

The definitions, from what the bot stores (paybot/dialogue, domain/dialogue.yml):

- **handed off**: the customer asked for a person or reported fraud (``HANDOFF_INTENTS``), said the answer
  did not help (the bot then offers the case summary: slot ``pending`` = ``case_offer``), or the bot gave up
  after a second miss (its reply starts with the guide's ``fallback_handoff`` message);
- **said it helped**: the customer answered "도움이 되셨나요?" with yes (the bot then asks for the rating:
  ``pending`` = ``rating``);
- **resolved by the bot**: said it helped, or ended without a hand-off;
- **clarification**: a reply starting with the guide's ``clarify`` message or ``fallback_handoff``
  (the "잘 이해하지 못했어요" answers);
- **low confidence**: a message the NLU gave up on (``nlu_fallback``, FallbackClassifier in config.yml);
- **rating**: the 1-5 the customer gave (slot ``feedback_rating``), the highest if several.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from console.tracker import BOT, EVENTS, SLOT, USER, json_fragment
from paybot.dialogue.reading import HANDOFF_INTENTS
from paybot.dialogue.state import CASE_OFFER, FEEDBACK_RATING, PENDING, RATING, TOPIC
from paybot.guide import Guide
from trainer.project import FALLBACK_INTENT

_RATINGS = range(1, 6)
# Intents of messages that answer the bot's own questions (yes / no, a detail, a rating, a comment) or
# only greet and thank: not what a conversation is about (top topics, the low-rating inbox).
ANSWER_INTENTS = ("affirm", "deny", "inform", "give_feedback", "thank", "goodbye", "greet")


def _flag(condition: Any) -> Any:
    return sa.func.max(sa.case((condition, 1), else_=0))


def _count(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _bot_starts_with(text: str) -> Any:
    """A bot event whose text begins with ``text`` (the guide's message; the bot may add lines after it)."""
    events = EVENTS.c
    first_line = text.split("\n", 1)[0]
    return sa.and_(events.type_name == BOT, events.data.contains(f'"text": "{json_fragment(first_line)}', autoescape=True))


def slot_is(name: str, value: Any) -> Any:
    """A slot event setting ``name`` to ``value``."""
    events = EVENTS.c
    written = f'"value": "{json_fragment(value)}"}}' if isinstance(value, str) else f'"value": {json_fragment(value)}}}'
    return sa.and_(events.type_name == SLOT, events.action_name == name, events.data.endswith(written, autoescape=True))


@dataclass(frozen=True)
class Signals:
    """The aggregate expressions, built once for the guide's messages."""

    messages: Any
    handed_off: Any
    helped: Any
    clarifications: Any
    low_confidence: Any
    rating: Any

    @classmethod
    def for_guide(cls, guide: Guide) -> "Signals":
        """The expressions, with the guide's clarification and give-up messages."""
        events = EVENTS.c
        said = events.type_name == USER
        gave_up = _bot_starts_with(guide.message("fallback_handoff"))
        asked_back = _bot_starts_with(guide.message("clarify"))
        rating = sa.func.max(sa.case(*[(slot_is(FEEDBACK_RATING, value), value) for value in _RATINGS], else_=None))
        return cls(
            messages=_count(said),
            handed_off=_flag(sa.or_(
                sa.and_(said, events.intent_name.in_(sorted(HANDOFF_INTENTS))),
                slot_is(PENDING, CASE_OFFER),
                gave_up,
            )),
            helped=_flag(slot_is(PENDING, RATING)),
            clarifications=_count(sa.or_(asked_back, gave_up)),
            low_confidence=_flag(sa.and_(said, events.intent_name == FALLBACK_INTENT)),
            rating=rating,
        )


def topic_is(topic: str) -> Any:
    """A slot event setting the conversation's topic to ``topic``."""
    return slot_is(TOPIC, topic)
