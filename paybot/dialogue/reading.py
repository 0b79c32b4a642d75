"""How one message is read in the conversation's context, before the bot decides what to say.

The NLU model reads a message on its own; here the active topic and what the bot just asked
decide what it means: "카드로 결제했어요" during a refund is a detail of the refund, not a new
payment problem; "취소 가능해요?" after a wrong transfer is a question about that transfer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import List, Optional

from paybot.dialogue import cues
from paybot.dialogue.state import AMOUNT, ERROR_CODE, METHOD, WHEN, Context, Turn
from paybot.followups import ANSWER_THRESHOLD, FollowupHit
from paybot.guide import Guide

# Intents by what they are in a conversation. These are the only lists of intent names the dialogue
# keeps; nothing in domain/ or data/ repeats them (tests/unit/project/test_consistency.py checks both).
PROBLEM_TOPICS = frozenset({"payment_failure", "transfer_issue", "refund", "account_access", "report_fraud"})
GUIDE_QUESTIONS = frozenset(
    {"ask_contact", "ask_hours", "consultation_procedure", "prepare_checklist", "ask_policy", "give_feedback"}
)
# Questions about the center itself (and a request for a person), answered even in the middle of something else.
CENTER_QUESTIONS = GUIDE_QUESTIONS | {"request_human"}
# What leaves the bot's open question ("did it help?", the case questions, the rating; forms.py): one of
# these when the model is fairly sure, or a problem of PROBLEM_TOPICS clearly stated. Both also offer
# the case summary after their answer.
HANDOFF_INTENTS = frozenset({"request_human", "report_fraud"})
# The problems an emergency is about (fraud or a lost card; money sent to the wrong person): any other
# topic the customer clearly moves to leaves emergency mode (emergency.py).
EMERGENCY_TOPICS = frozenset({"report_fraud", "transfer_issue"})
# Intents that name a topic the guide answers (everything a customer may switch to).
TOPIC_INTENTS = PROBLEM_TOPICS | CENTER_QUESTIONS
UNCLEAR = "nlu_fallback"
DETAIL_ENTITIES = (AMOUNT, METHOD, WHEN, ERROR_CODE)

# A hit in the active topic wins over a slightly better one elsewhere.
ACTIVE_TOPIC_MARGIN = 0.1
# A follow-up wins over a question about the center the model is sure of only when it matches this well
# ("ARS에서 몇 번 눌러요?" is the ARS follow-up; "상담 시간 알려주세요" is the hours answer).
FOLLOWUP_OVER_TOPIC = 0.9
# The model must be this sure for a message to switch away from the active topic.
SWITCH_CONFIDENCE = 0.85
# A detail is short: longer messages with a topic are read as a new problem.
MAX_DETAIL_CHARS = 18

# "모르겠어요" alone is confusion; a longer message with it usually asks something ("뭘 준비할지 모르겠어요").
MAX_CONFUSED_CHARS = 10

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Reading:
    """One message read in its context; properties are computed on first use."""

    turn: Turn
    context: Context
    guide: Guide

    @property
    def intent(self) -> str:
        """The NLU's decision (``nlu_fallback`` when unsure)."""
        return self.turn.intent

    @property
    def compact_length(self) -> int:
        """The message's length without spaces."""
        return len(_SPACES.sub("", self.turn.text))

    @cached_property
    def question(self) -> bool:
        """The message asks something."""
        return cues.is_question(self.turn.text)

    @cached_property
    def annoyed(self) -> bool:
        """Anger, a sigh or swearing, whether or not the model saw it."""
        text = self.turn.text
        return self.intent == "frustration" or cues.is_annoyed(text) or (
            self.compact_length <= MAX_CONFUSED_CHARS and cues.is_confused(text)
        )

    @cached_property
    def details(self) -> dict:
        """The details this message gives (amount, method, when, error code)."""
        return {name: self.turn.entity(name) for name in DETAIL_ENTITIES if self.turn.entity(name) is not None}

    def sure(self, threshold: float = SWITCH_CONFIDENCE) -> bool:
        """The model is at least this sure of its intent."""
        return self.intent != UNCLEAR and self.turn.confidence >= threshold

    @cached_property
    def topic_hits(self) -> List[FollowupHit]:
        """Follow-ups of the active topic (and general ones), best first."""
        scope = {"general"} | ({self.context.topic} if self.context.topic else set())
        return self.guide.followup_index.search(self.turn.text, topics=scope)

    @cached_property
    def all_hits(self) -> List[FollowupHit]:
        """Follow-ups of every topic, best first."""
        return self.guide.followup_index.search(self.turn.text)

    @cached_property
    def is_detail(self) -> bool:
        """A detail given inside a topic rather than a new question or problem.

        ``inform`` is always a detail. A short message that carries a detail entity and no question
        is one too, even when the model, reading it alone, took it for a topic ("카드로 결제했어요"
        looks like payment_failure; "E102 떠요" too).
        """
        if self.intent == "inform":
            return True
        text = self.turn.text
        has_code = ERROR_CODE in self.details
        if not self.details or self.question or cues.states_problem(text, has_code) or cues.is_wrong_recipient(text):
            return False
        if self.intent in (UNCLEAR, "affirm", "deny") or has_code:
            return True
        return self.compact_length <= MAX_DETAIL_CHARS and self.intent in PROBLEM_TOPICS - {"report_fraud"}

    @cached_property
    def best_followup(self) -> Optional[FollowupHit]:
        """The follow-up this message most likely asks, preferring the active topic's."""
        own = [hit for hit in self.topic_hits if hit.followup.topic == self.context.topic]
        local = own[0] if own else None
        best = self.all_hits[0] if self.all_hits else None
        if local and (best is None or local.score >= best.score - ACTIVE_TOPIC_MARGIN):
            return local  # the active topic's own follow-up wins a close call
        return best

    @cached_property
    def followup_to_answer(self) -> Optional[FollowupHit]:
        """The follow-up to answer this message with, or ``None`` (too weak, or a plain center question)."""
        hit = self.best_followup
        if hit is None or hit.score < ANSWER_THRESHOLD:
            return None
        center_question = self.intent in CENTER_QUESTIONS and self.sure(0.9)
        return None if center_question and hit.score < FOLLOWUP_OVER_TOPIC else hit

    @cached_property
    def switches_topic(self) -> bool:
        """The message clearly opens another topic than the active one."""
        if self.intent not in TOPIC_INTENTS or self.intent == self.context.topic or self.is_detail:
            return False
        if not self.context.topic:
            return self.sure(0.0)
        local = self.topic_hits[0] if self.topic_hits else None
        if local and local.score >= ANSWER_THRESHOLD and self.question:
            # A question the active topic answers stays there unless the model is very sure.
            best = self.all_hits[0] if self.all_hits else None
            return self.sure(0.95) and best is not None and best.followup.topic == self.intent
        return self.sure()
