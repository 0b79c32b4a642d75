"""What the bot remembers of a conversation between turns, and what one turn brings.

The context lives in Rasa slots (``domain/dialogue.yml``); ``Context.from_slots`` reads them and
``Outcome.slots`` says which to change. Nothing here talks to Rasa, so the decision logic in
``paybot.dialogue.flow`` is tested with plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

# Slot names
TOPIC = "topic"
EMERGENCY = "emergency"
PENDING = "pending"
NOTES = "notes"
MISSES = "misses"
LAST_REPLY = "last_reply"
AMOUNT = "amount"
METHOD = "method"
WHEN = "when"
ERROR_CODE = "error_code"
CASE_WHEN = "case_when"
CASE_FEATURE = "case_feature"
CASE_ERROR = "case_error"
CASE_SLOTS: Tuple[str, ...] = (CASE_WHEN, CASE_FEATURE, CASE_ERROR)
FEEDBACK_RATING = "feedback_rating"
FEEDBACK_COMMENT = "feedback_comment"

# What the bot's last message asked, so the next one is read as its answer.
RESOLVED = "resolved"  # "안내가 도움이 되셨나요?"
CASE_OFFER = "case_offer"  # "정리해 드릴까요?"
RATING = "rating"  # 1-5
COMMENT = "comment"  # optional comment after the rating
PENDING_VALUES: Tuple[str, ...] = (RESOLVED, CASE_OFFER, RATING, COMMENT, *CASE_SLOTS)

SKIPPED = "skipped"

# How many details are kept for the case summary, and how long each may be.
MAX_NOTES = 5
MAX_NOTE_CHARS = 120


# Rasa's name for entities written into a "/intent{...}" message; the bot never takes them.
COMMAND_EXTRACTOR = "RegexMessageHandler"
# Longest entity value taken as a detail; longer ones are not details anyone gives.
MAX_ENTITY_CHARS = 100
# The key of ``parse_data`` under which the channel says the message was a photo, a file, ... (paybot.media).
MEDIA_KEY = "media"


@dataclass(frozen=True)
class Turn:
    """One customer message as the NLU read it.

    Attributes:
        text: What the customer typed (already masked), or a button's title/payload.
        intent: The NLU's decision (``nlu_fallback`` when it was unsure).
        confidence: Its confidence.
        ranking: The full ranking, likeliest first (``name``, ``confidence``).
        entities: Extracted entities (``entity``, ``value``).
        media: The kind of non-text input (``image``, ``sticker``, ...) the message was, if it was one;
            the channel says so and the NLU did not run (see ``channels.guard``).
    """

    text: str
    intent: str
    confidence: float = 1.0
    ranking: Tuple[Tuple[str, float], ...] = ()
    entities: Tuple[Tuple[str, Any], ...] = ()
    media: Optional[str] = None

    @classmethod
    def from_parse(cls, text: str, parse: Mapping[str, Any]) -> "Turn":
        """Builds a turn from Rasa's ``parse_data`` (as in ``tracker.latest_message``), tolerating anything malformed.

        Entities written into a command (``/refund{"amount": ...}``, extractor ``RegexMessageHandler``)
        and values that are not short strings or numbers are dropped.
        """
        given = parse.get("intent")
        intent: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
        ranking = tuple(
            (str(item.get("name")), _confidence(item.get("confidence")))
            for item in parse.get("intent_ranking") or []
            if isinstance(item, Mapping) and item.get("name")
        )
        entities = tuple(
            (str(item.get("entity")), item.get("value"))
            for item in parse.get("entities") or []
            if isinstance(item, Mapping) and item.get("entity") and item.get("extractor") != COMMAND_EXTRACTOR
            and _plain_value(item.get("value"))
        )
        media = parse.get(MEDIA_KEY)
        return cls(
            text=str(text or ""),
            intent=str(intent.get("name") or "nlu_fallback"),
            confidence=_confidence(intent.get("confidence")),
            ranking=ranking,
            entities=entities,
            media=media if isinstance(media, str) and media else None,
        )

    def entity(self, name: str) -> Any:
        """The first value of entity ``name`` in this message, or ``None``."""
        return next((value for entity, value in self.entities if entity == name), None)

    def ranked(self, intent: str) -> float:
        """The confidence the ranking gives ``intent`` (0 when it is not ranked)."""
        return next((score for name, score in self.ranking if name == intent), 0.0)

    @property
    def understood_intent(self) -> str:
        """The model's best guess, even when the fallback classifier replaced it by ``nlu_fallback``."""
        for name, _ in self.ranking:
            if name != "nlu_fallback":
                return name
        return self.intent


