"""Rasa's socket.io channel (the web chat's), limited to allowed origins, with sessions that work.

Rasa 3.6's ``SocketIOInput`` is kept (events, the ``/socket.io`` path, the "socketio" name the
conversations are recorded under, the output channel), with two changes:

- **Allowed origins.** Rasa creates ``AsyncServer(async_mode="sanic", cors_allowed_origins=[])``, and
  for python-engineio an empty list means "no CORS handling": every origin is accepted, so any web page
  could talk to the bot from its visitors' browsers. Here the Engine.IO server accepts the origins of
  the setting ``WEB_CHAT_ALLOWED_ORIGINS`` (default: the chat page's own, see ``settings.defaults``).
  A connection (polling or WebSocket) with another ``Origin`` header gets
  ``400 "<origin> is not an accepted origin."``; an allowed one gets the CORS headers its page needs;
  ``*`` accepts every origin (Rasa's behaviour). Requests without ``Origin`` (not from a browser page)
  are not affected.
- **Session persistence.** Rasa's ``session_request`` handler calls ``sio.enter_room(...)`` without
  ``await`` (RasaHQ/rasa#13027). Since python-socketio 5.10 ``enter_room`` is a coroutine, so the
  socket never joins its session's room and, with ``session_persistence: true``, the bot's answers
  (sent to the room) reach nobody. The handler is replaced by one that awaits it; it also refuses
  a session id that is not a short printable string and makes a new one instead.

- **Guarded messages.** Like the REST channel (see :mod:`channels.guard`), every ``user_uttered``
  message is cleaned, capped and has its personal data masked before Rasa sees it, a photo or file (its
  address, or attachment fields in the payload or its metadata) is answered without NLU, and a leading "/"
  is a command only for the bot's own button payloads; unreadable payloads
  get a polite reply instead of an exception, and a turn in which the bot said nothing gets the
  technical-error answer with the phone number.

Registered in ``credentials.yml`` as ``channels.socketio_channel.AllowedOriginsSocketIOInput`` with
the same keys as Rasa's ``socketio`` entry.
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text, Union

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from channels.guard import notices, prepare_message, silence_reply, user_message
from paybot.media import media_in_fields
from paybot.settings import get_settings

logger = logging.getLogger(__name__)

# What python-engineio takes as ``cors_allowed_origins``: "*" for every origin, else a list.
EngineIOOrigins = Union[Text, List[Text]]
# A session id becomes the conversation's sender id (a 255-character column in the SQL tracker store).
MAX_SESSION_ID_CHARS = 128


def engineio_origins(allowed: Sequence[str]) -> EngineIOOrigins:
    """Turns the setting's origins into python-engineio's ``cors_allowed_origins`` value.

    Args:
        allowed: Origins such as ``http://127.0.0.1:8080``; ``*`` among them allows every origin.

    Returns:
        ``"*"`` when every origin is allowed, else the origins without trailing slashes (browsers send
        ``Origin`` without one, and engineio compares strings exactly).

    Raises:
        ValueError: When no origin is given: python-engineio would read an empty list as "accept
            every origin", the opposite of what an empty setting looks like it means.
    """
    origins = [origin.strip().rstrip("/") for origin in allowed if origin.strip()]
    if not origins:
        raise ValueError("WEB_CHAT_ALLOWED_ORIGINS is empty; name the chat page's origin, or '*' for any.")
    if "*" in origins:
        return "*"
    return origins


def session_id_from(data: Any) -> str:
    """The session id a ``session_request`` asks for, or a new one when it asks for none or a bad one.

    Args:
        data: The event's payload, ``{"session_id": ...}`` from rasa-webchat (``None`` or anything else
            from other clients).
    """
    requested = data.get("session_id") if isinstance(data, dict) else None
    if (
        isinstance(requested, str)
        and requested.strip()
        and len(requested) <= MAX_SESSION_ID_CHARS
        and requested.isprintable()
    ):
        return requested
    return uuid.uuid4().hex


class AllowedOriginsSocketIOInput(SocketIOInput):
    """Rasa's ``socketio`` channel accepting only ``WEB_CHAT_ALLOWED_ORIGINS``, with working sessions."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint, with allowed origins and an awaited ``enter_room``."""
        socketio_blueprint = super().blueprint(on_new_message)
        sio = self.sio
        if sio is None:  # Rasa's blueprint() creates it; fail loudly if a new Rasa stops doing so
            raise RuntimeError("Rasa's SocketIOInput.blueprint() created no socket.io server.")

        origins = engineio_origins(get_settings().web_chat_allowed_origins)
        # Rasa built the server with cors_allowed_origins=[]; engineio reads the attribute per request.
        sio.eio.cors_allowed_origins = origins
        logger.info("socket.io channel accepts connections from: %s", origins)

        # Registering a handler for an event replaces Rasa's.
        sio.on("session_request", self._session_request_handler(sio), namespace=self.namespace)
        sio.on(self.user_message_evt, self._user_message_handler(sio, on_new_message), namespace=self.namespace)
        return socketio_blueprint

    def _user_message_handler(
        self, sio: AsyncServer, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[Text, Any], Awaitable[None]]:
        """The ``user_uttered`` handler: guarded like the REST channel, always answering."""

        async def handle_message(sid: Text, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            sender_id = sid
            if self.session_persistence:
                session_id = data.get("session_id")
                if isinstance(session_id, str) and session_id.strip():
                    sender_id = session_id
                else:
                    # Rasa drops such a message silently; it is answered in its socket's own conversation.
                    logger.warning("socket.io message without a session id from %s; answered on the socket.", sid)
            raw = data.get("message")
            metadata = _metadata(data.get(self.metadata_key))
            attachments = media_in_fields(data, "payload") + media_in_fields(metadata, "metadata")
            prepared = prepare_message(raw if isinstance(raw, str) else "", attachments)
            output = _CountingSocketIOOutput(sio, self.bot_message_evt)
            for notice in notices(prepared):
                await output.send_text_message(sender_id, notice)
            if not prepared.runs_bot:
                return
            sent_before = output.sent
            try:
                await on_new_message(user_message(prepared, output, sender_id, self.name(), metadata))
            except Exception:  # noqa: BLE001 - the customer must get an answer whatever failed
                logger.exception("The bot failed on a socket.io message from session %s.", sender_id)
            if output.sent == sent_before:
                await output.send_text_message(sender_id, silence_reply())

        return handle_message

    def _session_request_handler(self, sio: AsyncServer) -> Callable[[Text, Any], Awaitable[None]]:
        """The ``session_request`` handler: joins the session's room, then confirms the session id."""

        async def session_request(sid: Text, data: Optional[Any] = None) -> None:
            session_id = session_id_from(data)
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):  # a coroutine since python-socketio 5.10
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("socket.io client %s joined session %s.", sid, session_id)

        return session_request


class _CountingSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, counting what it sends so a silent turn can be noticed."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)


def _metadata(raw: Any) -> Optional[Dict[Text, Any]]:
    """The message's metadata as a dict; a JSON string is decoded, anything unreadable dropped."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return None
    return raw if isinstance(raw, dict) else None
