"""Custom actions that fail or hang still give the customer an answer, within seconds; and fast.

Rasa waits up to 300 s for the action server and, when it fails, logs the error and says nothing.
:class:`ResilientRemoteAction` bounds each call (``ACTION_TIMEOUT_S``, 3 s by default) and turns a
failure into the guide's technical-error answer (apology, phone number, hours) and a wait for the
customer's next message, so the conversation goes on normally once the action server is back.
:func:`rasa_runtime.patches.install` makes Rasa create it for every custom action it runs.

It also does per-call work once:

- the action server's response is checked against Rasa's schema with a validator built once: Rasa's
  own check calls ``jsonschema.validate``, which re-validates the schema itself on every call and took
  about half of the server's CPU time per message in a py-spy profile;
- calls reuse kept-alive connections (:class:`KeepAliveEndpoint`): Rasa opens a new aiohttp session,
  connection pool and TCP connection for every action call (two or three per customer message), and
  the action server sets up a new connection for each.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import BotUttered, Event, FollowupAction
from rasa.utils.endpoints import EndpointConfig

from paybot.guide import load_guide
from paybot.settings import get_settings

logger = logging.getLogger(__name__)

# Idle kept-alive connections are closed after this many seconds: before the action server (Sanic)
# closes them itself after 5 s, so a request rarely meets a connection the server is closing.
KEEPALIVE_S = 2.0


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    """A jsonschema validator for action server responses, checked and built once per process."""
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


class _KeptSession:
    """Lends a long-lived session to Rasa's ``async with self.session() as session`` without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *_: Any) -> None:
        return None


# One session (and connection pool) per event loop and credentials; Rasa serves from one loop.
_sessions: Dict[Tuple[int, Optional[Tuple[str, str]]], aiohttp.ClientSession] = {}


class KeepAliveEndpoint(EndpointConfig):
    """The action server endpoint, requested over kept-alive connections instead of a new one per call."""

    @classmethod
    def wrapping(cls, endpoint: Optional[EndpointConfig]) -> Optional[EndpointConfig]:
        """The same endpoint (URL, headers, auth, token, TLS) with kept-alive connections."""
        if endpoint is None or isinstance(endpoint, cls):
            return endpoint
        return cls(
            endpoint.url, endpoint.params, endpoint.headers, endpoint.basic_auth, endpoint.token,
            endpoint.token_name, endpoint.cafile, type=endpoint.type, **endpoint.kwargs,
        )

    def session(self) -> Any:
        """The event loop's kept session, created on first use (see Rasa's ``EndpointConfig.session``)."""
        auth = (self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        key = (id(asyncio.get_running_loop()), auth)
        session = _sessions.get(key)
        if session is None or session.closed:
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S),
                headers=self.headers,
                auth=aiohttp.BasicAuth(*auth) if auth else None,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            )
            _sessions[key] = session
        return _KeptSession(session)

    async def request(self, *args: Any, **kwargs: Any) -> Any:
        """Rasa's request; once more on a fresh connection when a kept one turns out to be closed.

        A restarted action server, or one that closed an idle connection just as it was reused, drops
        the request before reading it; the second attempt goes on a new connection.
        """
        try:
            return await super().request(*args, **kwargs)
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:
            logger.debug("Kept-alive connection to the action server was closed (%s); retrying.", error)
            return await super().request(*args, **kwargs)


class ResilientRemoteAction(RemoteAction):
    """A custom action call with a time limit and a customer-facing answer when it fails."""

    def __init__(self, name: Text, action_endpoint: Optional[EndpointConfig]) -> None:
        """Creates the action; its endpoint keeps connections to the action server alive. Without an
        ``action_endpoint`` in endpoints.yml the action server is ``ACTION_SERVER_URL``."""
        from paybot.settings import get_settings

        endpoint = action_endpoint or EndpointConfig(get_settings().action_server_url)
        super().__init__(name, KeepAliveEndpoint.wrapping(endpoint))

    def _validate_action_result(self, result: Dict[Text, Any]) -> bool:
        """Validates the action server's response as Rasa does, with the cached validator."""
        from jsonschema import ValidationError
        from jsonschema.exceptions import best_match

        error = best_match(_response_validator().iter_errors(result))
        if error is None:
            return True
        if isinstance(error, ValidationError):
            error.message += ". Failed to validate Action server response from API."
        raise error

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        """Runs the action on the action server; on failure apologises with the phone number."""
        timeout = get_settings().action_timeout_s
        try:
            return await asyncio.wait_for(super().run(output_channel, nlg, tracker, domain), timeout=timeout)
        except ActionExecutionRejection:
            raise
        except asyncio.TimeoutError:
            logger.error("Custom action '%s' took longer than %.1f s; sent the technical-error answer.", self.name(), timeout)
        except Exception as error:  # noqa: BLE001 - any failure must still answer the customer
            logger.error("Custom action '%s' failed (%s); sent the technical-error answer.", self.name(), error)
        return [BotUttered(text=load_guide().message("technical_error")), FollowupAction(ACTION_LISTEN_NAME)]

