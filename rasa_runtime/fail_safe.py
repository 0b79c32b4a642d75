"""A tracker store lost while the bot runs fails the turn loudly instead of starting the customer over.

Rasa wraps every tracker store in a ``FailSafeTrackerStore`` that, when loading fails, hands out a *new,
empty* conversation and, when saving fails, keeps the turn in memory: the customer silently starts over,
and what they said in the meantime never reaches the database. :class:`StrictFailSafeTrackerStore` makes
such an error log and reach the channel instead, which answers with the technical-error message (apology,
phone number, hours); once the database is back, the conversation continues where it was.
:func:`rasa_runtime.patches.install` makes Rasa's agent use it.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore

logger = logging.getLogger(__name__)


class ConversationStoreUnavailable(RuntimeError):
    """The tracker store failed: the turn cannot be answered from the conversation, nor stored."""


def _raise_unavailable(error: Exception) -> None:
    """Logs a tracker store error and raises it on, instead of Rasa's silent in-memory fallback."""
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    logger.error("The conversation store failed (%s: %s); the customer gets the technical-error answer.",
                 type(error).__name__, first_line)
    raise ConversationStoreUnavailable(first_line) from error


class StrictFailSafeTrackerStore(FailSafeTrackerStore):
    """Rasa's tracker store wrapper with errors raised to the channel instead of a fresh conversation."""

    def __init__(
        self,
        tracker_store: TrackerStore,
        on_tracker_store_error: Optional[Any] = None,
        fallback_tracker_store: Optional[TrackerStore] = None,
    ) -> None:
        """Wraps ``tracker_store`` like Rasa's class; store errors are logged and raised."""
        super().__init__(tracker_store, on_tracker_store_error or _raise_unavailable, fallback_tracker_store)
