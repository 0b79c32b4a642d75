"""The one action that answers every customer message, in the conversation's context.

Thin by design: it reads the message and the context slots from the tracker, asks
``paybot.dialogue.flow.respond`` what to say (a pure function, tested on its own), sends the messages
and returns the slot changes. See docs/architecture.md for how a turn is decided.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import GuideAction
from paybot.clock import now
from paybot.dialogue.flow import respond
from paybot.dialogue.state import Context, Turn
from paybot.operator_chat import chat_handoff_line

logger = logging.getLogger(__name__)


class ActionRespond(GuideAction):
    """Answers the latest message: the pending question, the emergency, or the topic."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_respond"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Sends the reply and returns the context slots it changed."""
        guide = self.guide
        latest = tracker.latest_message or {}
        turn = Turn.from_parse(latest.get("text") or "", latest)
        context = Context.from_slots(tracker.current_slot_values())
        channel = tracker.get_latest_input_channel()
        outcome = respond(turn, context, guide, now(guide.hours.timezone), lambda g: chat_handoff_line(channel, g))
        for message in outcome.messages:
            dispatcher.utter_message(**message.as_dict())
        return [SlotSet(slot, value) for slot, value in outcome.slots.items()]
