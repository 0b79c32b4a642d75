"""Our changes to Rasa's own classes, all applied by :func:`install`, which says in the log which are active.

Each patch replaces a class where Rasa looks it up when it needs one, so Rasa's code runs unchanged
around it:

- ``rasa.core.actions.action.RemoteAction``: every custom action call is bounded and a failure answered
  (:class:`rasa_runtime.remote_action.ResilientRemoteAction`);
- ``rasa.core.agent.FailSafeTrackerStore``: a lost tracker store fails the turn with the technical-error
  answer instead of a silent fresh conversation (:class:`rasa_runtime.fail_safe.StrictFailSafeTrackerStore`);
- ``rasa.core.agent.MessageProcessor``: the NLU parse runs on a worker thread, so the event loop keeps
  answering (Kakao's deadline timers, other customers) while a message is parsed
  (:class:`rasa_runtime.nlu_thread.ThreadedNluProcessor`). The agent creates its processor when it loads
  a model, after the tracker store, so every model the server loads gets it.

Who calls :func:`install`: our tracker store (:class:`rasa_runtime.tracker_store.ConversationStore`), which
Rasa creates from ``endpoints.yml`` in ``rasa run`` and ``rasa shell`` before its agent wraps the store and
before any action runs. Importing a module of ours changes nothing in Rasa.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Callable, List

logger = logging.getLogger(__name__)


def _resilient_remote_action() -> type:
    from rasa_runtime.remote_action import ResilientRemoteAction

    return ResilientRemoteAction


def _strict_fail_safe_tracker_store() -> type:
    from rasa_runtime.fail_safe import StrictFailSafeTrackerStore

    return StrictFailSafeTrackerStore


def _threaded_nlu_processor() -> type:
    from rasa_runtime.nlu_thread import ThreadedNluProcessor

    return ThreadedNluProcessor


def _action_bound_summary() -> str:
    from paybot.settings import get_settings

    return f"custom actions bounded to {get_settings().action_timeout_s:g} s, failures answered with the apology"


@dataclass(frozen=True)
class Patch:
    """One Rasa class replaced by ours where Rasa looks it up."""

    # Where Rasa looks the class up (a module and a name in it).
    module: str
    attribute: str
    # Our class, imported only when the patch is applied (it imports Rasa).
    replacement: Callable[[], type]
    # What the patch does, as the start-up log says it.
    summary: Callable[[], str]

    @property
    def target(self) -> str:
        """The patched name, e.g. ``rasa.core.agent.FailSafeTrackerStore``."""
        return f"{self.module}.{self.attribute}"

    def is_active(self) -> bool:
        """Whether Rasa currently finds our class under the patched name."""
        return getattr(importlib.import_module(self.module), self.attribute) is self.replacement()

    def apply(self) -> bool:
        """Puts our class under the patched name; returns whether it was not there yet."""
        if self.is_active():
            return False
        setattr(importlib.import_module(self.module), self.attribute, self.replacement())
        return True


PATCHES = (
    Patch("rasa.core.actions.action", "RemoteAction", _resilient_remote_action, _action_bound_summary),
    Patch(
        "rasa.core.agent",
        "FailSafeTrackerStore",
        _strict_fail_safe_tracker_store,
        lambda: "a failing tracker store answers with the apology instead of a fresh conversation",
    ),
    Patch(
        "rasa.core.agent",
        "MessageProcessor",
        _threaded_nlu_processor,
        lambda: "NLU parses on a worker thread, off the event loop",
    ),
)


def active() -> List[str]:
    """The patched names Rasa currently finds our classes under."""
    return [patch.target for patch in PATCHES if patch.is_active()]


def install() -> List[str]:
    """Applies every patch not applied yet (idempotent) and returns the active ones.

    Logs once, when the first patch is applied in this process, what is changed; calling it again
    (Rasa creates a new tracker store when it loads another model) changes and logs nothing.
    """
    applied = [patch for patch in PATCHES if patch.apply()]
    if applied:
        logger.info(
            "Rasa patched by rasa_runtime: %s.",
            "; ".join(f"{patch.summary()} ({patch.target})" for patch in PATCHES if patch.is_active()),
        )
    return active()
