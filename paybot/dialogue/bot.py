"""The turn being decided: the reading, the guide, the clock, and the answers every step can give.

``flow``, ``forms`` and ``emergency`` build their replies from these: a topic's answer with the details
acknowledged, a follow-up's short answer, the honest gap, the status line, a question answered in the
middle of something else, and the details kept for the case summary.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Dict, Optional

from paybot.business_hours import format_korean_datetime
from paybot.dialogue import cues, forms
from paybot.dialogue.reading import (
    CENTER_QUESTIONS,
    GUIDE_QUESTIONS,
    HANDOFF_INTENTS,
    PROBLEM_TOPICS,
    TOPIC_INTENTS,
    Reading,
)
from paybot.dialogue.replies import (
    asked_time_line,
    call_line,
    detail_lines,
    followup_buttons,
    resolved_question,
    topic_answer,
)
from paybot.dialogue.state import (
    AMOUNT,
    EMERGENCY,
    ERROR_CODE,
    MAX_NOTE_CHARS,
    MAX_NOTES,
    METHOD,
    NOTES,
    PENDING,
    RESOLVED,
    TOPIC,
    WHEN,
    Outcome,
)
from paybot.followups import ANSWER_THRESHOLD, SUGGEST_THRESHOLD, Followup
from paybot.guide import Guide
from paybot.time_voice import AskedTime, parse_asked_time, status_for_asked

ChatLine = Callable[[Guide], str]

class Bot:
    """The turn being decided, with the helpers every step uses."""

    def __init__(self, reading: Reading, guide: Guide, now: datetime, chat_line: Optional[ChatLine]) -> None:
        self.reading = reading
        self.turn = reading.turn
        self.context = reading.context
        self.guide = guide
        self.now = now
        self.chat_line = chat_line

    def call(self, urgent: bool = False, ars: bool = False) -> str:
        """The agent-status line for now."""
        return call_line(self.guide, self.now, urgent=urgent, ars=ars)

    def hand_off_again(self) -> Outcome:
        """A person asked for again right after the hand-off: how the call reaches one, not the block twice."""
        return Outcome().say(f"{self.guide.message('human_again')}\n{self.call(ars=True)}")

    def answer_topic(self, intent: str) -> Outcome:
        """The guide's answer for a topic, acknowledging the details given, then "did it help?"."""
        guide = self.guide
        topic = guide.topic(intent)
        if topic is None:
            return Outcome().say(guide.answer("out_of_scope") or "")
        lines = [topic_text(self, intent)]
        lines += detail_lines(guide, self.turn.entity(AMOUNT), self.turn.entity(ERROR_CODE))
        outcome = Outcome().say("\n".join(lines))
        slots: Dict[str, Any] = {TOPIC: intent, PENDING: None}
        if topic.ask_resolved:
            outcome.messages.append(resolved_question(guide, topic_followups(guide, intent)))
            slots[PENDING] = RESOLVED
        text = self.turn.text
        urgent_case = topic.urgent or cues.is_wrong_recipient(text) or cues.is_lost_card(text)
        slots[EMERGENCY] = bool(urgent_case) or (self.context.emergency and intent in PROBLEM_TOPICS and intent != "refund")
        if intent in GUIDE_QUESTIONS and self.context.topic in PROBLEM_TOPICS:
            slots[TOPIC] = self.context.topic  # a question about the center keeps the problem in view
            if self.context.pending == RESOLVED:
                slots[PENDING] = RESOLVED
        outcome.set(**slots)
        if intent in HANDOFF_INTENTS:
            forms.offer_case(self, outcome)
        return outcome

    def answer_followup(self, followup: Followup) -> Outcome:
        """A follow-up's short answer, with the agent status where it suggests a call."""
        text = self.guide.render(followup.answer)
        if self.guide.phone in text:
            topic = self.guide.topic(followup.topic)
            text = f"{text}\n{self.call(urgent=self.context.emergency or bool(topic and topic.urgent))}"
        outcome = Outcome().say(text)
        keeps_problem = self.context.topic in PROBLEM_TOPICS and followup.topic not in PROBLEM_TOPICS
        if followup.topic in TOPIC_INTENTS and followup.topic != self.context.topic and not keeps_problem:
            outcome.set(**{TOPIC: followup.topic})
        return outcome

    def asked_time(self, asked: AskedTime) -> str:
        """Whether agents answer at the time asked about, with the phone (and now, when the guide is silent)."""
        guide, text = self.guide, self.turn.text
        status = guide.agent_status(self.now)
        today_off = status.state in ("weekend", "holiday")
        if asked.kind in ("weekend", "holiday", "day") and cues.asks_after_a_break(text):
            after = status_for_asked(guide.hours, asked, self.now).next_open or status.next_open
            if after is None:
                return f"{self.call()}\n{guide.message('phone_line')}"
            next_open = format_korean_datetime(after, guide.hours.timezone)
            return f"{guide.message('asked_after_break', next_open=next_open)}\n{guide.message('phone_line')}"
        night_now = asked.kind == "night" and not status.is_open and (self.now.hour < 7 or self.now.hour >= 20)
        if (asked.kind in ("weekend", "holiday") and (today_off or cues.is_about_today(text))) or (
            asked.kind == "day" and cues.is_about_today(text)
        ) or night_now:
            return f"{self.call(ars=True)}\n{guide.message('phone_line')}"  # the customer asks about today
        line = asked_time_line(guide, asked, self.now)
        if asked.kind == "lunch":
            return f"{line}\n{self.guide.message('phone_line')}\n{self.call()}"
        return f"{line}\n{self.guide.message('phone_line')}"

    def honest_gap(self) -> Outcome:
        """The guide does not say: the plain line, the phone and whether agents are in."""
        outcome = Outcome().say(f"{self.guide.message('not_in_guide')}\n{self.call(urgent=self.context.emergency)}")
        near = [hit.followup for hit in self.reading.topic_hits if hit.score >= SUGGEST_THRESHOLD][:3]
        if near:
            outcome.say(self.guide.message("suggest"), followup_buttons(near))
        return outcome

    def any_question(self) -> Optional[Outcome]:
        """Answers a question asked in the middle of something else, or ``None`` if it is none."""
        reading = self.reading
        hit = reading.best_followup  # in the middle of a question, the short answer is the better one
        if hit and hit.score >= ANSWER_THRESHOLD:
            return self.answer_followup(hit.followup)
        asked = parse_asked_time(self.turn.text, self.now)
        if asked and reading.question:
            return Outcome().say(self.asked_time(asked))
        if reading.intent in CENTER_QUESTIONS and reading.sure(0.7) and reading.intent != "give_feedback":
            return Outcome().say(topic_text(self, reading.intent))
        if reading.question and reading.intent not in ("affirm", "deny"):
            return self.honest_gap()
        return None


