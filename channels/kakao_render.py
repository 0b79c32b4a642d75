"""Rasa bot messages -> a Kakao i Open Builder skill response (version 2.0). Pure functions, no I/O.

The limits Kakao enforces, and what this module does about each:

- ``template.outputs``: 1 to 3 components. Messages are merged (adjacent texts, shortest pair first)
  until they fit; nothing is dropped while a merge can still make room.
- ``simpleText.text``: at most 1000 characters. Longer texts are split at a paragraph, line or
  sentence end (never inside a character or an emoji sequence).
- ``quickReplies``: at most 10, labels at most 14 characters. A Rasa button becomes a quick reply whose
  ``messageText`` - what appears in the chat as the customer's message when tapped - is the button's
  title, so the chat reads like a conversation ("괜찮아요", not "/deny"). The button's payload travels
  as the quick reply's ``extra`` (Kakao returns it as ``action.clientExtra``) and is also returned in
  ``RenderedAnswer.offered``, so the channel can hand Rasa the exact payload when the customer taps.
- A text that gives the customer-center number gets a ``textCard`` with a ``phone`` button (and,
  when asked, Kakao's ``operator`` button that hands the chat to the channel's human agents).

Lengths are counted in UTF-16 code units, as Kakao's JavaScript front end does: an emoji counts 2, a
Hangul syllable 1; this is never less than the number of characters, so the limits hold either way.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

logger = logging.getLogger(__name__)

VERSION = "2.0"
MAX_OUTPUTS = 3
MAX_SIMPLE_TEXT = 1000
MAX_QUICK_REPLIES = 10
MAX_LABEL = 14
MAX_CARD_TITLE = 50
MAX_CARD_DESCRIPTION = 400
MAX_CARD_BUTTONS = 3
ELLIPSIS = "…"
# Key of the Rasa payload in a quick reply's ``extra`` (Kakao sends it back in ``action.clientExtra``).
EXTRA_PAYLOAD_KEY = "rasa_payload"
# Kakao's answer components a domain response may send as-is in ``custom`` (channel: kakao).
KAKAO_COMPONENTS = frozenset(
    {"simpleText", "simpleImage", "textCard", "basicCard", "commerceCard", "listCard", "itemCard", "carousel"}
)
# Joins two messages merged into one speech bubble.
PARAGRAPH = "\n\n"

# Alt text of images a domain response sends (Kakao requires one; customers rarely see it).
IMAGE_ALT_TEXT = "이미지"

# Where a text may be cut, best first: between paragraphs, between lines, after a sentence, at a space.
_CUT_PATTERNS = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"[.!?。！？…~][\"'”’)\]]*\s"),
    re.compile(r"\s"),
)
# Code points that belong to the character before them (or, for ZWJ, after): never cut before them.
_ZWJ = "\u200d"


@dataclass(frozen=True)
class ContactCard:
    """The card added to an answer that gives the customer-center number.

    Attributes:
        phone: The number, as the guide writes it ("1577-1940"); also what the phone button dials.
        title: The card's title (the guide's ``phone_card_title``).
        call_label: The phone button's label (the guide's ``phone_button_label``).
        description: The card's text, e.g. the guide's hours summary.
        operator_label: Label of Kakao's ``operator`` button; ``None`` leaves the button out (the
            setting is off, or agents are not working now).
    """

    phone: str
    title: str
    call_label: str
    description: str
    operator_label: Optional[str] = None


@dataclass
class RenderedAnswer:
    """A skill response and the quick replies it offers.

    Attributes:
        body: The JSON body for Kakao.
        offered: ``messageText`` -> Rasa payload for every quick reply whose payload differs from what
            the customer sees, so the channel can send Rasa the payload when one is tapped.
    """

    body: Dict[str, Any]
    offered: Dict[str, str] = field(default_factory=dict)


def kakao_len(text: str) -> int:
    """Length as Kakao counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


