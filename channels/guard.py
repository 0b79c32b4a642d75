"""What every channel does to a customer's message before Rasa sees it, and to the replies after.

Before, in this order:

- control characters removed;
- **non-text input** recognised (:mod:`paybot.media`): a message that is nothing but a photo, video,
  voice message, file, location or sticker (its address, a chat app's placeholder, or attachment
  fields) is recorded as its marker (``[사진]``) with ``parse_data`` set by the channel, so NLU never
  reads it and the answer action gives the guide's ``media_<kind>`` answer; media addresses inside
  words are replaced by their markers and the customer is told the attachment was not read;
- **commands neutralised**: Rasa takes any text starting with "/" as an intent with entities. Only the
  payloads the bot's own buttons send (:func:`paybot.dialogue.replies.offered_payloads`) pass as they
  are; any other leading "/" is removed, so "/restart" and ``/refund{"amount": ...}`` are read as text;
- empty messages answered politely without running the bot;
- personal data masked (so nothing unmasked reaches NLU, the tracker store or the logs);
- **long messages**: over ``MAX_MESSAGE_CHARS`` the bot reads the beginning and the customer is told
  so, with the phone number (never a refusal).

After: the notices (personal data masked, attachment not read, only the beginning read), and the
technical-error answer (with the phone number) when the bot produced nothing.

What the guard did is kept in the message's metadata under ``guard`` (the media's kind, source and host,
never its address; whether a command was neutralised; the original length of a long message).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Collection, Dict, List, Optional, Sequence, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage

from paybot.dialogue.replies import INTENT_PREFIX, offered_payloads
from paybot.dialogue.state import MEDIA_KEY
from paybot.guide import load_guide
from paybot.media import (
    ATTACHMENT_KEYS,
    WITH_TEXT_MESSAGE,
    Media,
    describe,
    is_attachment_caption,
    media_in_text,
    media_only_text,
)
from paybot.privacy import mask_personal_data
from paybot.settings import get_settings

logger = logging.getLogger(__name__)

# C0 controls (NUL included) and DEL, except tab and newline; lone surrogates from bad decoding.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
# What a command loses: its slashes and the spaces around them ("/ /restart" -> "restart").
_COMMAND_PREFIX = INTENT_PREFIX + " \t\n"
# The intent a media message is recorded with: a detail given inside the conversation, routed to the
# answer action like every intent (data/rules/inform.yml); the answer comes from parse_data["media"].
MEDIA_INTENT = "inform"
# Metadata key of what the guard did to the message.
GUARD_KEY = "guard"
# Markers recorded for one message at most (ten photos at once are "[사진]" ten times).
MAX_MARKERS = 10


@dataclass
class PreparedMessage:
    """A customer message made safe for the bot, or the reply to give instead of running it.

    Attributes:
        text: What Rasa gets: the masked text, its beginning when it was long, or the media marker.
        masked_kinds: Kinds of personal data masked.
        reply: When set, the bot is not run and the customer gets this guide message.
        media: Non-text input in the message.
        media_only: The message was nothing but media: the bot runs without NLU (see ``parse_data``).
        neutralised_command: A leading "/" that was not one of the bot's payloads was removed.
        original_chars: The message's length when only its beginning is read.
    """

    text: str
    masked_kinds: List[str] = field(default_factory=list)
    reply: Optional[str] = None
    media: List[Media] = field(default_factory=list)
    media_only: bool = False
    neutralised_command: bool = False
    original_chars: Optional[int] = None

    @property
    def runs_bot(self) -> bool:
        """Whether the message goes to the bot."""
        return self.reply is None

    @property
    def parse_data(self) -> Optional[Dict[str, Any]]:
        """The NLU result the channel gives Rasa for a media message (so NLU does not run), else ``None``."""
        if not self.media_only or not self.media:
            return None
        intent = {"name": MEDIA_INTENT, "confidence": 1.0}
        return {"text": self.text, "intent": intent, "intent_ranking": [intent], "entities": [],
                MEDIA_KEY: self.media[0].kind}

    def metadata(self, channel_metadata: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
        """The metadata kept with the message: the channel's, without attachment fields, and what the guard did."""
        kept = {key: value for key, value in (channel_metadata or {}).items()
                if not (isinstance(key, str) and key.lower() in ATTACHMENT_KEYS) and key != GUARD_KEY}
        done: Dict[str, Any] = {}
        if self.media:
            done["media"] = describe(self.media)
        if self.neutralised_command:
            done["neutralised_command"] = True
        if self.original_chars is not None:
            done["original_chars"] = self.original_chars
        if done:
            kept[GUARD_KEY] = done
        return kept if kept or channel_metadata is not None else None