@dataclass(frozen=True)
class Context:
    """What the conversation has established so far."""

    topic: Optional[str] = None
    emergency: bool = False
    pending: Optional[str] = None
    notes: Tuple[str, ...] = ()
    misses: int = 0
    last_reply: Optional[str] = None
    amount: Any = None
    method: Optional[str] = None
    when: Optional[str] = None
    error_code: Optional[str] = None
    case: Mapping[str, Optional[str]] = field(default_factory=dict)
    rating: Any = None

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> "Context":
        """Reads the context from Rasa slot values, tolerating anything malformed."""
        pending = slots.get(PENDING)
        notes = slots.get(NOTES)
        try:
            misses = int(slots.get(MISSES) or 0)
        except (TypeError, ValueError, OverflowError):
            misses = 0
        return cls(
            topic=_text_or_none(slots.get(TOPIC)),
            emergency=bool(slots.get(EMERGENCY)),
            pending=pending if pending in PENDING_VALUES else None,
            notes=tuple(str(note) for note in notes if note) if isinstance(notes, list) else (),
            misses=max(0, misses),
            last_reply=_text_or_none(slots.get(LAST_REPLY)),
            amount=slots.get(AMOUNT),
            method=_text_or_none(slots.get(METHOD)),
            when=_text_or_none(slots.get(WHEN)),
            error_code=_text_or_none(slots.get(ERROR_CODE)),
            case={slot: _text_or_none(slots.get(slot)) for slot in CASE_SLOTS},
            rating=slots.get(FEEDBACK_RATING),
        )


def _confidence(value: Any) -> float:
    """A confidence in [0, 1]; anything that is not a number counts as 0."""
    try:
        number = float(value or 0.0)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return min(max(number, 0.0), 1.0) if number == number else 0.0  # NaN is not a confidence


def _plain_value(value: Any) -> bool:
    """An entity value the bot can repeat: a short string or a finite number."""
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        return 0 < len(value) <= MAX_ENTITY_CHARS
    if isinstance(value, (int, float)):
        return value == value and abs(value) != float("inf")
    return False


def _text_or_none(value: Any) -> Optional[str]:
    """A non-empty string value, or ``None``."""
    return value if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True)
class Message:
    """One bubble the bot sends: text and optional buttons (title, payload)."""

    text: str
    buttons: Tuple[Tuple[str, str], ...] = ()

    def as_dict(self) -> Dict[str, Any]:
        """The message as rasa-sdk's dispatcher takes it."""
        result: Dict[str, Any] = {"text": self.text}
        if self.buttons:
            result["buttons"] = [{"title": title, "payload": payload} for title, payload in self.buttons]
        return result


@dataclass
class Outcome:
    """What the bot does for one turn: the messages it sends and the slots it changes."""

    messages: List[Message] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)

    def say(self, text: str, buttons: Sequence[Tuple[str, str]] = ()) -> "Outcome":
        """Adds a message (empty text is skipped)."""
        if text and text.strip():
            self.messages.append(Message(text.strip(), tuple(buttons)))
        return self

    def set(self, **slots: Any) -> "Outcome":
        """Records slot changes."""
        self.slots.update(slots)
        return self

    @property
    def text(self) -> str:
        """All message texts joined, as the customer reads the turn."""
        return "\n".join(message.text for message in self.messages)