def _fit(text: str, limit: int) -> int:
    """The largest ``n`` such that ``text[:n]`` is at most ``limit`` long as Kakao counts."""
    used = 0
    for index, character in enumerate(text):
        used += 2 if ord(character) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def _joins_previous(text: str, index: int) -> bool:
    """Whether cutting before ``text[index]`` would break a character or an emoji sequence apart."""
    if index <= 0 or index >= len(text):
        return False
    current, previous = text[index], text[index - 1]
    return (
        unicodedata.combining(current) != 0
        or unicodedata.category(current) in ("Mn", "Me", "Mc")
        or current == _ZWJ
        or previous == _ZWJ
        or 0xFE00 <= ord(current) <= 0xFE0F  # variation selectors (❤️)
        or 0x1F3FB <= ord(current) <= 0x1F3FF  # skin tones (👍🏽)
        or 0xE0020 <= ord(current) <= 0xE007F  # tag sequences (flags)
        or 0x1160 <= ord(current) <= 0x11FF  # conjoining Hangul vowels and final consonants
    )


def _cut_position(text: str, limit: int) -> int:
    """Where to cut ``text`` (longer than ``limit``) so the head fits and ends as naturally as possible."""
    fit = _fit(text, limit)
    shortest = fit // 2  # a cut earlier than this would leave a stub bubble
    for pattern in _CUT_PATTERNS:
        ends = [match.end() for match in pattern.finditer(text, 0, fit + 1) if shortest <= match.end() <= fit]
        if ends:
            return ends[-1]
    cut = fit
    while cut > 0 and _joins_previous(text, cut):
        cut -= 1
    return cut or fit


def split_text(text: str, limit: int = MAX_SIMPLE_TEXT) -> List[str]:
    """Splits ``text`` into pieces of at most ``limit``, at paragraph, line or sentence ends if possible.

    Args:
        text: Any text.
        limit: Longest piece, in Kakao's count.

    Returns:
        The stripped, non-empty pieces in order (empty for a blank text).
    """
    pieces: List[str] = []
    rest = text.strip()
    while kakao_len(rest) > limit:
        cut = _cut_position(rest, limit)
        head, rest = rest[:cut].strip(), rest[cut:].strip()
        if head:
            pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces


def truncate(text: str, limit: int) -> str:
    """Shortens ``text`` to ``limit`` (Kakao's count), ending in "…" when something was cut."""
    text = text.strip()
    if kakao_len(text) <= limit:
        return text
    cut = _fit(text, limit - kakao_len(ELLIPSIS))
    while cut > 0 and _joins_previous(text, cut):
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


# An item waiting for an output slot: a text (mergeable) or a ready component (not mergeable).
_Item = Union[str, Dict[str, Any]]


def _items(messages: Iterable[Dict[str, Any]]) -> List[_Item]:
    """The bot's texts (split to fit), images and Kakao components, in the order the bot sent them."""
    items: List[_Item] = []
    for message in messages:
        items.extend(split_text(str(message.get("text") or "")))
        if message.get("image"):
            items.append({"simpleImage": {"imageUrl": str(message["image"]), "altText": IMAGE_ALT_TEXT}})
        custom = message.get("custom")
        if isinstance(custom, dict) and len(custom) == 1 and next(iter(custom)) in KAKAO_COMPONENTS:
            items.append(dict(custom))
        elif custom:
            logger.warning("A custom message that is not a Kakao component was left out: %s", sorted(custom))
    return items


def _fit_into(items: List[_Item], slots: int) -> List[_Item]:
    """Makes ``items`` fit in ``slots`` outputs, losing as little as possible.

    In this order, one step at a time: merge the two adjacent texts that make the shortest bubble
    (if it stays within the text limit); else leave out the last image or component; else merge the
    last two texts and cut the result at a sentence end with "…" (3 full bubbles are 3,000
    characters; the bot's answers are a few hundred). Whatever is left out is logged.
    """
    items = list(items)
    while len(items) > slots:
        merges = [
            (kakao_len(items[i]) + kakao_len(PARAGRAPH) + kakao_len(items[i + 1]), i)
            for i in range(len(items) - 1)
            if isinstance(items[i], str) and isinstance(items[i + 1], str)
        ]
        fitting = [merge for merge in merges if merge[0] <= MAX_SIMPLE_TEXT]
        components = [i for i, item in enumerate(items) if not isinstance(item, str)]
        if fitting:
            i = min(fitting)[1]
            items[i : i + 2] = [f"{items[i]}{PARAGRAPH}{items[i + 1]}"]
        elif components:
            dropped = items.pop(components[-1])
            logger.warning("The answer has more parts than Kakao shows; left out a %s.", ", ".join(dropped))
        else:
            i = merges[-1][1]
            merged = f"{items[i]}{PARAGRAPH}{items[i + 1]}"
            logger.warning("The answer is longer than Kakao shows (%d characters); cut.", kakao_len(merged))
            items[i : i + 2] = [split_text(merged, MAX_SIMPLE_TEXT - kakao_len(ELLIPSIS))[0] + ELLIPSIS]
    return items


