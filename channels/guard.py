"""What every channel does to a customer's message before Rasa sees it, and to the replies after.

Before: control characters removed, empty and over-long messages answered politely without running the
bot, personal data masked (so nothing unmasked reaches NLU, the tracker store or the logs).
After: a warning when personal data was masked, and the technical-error answer (with the phone number)
when the bot produced nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from paybot.guide import load_guide
from paybot.privacy import mask_personal_data
from paybot.settings import get_settings

logger = logging.getLogger(__name__)

# C0 controls (NUL included) and DEL, except tab and newline; lone surrogates from bad decoding.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


@dataclass
class PreparedMessage:
    """A customer message made safe for the bot, or the reply to give instead of running it."""

    text: str
    masked_kinds: List[str] = field(default_factory=list)
    # When set, the bot is not run and the customer gets this guide message.
    reply: Optional[str] = None

    @property
    def runs_bot(self) -> bool:
        """Whether the message goes to the bot."""
        return self.reply is None


def prepare_message(raw: str) -> PreparedMessage:
    """Cleans, caps and masks one customer message.

    Args:
        raw: The message text as the channel received it.

    Returns:
        The masked text for the bot, or a polite reply for empty and over-long messages.
    """
    guide = load_guide()
    text = _CONTROL.sub(" ", raw).strip()
    if not text:
        return PreparedMessage(text="", reply=guide.message("empty_message"))
    limit = get_settings().max_message_chars
    if len(text) > limit:
        masked = mask_personal_data(text[:limit])
        logger.info("Message of %d characters refused (limit %d).", len(text), limit)
        return PreparedMessage(
            text=masked.text, masked_kinds=masked.kinds, reply=guide.message("message_too_long", max_chars=limit)
        )
    masked = mask_personal_data(text)
    if masked.found:
        logger.info("Masked personal data in a customer message: %s", ", ".join(masked.kinds))
    return PreparedMessage(text=masked.text, masked_kinds=masked.kinds)


def notices(prepared: PreparedMessage) -> List[str]:
    """What the customer is told before (or instead of) the bot's answer: a warning when personal data
    was masked, and the polite reply for an empty or over-long message."""
    guide = load_guide()
    told = [guide.message("sensitive_data_warning")] if prepared.masked_kinds else []
    if prepared.reply is not None:
        told.append(prepared.reply)
    return told


def silence_reply() -> str:
    """The answer for a turn in which the bot said nothing (it failed): apology, phone, hours."""
    return load_guide().message("technical_error")


def finish_replies(prepared: PreparedMessage, replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Adds what the customer must see besides the bot's own replies.

    Args:
        prepared: The message as prepared by :func:`prepare_message`.
        replies: What the bot answered (empty when it failed or did not run).

    Returns:
        The replies to send, never empty.
    """
    finished: List[Dict[str, Any]] = [{"text": text} for text in notices(prepared)]
    if prepared.runs_bot:
        finished.extend(replies or [{"text": silence_reply()}])
    return finished
