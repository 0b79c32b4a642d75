"""Hand-off to a person: phone number, whether agents work now, and the optional case summary."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import GuideAction, latest_intent
from actions.constants import (
    CASE_ERROR,
    CASE_FEATURE,
    CASE_SLOTS,
    CASE_WHEN,
    ERROR_CODE,
    METHOD,
    REPORT_FRAUD,
    REQUEST_HUMAN,
    TOPIC,
    UTTER_OFFER_CASE_SUMMARY,
    WHEN,
)
from paybot.case_summary import SKIPPED, prefill_feature, summary_values
from paybot.operator_chat import chat_handoff_line

# Longest answer kept for one case question; the summary is read aloud, not an essay.
MAX_CASE_ANSWER_CHARS = 200


class ActionHandoff(GuideAction):
    """Gives the phone number and agent status at once, then offers to prepare a case summary.

    A fraud report gets the guide's urgent answer with its safety steps; a request for a person
    gets the request_human answer, ending with how this chat can (Kakao's operator button) or cannot
    reach a person; an unresolved problem gets the hand-off message.
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Sends the hand-off and the case-summary offer."""
        guide = self.guide
        intent = latest_intent(tracker)
        if intent == REQUEST_HUMAN:
            line = chat_handoff_line(tracker.get_latest_input_channel(), guide)
            dispatcher.utter_message(text=f"{guide.answer(intent)}\n{line}")
        elif intent == REPORT_FRAUD:
            dispatcher.utter_message(text=guide.answer(intent))
        else:
            dispatcher.utter_message(text=guide.message("handoff"))
        dispatcher.utter_message(
            response=UTTER_OFFER_CASE_SUMMARY, offer_text=guide.message("offer_case_summary")
        )
        return [SlotSet(TOPIC, REPORT_FRAUD)] if intent == REPORT_FRAUD else []


class ActionStartCase(GuideAction):
    """Prefills the case questions with what the customer already said, so only the rest is asked."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_start_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Sets the case slots that the time, method, error code and topic seen so far answer."""
        topic = self.guide.topic(tracker.get_slot(TOPIC) or "")
        known = {
            CASE_WHEN: tracker.get_slot(WHEN),
            CASE_FEATURE: prefill_feature(topic.label if topic else None, tracker.get_slot(METHOD)),
            CASE_ERROR: tracker.get_slot(ERROR_CODE),
        }
        return [SlotSet(slot, value) for slot, value in known.items() if value]


class ActionCaseSummary(GuideAction):
    """Shows the case summary to read to the agent, with the phone number and agent status."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_case_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Sends the summary and clears the case so a later one starts afresh."""
        guide = self.guide
        values = summary_values(*(tracker.get_slot(slot) for slot in CASE_SLOTS))
        summary = guide.message("case_summary", **values)
        dispatcher.utter_message(text=f"{summary}\n{guide.agent_status_text()}")
        return [SlotSet(slot, None) for slot in CASE_SLOTS]


def _clean_answer(value: Any) -> Optional[Text]:
    """Trims a free-text case answer; an empty one counts as skipped, a missing one stays unasked."""
    if value is None or value == SKIPPED:
        return value
    text = " ".join(str(value or "").split())
    return text[:MAX_CASE_ANSWER_CHARS] if text else SKIPPED


class ValidateCaseForm(FormValidationAction):
    """Tidies the customer's answers to the case questions."""

    def name(self) -> Text:
        """Unique identifier of the form validation action."""
        return "validate_case_form"

    def validate_case_when(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Keeps when the problem happened."""
        return {CASE_WHEN: _clean_answer(value)}

    def validate_case_feature(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Keeps which feature was in use."""
        return {CASE_FEATURE: _clean_answer(value)}

    def validate_case_error(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Keeps the error message or code."""
        return {CASE_ERROR: _clean_answer(value)}