def topic_text(bot: Bot, intent: str) -> str:
    """The topic's answer text (with the Kakao operator line for a request for a person)."""
    topic = bot.guide.topic(intent)
    text = topic_answer(bot.guide, topic, bot.now) if topic else ""
    if intent == "request_human" and bot.chat_line:
        text = f"{text}\n{bot.chat_line(bot.guide)}"
    return text


def topic_followups(guide: Guide, intent: str) -> list:
    """The topic's own follow-ups, in the guide's order."""
    return [item for item in guide.followups if item.topic == intent]



def details_text(bot: Bot) -> str:
    """The details of this message in words: "카드, 어제 저녁" (amounts are said on their own line)."""
    details = bot.reading.details
    parts = [str(details[name]) for name in (METHOD, WHEN) if details.get(name)]
    if not parts and not details:
        return ""
    return ", ".join(parts)


def remember_details(bot: Bot, outcome: Outcome) -> None:
    """Keeps what the customer said as a detail for the case summary (at most a few, short)."""
    if not (bot.reading.details or bot.reading.intent == "inform"):
        return
    note = " ".join(bot.turn.text.split())[:MAX_NOTE_CHARS]
    if not note or note.startswith("/"):
        return
    notes = list(bot.context.notes)
    if note not in notes:
        notes = (notes + [note])[-MAX_NOTES:]
    outcome.set(**{NOTES: notes})


def keep_pending(bot: Bot, outcome: Outcome, ask_again: bool = False) -> Outcome:
    """Leaves "did it help?" open through a detail or a follow-up (and asks it again after a detail)."""
    if bot.context.pending == RESOLVED and PENDING not in outcome.slots:
        if ask_again and bot.context.topic:
            outcome.messages.append(resolved_question(bot.guide, topic_followups(bot.guide, bot.context.topic or "")))
        outcome.set(**{PENDING: RESOLVED})
    return outcome