def neutralise_command(text: str, allowed: Collection[str]) -> Tuple[str, bool]:
    """Removes a leading "/" unless the text is exactly one of the bot's own payloads.

    Args:
        text: The cleaned message.
        allowed: The payloads the bot's buttons send ("/affirm", "/refund", ...).

    Returns:
        The text Rasa may read, and whether a command was neutralised.
    """
    if not text.startswith(INTENT_PREFIX) or text in allowed:
        return text, False
    return text.lstrip(_COMMAND_PREFIX).strip(), True


def _media_message(media: Sequence[Media]) -> PreparedMessage:
    """A message that was nothing but media: recorded as its markers, answered without NLU."""
    markers = " ".join(item.marker for item in media[:MAX_MARKERS])
    logger.info("Non-text message (%s) answered without NLU.", ", ".join(sorted({item.kind for item in media})))
    return PreparedMessage(text=markers, media=list(media), media_only=True)


def prepare_message(raw: str, attachments: Sequence[Media] = ()) -> PreparedMessage:
    """Cleans one customer message, recognises media, neutralises commands, masks and caps it.

    Args:
        raw: The message text as the channel received it.
        attachments: Media the channel found beside the text (attachment fields, Kakao parameters).

    Returns:
        What the bot gets (text, or the media marker with ``parse_data``), or a polite reply for an
        empty message.
    """
    guide = load_guide()
    text = _CONTROL.sub(" ", raw).strip()
    text, neutralised = neutralise_command(text, offered_payloads(guide))
    if neutralised:
        logger.info("A message starting with '/' that is not one of the bot's payloads was read as text.")
    only = media_only_text(text)
    if only or (attachments and (not text or is_attachment_caption(text))):
        return _media_message(list(attachments) or only)
    text, inline = media_in_text(text)
    media = list(attachments) + inline
    if not text:
        return PreparedMessage(text="", reply=guide.message("empty_message"), neutralised_command=neutralised)
    masked = mask_personal_data(text)
    if masked.found:
        logger.info("Masked personal data in a customer message: %s", ", ".join(masked.kinds))
    prepared = PreparedMessage(text=masked.text, masked_kinds=masked.kinds, media=media, neutralised_command=neutralised)
    limit = get_settings().max_message_chars
    if len(prepared.text) > limit:
        logger.info("Message of %d characters: the bot reads the first %d.", len(prepared.text), limit)
        prepared.original_chars = len(prepared.text)
        prepared.text = prepared.text[:limit].rstrip()
    return prepared


def notices(prepared: PreparedMessage) -> List[str]:
    """What the customer is told before (or instead of) the bot's answer: a warning when personal data
    was masked, that an attachment was not read, that only the beginning was read, and the polite reply
    for an empty message."""
    guide = load_guide()
    told = [guide.message("sensitive_data_warning")] if prepared.masked_kinds else []
    if prepared.media and not prepared.media_only:
        told.append(guide.message(WITH_TEXT_MESSAGE))
    if prepared.original_chars is not None:
        told.append(guide.message("message_too_long", max_chars=get_settings().max_message_chars))
    if prepared.reply is not None:
        told.append(prepared.reply)
    return told


def user_message(
    prepared: PreparedMessage,
    output: OutputChannel,
    sender_id: str,
    input_channel: str,
    metadata: Optional[Dict[str, Any]] = None,
) -> UserMessage:
    """The message for Rasa: the prepared text, the channel's ``parse_data`` for media, and the metadata."""
    return UserMessage(
        prepared.text,
        output,
        sender_id,
        parse_data=prepared.parse_data,
        input_channel=input_channel,
        metadata=prepared.metadata(metadata),
    )


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
