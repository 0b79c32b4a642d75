"""The REST channel, hardened: bad input gets a 4xx JSON error, failures still get an answer.

Same URL and reply format as Rasa's own ``rest`` channel (``POST /webhooks/rest/webhook`` with
``{"sender": ..., "message": ...}``), but:

- invalid UTF-8, invalid JSON, a non-object body, a missing or wrongly typed sender or message → 400
  with ``{"error": ...}`` (Rasa's answers a JSON array with a 500, a missing sender by mixing everyone
  into the shared "default" conversation);
- empty and over-long messages get a polite reply without running the bot;
- personal data is masked before Rasa sees the text (see :mod:`channels.guard`);
- when the bot fails or says nothing, the customer gets the technical-error answer with the phone
  number instead of an empty list;
- replies are UTF-8 JSON with the Korean as it is (Rasa's escape every non-ASCII character),
  so they read in curl and in logs.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import finish_replies, prepare_message

logger = logging.getLogger(__name__)

# JSON with non-ASCII characters as they are (the body is UTF-8).
_dumps = functools.partial(json.dumps, ensure_ascii=False)

# Longest sender id accepted; Rasa's SQL tracker store keeps sender ids in a 255-character column.
MAX_SENDER_ID_CHARS = 128


class BadRequest(ValueError):
    """The request cannot be read; the message says why, in words safe to return."""


def _error(message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": message}, status=status, dumps=_dumps)


def parse_rest_body(body: bytes) -> Tuple[Text, Text, Optional[Dict[Text, Any]]]:
    """Reads sender, message and optional metadata from a REST request body.

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

    message = payload.get("message")
    if not isinstance(message, str):
        raise BadRequest("'message' must be a string.")
    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be a JSON object.")
    return sender, message, metadata


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
                sender, raw_message, metadata = parse_rest_body(request.body or b"")
            except BadRequest as error:
                return _error(str(error))

            prepared = prepare_message(raw_message)
            collector = CollectingOutputChannel()
            if prepared.runs_bot:
                try:
                    await on_new_message(
                        UserMessage(prepared.text, collector, sender, input_channel=self.name(), metadata=metadata)
                    )
                except Exception:  # noqa: BLE001 - the customer must get an answer whatever failed
                    logger.exception("The bot failed on a REST message from sender %s.", sender)
            replies = finish_replies(prepared, collector.messages)
            return response.json([{"recipient_id": sender, **reply} for reply in replies], dumps=_dumps)

        return webhook
