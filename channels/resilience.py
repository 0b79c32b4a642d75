"""Custom actions that fail or hang still give the customer an answer, within seconds; and fast.

Rasa waits up to 300 s for the action server and, when it fails, logs the error and says nothing.
:class:`ResilientRemoteAction` bounds each call (``ACTION_TIMEOUT_S``, 3 s by default) and turns a
failure into the guide's technical-error answer (apology, phone number, hours) and a wait for the
customer's next message, so the conversation goes on normally once the action server is back.

It also checks the action server's response against Rasa's schema with a validator built once:
Rasa's own check calls ``jsonschema.validate``, which re-validates the schema itself on every call and
took about half of the server's CPU time per message in a py-spy profile.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Dict, List, Text

import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import BotUttered, Event, FollowupAction

from paybot.guide import load_guide
from paybot.settings import get_settings

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    """A jsonschema validator for action server responses, checked and built once per process."""
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


class ResilientRemoteAction(RemoteAction):
    """A custom action call with a time limit and a customer-facing answer when it fails."""

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


def install() -> None:
    """Makes Rasa create :class:`ResilientRemoteAction` for every custom action it runs."""
    rasa_actions.RemoteAction = ResilientRemoteAction  # type: ignore[misc]
