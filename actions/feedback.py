"""Feedback after a resolved topic: a 1-5 rating and an optional comment, kept in the tracker."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import latest_intent
from actions.constants import (
    DENY,
    FEEDBACK_COMMENT,
    FEEDBACK_RATING,
    REQUESTED_SLOT,
    SKIPPED,
    UTTER_INVALID_RATING,
)
from paybot.ratings import parse_rating

# Intents that leave the rating question for another topic (handled by the rules).
TOPIC_CHANGES = frozenset(
    {
        "payment_failure", "transfer_issue", "refund", "account_access", "ask_contact",
        "ask_hours", "consultation_procedure", "prepare_checklist", "ask_policy",
        "request_human", "report_fraud",
    }
)
MAX_COMMENT_CHARS = 500


class ValidateFeedbackForm(FormValidationAction):
    """Reads the rating from digits, stars or words; a skip ends the feedback politely."""

    def name(self) -> Text:
        """Unique identifier of the form validation action."""
        return "validate_feedback_form"

    async def extract_feedback_rating(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Extracts the rating while it is being asked for.

        Returns nothing for a different topic, so the form yields to the rules that answer it.
        """
        if tracker.get_slot(REQUESTED_SLOT) != FEEDBACK_RATING:
            return {}
        rating = parse_rating(tracker.latest_message.get("text") or "")
        if rating is not None:
            return {FEEDBACK_RATING: rating}
        intent = latest_intent(tracker)
        if intent == DENY:
            return {FEEDBACK_RATING: SKIPPED, FEEDBACK_COMMENT: SKIPPED}
        if intent in TOPIC_CHANGES:
            return {}
        dispatcher.utter_message(response=UTTER_INVALID_RATING)
        return {FEEDBACK_RATING: None}

    def validate_feedback_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Keeps the comment, trimmed; an empty one counts as skipped."""
        text = " ".join(str(value or "").split())
        return {FEEDBACK_COMMENT: text[:MAX_COMMENT_CHARS] if text else SKIPPED}
