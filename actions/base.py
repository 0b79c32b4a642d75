"""The base of every action that answers from the support guide."""

from __future__ import annotations

import abc
from typing import Text

from rasa_sdk import Action

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
