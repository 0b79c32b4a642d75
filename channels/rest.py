"""The REST channel, hardened: bad input gets a 4xx JSON error, failures still get an answer.

Same URL and reply format as Rasa's own ``rest`` channel (``POST /webhooks/rest/webhook`` with
``{"sender": ..., "message": ...}``), but:

- invalid UTF-8, invalid JSON, a non-object body, a missing or wrongly typed sender or message → 400
  with ``{"error": ...}`` (Rasa's answers a JSON array with a 500, a missing sender by mixing everyone
  into the shared "default" conversation);
- empty messages get a polite reply without running the bot; over-long ones are read from the beginning,
  and the customer is told so (never a 4xx for what a customer typed);
- a message that is only a photo or file (its address, or attachment fields beside or in ``metadata``:
  ``attachments``, ``image``, ``file``, ...) is answered from the guide without NLU; a leading "/" is a
  command only for the bot's own button payloads; personal data is masked before Rasa sees the text
  (see :mod:`channels.guard`);
- when the bot fails or says nothing, the customer gets the technical-error answer with the phone
  number instead of an empty list;
- replies are UTF-8 JSON with the Korean as it is (Rasa's escape every non-ASCII character),
  so they read in curl and in logs.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import finish_replies, prepare_message, user_message
from paybot.media import Media, media_in_fields

logger = logging.getLogger(__name__)

# JSON with non-ASCII characters as they are (the body is UTF-8).
_dumps = functools.partial(json.dumps, ensure_ascii=False)

# Longest sender id accepted; Rasa's SQL tracker store keeps sender ids in a 255-character column.
MAX_SENDER_ID_CHARS = 128


class BadRequest(ValueError):
    """The request cannot be read; the message says why, in words safe to return."""


def _error(message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": message}, status=status, dumps=_dumps)


@dataclass
class RestMessage:
    """One REST request, read: who sent it, the text, the metadata and any attachments beside them."""

    sender: Text
    message: Text
    metadata: Optional[Dict[Text, Any]]
    attachments: List[Media] = field(default_factory=list)


def parse_rest_body(body: bytes) -> RestMessage:
    """Reads sender, message, optional metadata and attachments from a REST request body.

    The message may be missing or ``null`` when the request carries an attachment (a photo sent without
    words); attachments are looked for beside ``message`` and inside ``metadata``.

    Raises:
        BadRequest: When the body is not a JSON object with a string sender and message.
    """
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BadRequest("The request body is not valid UTF-8.") from error
    except json.JSONDecodeError as error:
        raise BadRequest("The request body is not valid JSON.") from error
    if not isinstance(payload, dict):
        raise BadRequest("The request body must be a JSON object with 'sender' and 'message'.")

    sender = payload.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest("'sender' must be a non-empty string.")
    if len(sender) > MAX_SENDER_ID_CHARS or any(not character.isprintable() for character in sender):
        raise BadRequest(f"'sender' must be at most {MAX_SENDER_ID_CHARS} printable characters.")

    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be a JSON object.")
    attachments = media_in_fields(payload, "body") + media_in_fields(metadata, "metadata")
    message = payload.get("message")
    if message is None and attachments:
        message = ""
    if not isinstance(message, str):
        raise BadRequest("'message' must be a string.")
    return RestMessage(sender, message, metadata, attachments)


class SafeRestInput(InputChannel):
    """Rasa's REST channel contract with input validation, masking and a reply for every message."""

    @classmethod
    def name(cls) -> Text:
        """Name of the channel (its webhook is /webhooks/rest/webhook)."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The channel's Sanic blueprint."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                read = parse_rest_body(request.body or b"")
            except BadRequest as error:
                return _error(str(error))

            sender = read.sender
            prepared = prepare_message(read.message, read.attachments)
            collector = CollectingOutputChannel()
            if prepared.runs_bot:
                try:
                    await on_new_message(user_message(prepared, collector, sender, self.name(), read.metadata))
                except Exception:  # noqa: BLE001 - the customer must get an answer whatever failed
                    logger.exception("The bot failed on a REST message from sender %s.", sender)
            replies = finish_replies(prepared, collector.messages)
            return response.json([{"recipient_id": sender, **reply} for reply in replies], dumps=_dumps)

        return webhook
