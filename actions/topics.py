"""Answers every guide topic (payment, transfer, refund, contact, hours, policy ...) from the guide."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import GuideAction, latest_entities, latest_intent
from actions.constants import AMOUNT, ERROR_CODE, TOPIC
from paybot.formatting import format_won

logger = logging.getLogger(__name__)


class ActionAnswerTopic(GuideAction):
    """Sends the guide's answer for the intent of the latest message.

    Details the customer gave are acknowledged: an amount is repeated back, and an error code is
    answered honestly (the guide explains no specific codes).
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answers from the guide; remembers problem topics for the case summary."""
        guide = self.guide
        intent = latest_intent(tracker) or ""
        topic = guide.topic(intent)
        if topic is None:
            logger.warning("No guide topic for intent %r; sending the out-of-scope answer.", intent)
            dispatcher.utter_message(text=guide.answer("out_of_scope"))
            return []

        lines = [guide.answer(intent)]
        for found in latest_entities(tracker, AMOUNT)[:1]:
            lines.append(guide.message("amount_noted", amount_text=format_won(found["value"])))
        for found in latest_entities(tracker, ERROR_CODE)[:1]:
            lines.append(guide.message("unknown_error_code", error_code=found["value"]))
        dispatcher.utter_message(text="\n".join(lines))
        return [SlotSet(TOPIC, intent)] if topic.ask_resolved else []
