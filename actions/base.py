"""The base of every action that answers from the support guide."""

from __future__ import annotations

import abc
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker

from paybot.guide import Guide, load_guide


class GuideAction(Action, abc.ABC):
    """An action that reads the operator-editable guide; never registered itself."""

    @abc.abstractmethod
    def name(self) -> Text:
        """Unique identifier of the action."""

    @property
    def guide(self) -> Guide:
        """The current guide (re-read only when the file changed)."""
        return load_guide()


def latest_intent(tracker: Tracker) -> Optional[Text]:
    """The intent of the customer's latest message, if any."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entities(tracker: Tracker, entity: Text) -> List[Dict[Text, Any]]:
    """The entities of type ``entity`` found in the customer's latest message."""
    return [found for found in tracker.latest_message.get("entities") or [] if found.get("entity") == entity]
