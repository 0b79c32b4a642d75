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

Lengths are counted, and long texts cut, by :mod:`channels.kakao.text_limits`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from channels.kakao.text_limits import ELLIPSIS, MAX_SIMPLE_TEXT, kakao_len, split_text, truncate

logger = logging.getLogger(__name__)

VERSION = "2.0"
MAX_OUTPUTS = 3
MAX_QUICK_REPLIES = 10
MAX_LABEL = 14
MAX_CARD_TITLE = 50
MAX_CARD_DESCRIPTION = 400
MAX_CARD_BUTTONS = 3
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
