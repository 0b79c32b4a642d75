"""Unclear messages: the likeliest topics as buttons; a second miss in a row hands off."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import GuideAction
from actions.constants import NLU_FALLBACK
from paybot.clarify import likely_topics


def previous_user_intent(tracker: Tracker) -> Optional[Text]:
    """The intent of the customer's message before the latest one."""
    user_events = [event for event in tracker.events if event.get("event") == "user"]
    if len(user_events) < 2:
        return None
    return ((user_events[-2].get("parse_data") or {}).get("intent") or {}).get("name")


class ActionClarify(GuideAction):
    """Asks which topic the customer meant, or hands off after a second unclear message."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Sends the clarification buttons or, on a second miss in a row, the hand-off."""
        guide = self.guide
        if previous_user_intent(tracker) == NLU_FALLBACK:
            dispatcher.utter_message(text=guide.message("fallback_handoff"))
            return []
        ranking = tracker.latest_message.get("intent_ranking") or []
        buttons = [
            {"title": label, "payload": f"/{intent}"}
            for intent, label in likely_topics(ranking, guide.labels)
        ]
        dispatcher.utter_message(text=guide.message("clarify"), buttons=buttons)
        return []