def _quick_replies(messages: Iterable[Dict[str, Any]]) -> Tuple[List[Dict[str, Any]], Dict[str, str]]:
    """The bot's buttons as quick replies (the first 10 distinct titles, in order) and their payloads.

    Returns:
        The quick replies, and ``messageText`` -> payload where the two differ.
    """
    replies: List[Dict[str, Any]] = []
    offered: Dict[str, str] = {}
    buttons = [button for message in messages for button in message.get("buttons") or []]
    for button in buttons:
        title = str(button.get("title") or "").strip()
        payload = str(button.get("payload") or "").strip()
        message_text = title or payload
        if not message_text or any(reply["messageText"] == message_text for reply in replies):
            continue
        if len(replies) == MAX_QUICK_REPLIES:
            logger.warning(
                "The answer has %d buttons; Kakao shows %d, the rest were left out.", len(buttons), len(replies)
            )
            break
        reply: Dict[str, Any] = {
            "label": truncate(message_text, MAX_LABEL),
            "action": "message",
            "messageText": message_text,
        }
        if payload and payload != message_text:
            reply["extra"] = {EXTRA_PAYLOAD_KEY: payload}
            offered[message_text] = payload
        replies.append(reply)
    return replies, offered


def contact_card(card: ContactCard) -> Dict[str, Any]:
    """A ``textCard`` with the number, a ``phone`` button and, if set, Kakao's ``operator`` button."""
    buttons: List[Dict[str, Any]] = [{"label": truncate(card.call_label, MAX_LABEL), "action": "phone", "phoneNumber": card.phone}]
    if card.operator_label:
        buttons.append({"label": truncate(card.operator_label, MAX_LABEL), "action": "operator"})
    return {
        "textCard": {
            "title": truncate(card.title, MAX_CARD_TITLE),
            "description": truncate(card.description, MAX_CARD_DESCRIPTION),
            "buttons": buttons[:MAX_CARD_BUTTONS],
        }
    }


def render_answer(messages: List[Dict[str, Any]], card: Optional[ContactCard], empty_text: str) -> RenderedAnswer:
    """Turns the bot's messages into one skill response.

    Args:
        messages: Rasa's bot messages (``text``, ``buttons``, ``image``, ``custom``), in order.
        card: The contact card, added when any text gives ``card.phone``; ``None`` never adds one.
        empty_text: Said when the messages hold nothing Kakao can show (Kakao needs 1 output).

    Returns:
        The response body (at most 3 outputs, 10 quick replies) and the quick replies offered.
    """
    items = _items(messages) or split_text(empty_text)
    texts = [item for item in items if isinstance(item, str)]
    with_card = card is not None and any(card.phone in text for text in texts)
    fitted = _fit_into(items, MAX_OUTPUTS - (1 if with_card else 0))
    outputs = [{"simpleText": {"text": item}} if isinstance(item, str) else item for item in fitted]
    if with_card and card is not None:
        outputs.append(contact_card(card))
    quick_replies, offered = _quick_replies(messages)
    template: Dict[str, Any] = {"outputs": outputs}
    if quick_replies:
        template["quickReplies"] = quick_replies
    return RenderedAnswer(body={"version": VERSION, "template": template}, offered=offered)


def render_callback_wait(text: str) -> Dict[str, Any]:
    """The immediate answer that tells Kakao the real one comes to the callback URL."""
    return {"version": VERSION, "useCallback": True, "data": {"text": text}}
