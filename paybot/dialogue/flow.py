"""How the bot decides a turn: the pending question first, then the emergency, then the topic.

``respond`` is the whole decision, a pure function of the message as the NLU read it, the
conversation's context and the clock. In order:

1. **What the bot just asked** (``forms.py``): "도움이 되셨나요?", the case-summary offer and its
   questions, the rating and the comment. An answer is taken as an answer; a question is answered and
   the question asked again; a goodbye, a new problem or a request for a person ends it.
2. **Emergency mode**: after fraud, a lost card or money sent to the wrong person, follow-ups stay on
   the emergency (never give a code away; call now; police and freezing: call now).
3. **Everything else**, read in the active topic's light (``reading.py``): another service, a
   question about another time, feelings, small talk, a detail, a follow-up question, a new topic,
   or, when nothing fits, the clarification.

Finally no reply is sent twice in a row: a repeat becomes the honest "nothing more to add" line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Optional

from paybot.dialogue import cues, forms
from paybot.dialogue.reading import (
    ANSWER_THRESHOLD,
    GUIDE_QUESTIONS,
    PROBLEM_TOPICS,
    SUGGEST_THRESHOLD,
    TOPIC_INTENTS,
    UNCLEAR,
    Reading,
)
from paybot.dialogue.replies import (
    asked_time_line,
    call_line,
    detail_lines,
    followup_buttons,
    resolved_question,
    topic_buttons,
)
from paybot.dialogue.state import (
    AMOUNT,
    CASE_SLOTS,
    EMERGENCY,
    ERROR_CODE,
    LAST_REPLY,
    MAX_NOTE_CHARS,
    MAX_NOTES,
    METHOD,
    MISSES,
    NOTES,
    PENDING,
    RESOLVED,
    TOPIC,
    WHEN,
    Context,
    Outcome,
    Turn,
)
from paybot.followups import Followup
from paybot.business_hours import format_korean_datetime
from paybot.guide import Guide
from paybot.time_voice import AskedTime, parse_asked_time, status_for_asked

# Intents whose questions may be about another time ("공휴일엔요?" after the hours answer).
_TIME_TOPICS = frozenset({"ask_hours", "ask_contact", "request_human", "consultation_procedure"})
# Intents that, with another service's name, are that service's question ("카카오뱅크 고객센터는요?").
_OTHER_SERVICE_INTENTS = frozenset(
    {"ask_contact", "ask_hours", "out_of_scope", UNCLEAR, "consultation_procedure", "request_human", "greet"}
)
# Topics after which the customer is in an emergency.
_EMERGENCY_TOPICS = frozenset({"report_fraud"})
# Topic buttons under the greeting, and under a detail given before any topic.
_GREETING_BUTTONS = ("payment_failure", "transfer_issue", "refund", "request_human")
_PROBLEM_BUTTONS = ("payment_failure", "transfer_issue", "refund", "account_access")
# An unsure message whose best guess is a question about the center (phone, hours, steps) with at least
# this confidence gets that answer: it is harmless if wrong, and the clarification would be a dead end.
_GUESS_CENTER_QUESTION = 0.45
# A first message that matches one of its own topic's follow-ups this well gets that short answer.
_FIRST_FOLLOWUP_SCORE = 0.7
# A question of at most this many characters that names a time is about that time ("공휴일엔요?").
_SHORT_TIME_QUESTION = 12
# Stored answers longer than this are cut (the summary is read aloud).
MAX_LAST_REPLY_CHARS = 2000

ChatLine = Callable[[Guide], str]


def respond(turn: Turn, context: Context, guide: Guide, now: datetime, chat_line: Optional[ChatLine] = None) -> Outcome:
    """Decides what the bot says to ``turn`` and which context slots change.

    Args:
        turn: The customer's message as the NLU read it.
        context: What the conversation established so far.
        guide: The support guide (every sentence comes from it).
        now: The moment, for agent hours.
        chat_line: Adds the channel's own line to a hand-off (e.g. Kakao's operator button).

    Returns:
        The messages and the slot changes.
    """
    reading = Reading(turn, context, guide)
    bot = _Bot(reading, guide, now, chat_line)
    outcome = forms.answer_pending(bot) or _emergency(bot) or _general(bot)
    if context.pending not in (None, RESOLVED) and PENDING not in outcome.slots:
        outcome.set(**{PENDING: None}, **{slot: None for slot in CASE_SLOTS})  # the question was left for another matter
    return _finish(bot, outcome)


class _Bot:
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

    def answer_topic(self, intent: str) -> Outcome:
        """The guide's answer for a topic, acknowledging the details given, then "did it help?"."""
        guide = self.guide
        topic = guide.topic(intent)
        if topic is None:
            return Outcome().say(guide.answer("out_of_scope") or "")
        lines = [_topic_text(self, intent)]
        lines += detail_lines(guide, self.turn.entity(AMOUNT), self.turn.entity(ERROR_CODE))
        outcome = Outcome().say("\n".join(lines))
        slots = {TOPIC: intent, PENDING: None}
        if topic.ask_resolved:
            outcome.messages.append(resolved_question(guide, _topic_followups(guide, intent)))
            slots[PENDING] = RESOLVED
        text = self.turn.text
        urgent_case = topic.urgent or cues.is_wrong_recipient(text) or cues.is_lost_card(text)
        slots[EMERGENCY] = bool(urgent_case) or (self.context.emergency and intent in PROBLEM_TOPICS and intent != "refund")
        if intent in GUIDE_QUESTIONS and self.context.topic in PROBLEM_TOPICS:
            slots[TOPIC] = self.context.topic  # a question about the center keeps the problem in view
            if self.context.pending == RESOLVED:
                slots[PENDING] = RESOLVED
        outcome.set(**slots)
        if intent in ("request_human", "report_fraud"):
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
        if reading.intent in GUIDE_QUESTIONS | {"request_human"} and reading.sure(0.7) and reading.intent != "give_feedback":
            return Outcome().say(_topic_text(self, reading.intent))
        if reading.question and reading.intent not in ("affirm", "deny"):
            return self.honest_gap()
        return None


def _topic_text(bot: _Bot, intent: str) -> str:
    """The topic's answer text (with the Kakao operator line for a request for a person)."""
    from paybot.dialogue.replies import topic_answer

    topic = bot.guide.topic(intent)
    text = topic_answer(bot.guide, topic, bot.now) if topic else ""
    if intent == "request_human" and bot.chat_line:
        text = f"{text}\n{bot.chat_line(bot.guide)}"
    return text


def _topic_followups(guide: Guide, intent: str) -> list:
    """The topic's own follow-ups, in the guide's order."""
    return [item for item in guide.followups if item.topic == intent]


# --------------------------------------------------------------------------------------------------
# Emergency mode


def _emergency(bot: _Bot) -> Optional[Outcome]:
    """Keeps the customer on the emergency until they clearly move on."""
    if not bot.context.emergency:
        return None
    reading, guide, text = bot.reading, bot.guide, bot.turn.text
    if reading.intent in ("greet", "goodbye", "thank", "bot_challenge"):
        return None
    urgent_call = bot.call(urgent=True)
    if cues.asks_about_giving_secret(text) or (cues.asks_permission_to_give(text) and not cues.asks_to_call_now(text)):
        said_before = bool(bot.context.last_reply) and guide.message("emergency_never_share") in (bot.context.last_reply or "")
        key = "emergency_never_share_again" if said_before else "emergency_never_share"
        return Outcome().say(f"{guide.message(key)}\n{urgent_call}")
    if cues.asks_police_or_freeze(text) and not cues.other_service(text):
        return Outcome().say(f"{guide.message('emergency_police')}\n{urgent_call}")
    asked = parse_asked_time(text, bot.now)
    if asked and reading.question:
        return Outcome().say(f"{bot.asked_time(asked)}\n{guide.message('emergency_reminder')}")
    if cues.asks_to_call_now(text):
        return Outcome().say(f"{guide.message('emergency_call_now')}\n{urgent_call}")
    if reading.switches_topic and reading.intent not in ("report_fraud", "transfer_issue", "request_human"):
        return None
    if reading.intent == "request_human" and reading.sure(0.7):
        return None
    outcome = Outcome()
    hit = reading.best_followup
    if hit and hit.score >= ANSWER_THRESHOLD and hit.followup.topic in ("report_fraud", "transfer_issue", "general"):
        outcome = bot.answer_followup(hit.followup)
    else:
        lines = []
        if reading.annoyed:
            lines.append(guide.message("emergency_calm"))
        noted = _details_text(bot)
        if noted:
            lines.append(guide.message("detail_noted", details=noted))
        lines += detail_lines(guide, bot.turn.entity(AMOUNT), bot.turn.entity(ERROR_CODE))
        lines += [guide.message("emergency_reminder"), urgent_call]
        outcome.say("\n".join(lines))
    _remember_details(bot, outcome)
    return outcome


# --------------------------------------------------------------------------------------------------
# Everything else


def _general(bot: _Bot) -> Outcome:
    """Reads the message in the active topic's light and answers it."""
    reading, guide, context, text = bot.reading, bot.guide, bot.context, bot.turn.text
    intent = reading.intent

    service = cues.other_payment_service(text) or cues.other_service(text)
    if service and (intent in _OTHER_SERVICE_INTENTS or service == cues.other_payment_service(text)):
        return _keep_pending(bot, Outcome().say(guide.message("other_service", other_service=service)))

    if cues.offers_secret(text):
        return _keep_pending(bot, Outcome().say(guide.message("sensitive_data_warning")))

    if cues.asks_about_now(text) and (context.topic in _TIME_TOPICS or intent in _TIME_TOPICS):
        outcome = Outcome().say(f"{bot.call(ars=True)}\n{guide.message('phone_line')}")
        return outcome if context.topic in PROBLEM_TOPICS else outcome.set(**{TOPIC: "ask_hours"})

    asked = parse_asked_time(text, bot.now)
    if asked and (
        intent in _TIME_TOPICS
        or (intent == UNCLEAR and turn_guess(bot) in _TIME_TOPICS)
        or (intent in (UNCLEAR, "inform", "affirm", "deny", "out_of_scope") and reading.question
            and (context.topic in _TIME_TOPICS or reading.compact_length <= _SHORT_TIME_QUESTION
                 or cues.about_service_time(text)))
        or (context.topic in _TIME_TOPICS and reading.question and reading.compact_length <= _SHORT_TIME_QUESTION
            and not (intent in TOPIC_INTENTS and reading.sure(0.9)))
    ):
        outcome = Outcome().say(bot.asked_time(asked))
        return outcome if context.topic in PROBLEM_TOPICS else outcome.set(**{TOPIC: "ask_hours"})

    if reading.annoyed:
        problem = _stated_problem(bot)
        if problem:
            return bot.answer_topic(problem)
        if not (reading.switches_topic and reading.sure(0.9) and reading.compact_length > 12):
            return _feelings(bot)

    small = _small_talk(bot)
    if small is not None:
        return small

    if reading.is_detail:
        if not context.topic and not reading.details:
            return _clarify(bot)  # "음 그러니까 그게": nothing to keep and no topic to keep it in
        return _detail(bot)

    if cues.is_lost_card(text) and intent not in ("refund",):
        return bot.answer_topic("report_fraud")

    hit = reading.followup_to_answer
    if (hit and not context.topic and hit.followup.topic == intent and intent in PROBLEM_TOPICS
            and hit.score >= _FIRST_FOLLOWUP_SCORE):
        # "결제취소 하고싶은데 어떻게해요": the topic's own narrower question, answered as the first message
        outcome = bot.answer_followup(hit.followup).set(**{TOPIC: intent, PENDING: RESOLVED})
        outcome.messages.append(resolved_question(guide, _topic_followups(guide, intent)))
        return outcome
    if hit is None and _just_answered(bot, intent) and reading.best_followup and reading.best_followup.score >= ANSWER_THRESHOLD:
        hit = reading.best_followup  # the center's answer was just given: the narrower question gets the follow-up
    if hit and not reading.switches_topic:
        if intent not in TOPIC_INTENTS or context.topic or reading.question or not reading.sure(0.9):
            return _keep_pending(bot, bot.answer_followup(hit.followup))

    if intent in TOPIC_INTENTS:
        if (intent == context.topic and context.last_reply) or _just_answered(bot, intent):
            return _same_topic_again(bot)
        if context.topic in PROBLEM_TOPICS and intent in GUIDE_QUESTIONS and reading.question and not reading.sure(0.95):
            return _keep_pending(bot, bot.honest_gap())  # a narrower question about the problem, not about the center
        return bot.answer_topic(intent)

    if intent == "out_of_scope":
        return Outcome().say(guide.answer("out_of_scope") or "")

    if context.topic and reading.question:
        return _keep_pending(bot, bot.honest_gap())
    guess = turn_guess(bot)
    if intent == UNCLEAR and guess in GUIDE_QUESTIONS | {"request_human"} and bot.turn.ranked(guess) >= _GUESS_CENTER_QUESTION:
        return bot.answer_topic(guess)  # a question about the center: its answer is safe even when unsure
    if intent == UNCLEAR and cues.acknowledges(text):
        return _keep_pending(bot, Outcome().say(guide.message("anything_else")))
    return _clarify(bot)


def _just_answered(bot: _Bot, intent: str) -> bool:
    """The bot's previous reply was this topic's answer (its first line is in it)."""
    topic = bot.guide.topic(intent)
    if not topic or not bot.context.last_reply:
        return False
    first_line = (bot.guide.answer(intent, bot.now) or "").split("\n")[0]
    return bool(first_line) and first_line in bot.context.last_reply


def turn_guess(bot: _Bot) -> str:
    """The model's best intent even when it was unsure."""
    return bot.turn.understood_intent


def _stated_problem(bot: _Bot) -> Optional[str]:
    """The problem topic an annoyed message also states ("결제 안돼서 미치겠어요"), if the model sees one."""
    if not cues.states_problem(bot.turn.text):
        return None
    ranked = [(name, score) for name, score in bot.turn.ranking if name in PROBLEM_TOPICS and score >= 0.2]
    if bot.reading.intent in PROBLEM_TOPICS:
        return bot.reading.intent
    return ranked[0][0] if ranked else None


def _small_talk(bot: _Bot) -> Optional[Outcome]:
    """Greetings, goodbyes, thanks, "are you a bot?", and a yes or no to nothing."""
    guide, intent = bot.guide, bot.reading.intent
    if not bot.reading.sure(0.7):
        return None
    if intent == "greet":
        key = "greet_again" if bot.context.topic else "greet"
        return Outcome().say(guide.message(key), topic_buttons(guide, _GREETING_BUTTONS))
    if intent == "goodbye":
        return Outcome().say(guide.message("goodbye")).set(**{PENDING: None, TOPIC: None, EMERGENCY: False})
    if intent == "thank":
        return Outcome().say(guide.message("you_are_welcome")).set(**{PENDING: None})
    if intent == "bot_challenge":
        return Outcome().say(guide.message("i_am_a_bot"), topic_buttons(guide, ("request_human",)))
    if intent == "affirm" and not bot.reading.details:
        return Outcome().say(guide.message("anything_else"))
    if intent == "deny" and not bot.reading.details:
        return Outcome().say(guide.message("no_problem"))
    return None


def _feelings(bot: _Bot) -> Outcome:
    """Anger, sighs, confusion: a short apology, no cheerfulness, and the way to a person."""
    guide = bot.guide
    key = "frustration_again" if bot.context.last_reply and guide.message("frustration") in bot.context.last_reply else "frustration"
    outcome = Outcome().say(f"{guide.message(key)}\n{bot.call(ars=True)}")
    return _keep_pending(bot, outcome)


def _detail(bot: _Bot) -> Outcome:
    """A detail inside the topic: acknowledged, kept for the case summary, the question kept open."""
    guide, context = bot.guide, bot.context
    details = bot.reading.details
    noted = _details_text(bot)
    lines = []
    if context.topic:
        lines.append(guide.message("detail_noted", details=noted) if noted else guide.message("detail_noted_plain"))
    else:
        lines.append(guide.message("detail_without_topic", details=noted) if noted else guide.message("detail_without_topic_plain"))
    lines += detail_lines(guide, details.get(AMOUNT), details.get(ERROR_CODE))
    buttons = () if context.topic else topic_buttons(guide, _PROBLEM_BUTTONS)
    outcome = Outcome().say("\n".join(lines), buttons)
    _remember_details(bot, outcome)
    return _keep_pending(bot, outcome, ask_again=True)


def _details_text(bot: _Bot) -> str:
    """The details of this message in words: "카드, 어제 저녁" (amounts are said on their own line)."""
    details = bot.reading.details
    parts = [str(details[name]) for name in (METHOD, WHEN) if details.get(name)]
    if not parts and not details:
        return ""
    return ", ".join(parts)


def _remember_details(bot: _Bot, outcome: Outcome) -> None:
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


def _keep_pending(bot: _Bot, outcome: Outcome, ask_again: bool = False) -> Outcome:
    """Leaves "did it help?" open through a detail or a follow-up (and asks it again after a detail)."""
    if bot.context.pending == RESOLVED and PENDING not in outcome.slots:
        if ask_again and bot.context.topic:
            outcome.messages.append(resolved_question(bot.guide, _topic_followups(bot.guide, bot.context.topic or "")))
        outcome.set(**{PENDING: RESOLVED})
    return outcome


def _same_topic_again(bot: _Bot) -> Outcome:
    """The same topic once more: no second copy of the block, but the honest line and near questions."""
    reading = bot.reading
    if reading.question:
        return _keep_pending(bot, bot.honest_gap())
    guide = bot.guide
    outcome = Outcome().say(f"{guide.message('topic_again')}\n{bot.call()}")
    near = _topic_followups(guide, bot.context.topic or "")[:3]
    if near:
        outcome.say(guide.message("suggest"), followup_buttons(near))
    return _keep_pending(bot, outcome)


def _clarify(bot: _Bot) -> Outcome:
    """Unclear: the likeliest topics as buttons; a second miss in a row hands off."""
    from paybot.clarify import likely_topics

    guide = bot.guide
    if bot.context.misses >= 1:
        outcome = Outcome().say(f"{guide.message('fallback_handoff')}\n{bot.call(ars=True)}")
        return outcome.set(**{MISSES: 0})
    ranking = [{"name": name, "confidence": score} for name, score in bot.turn.ranking]
    buttons = [(label, f"/{intent}") for intent, label in likely_topics(ranking, guide.labels)]
    if bot.context.emergency or cues.is_lost_card(bot.turn.text):
        buttons = [(guide.labels["report_fraud"], "/report_fraud")] + [b for b in buttons if b[1] != "/report_fraud"][:2]
    outcome = Outcome().say(guide.message("clarify"), buttons)
    return _keep_pending(bot, outcome).set(**{MISSES: bot.context.misses + 1})


# --------------------------------------------------------------------------------------------------


def _finish(bot: _Bot, outcome: Outcome) -> Outcome:
    """Never the same reply twice in a row; remembers the reply; counts misses in a row."""
    guide = bot.guide
    if bot.context.last_reply and outcome.text == bot.context.last_reply:
        if bot.context.emergency and guide.message("emergency_reminder") not in bot.context.last_reply:
            instead = f"{guide.message('emergency_reminder')}\n{bot.call(urgent=True)}"
        else:
            instead = f"{guide.message('repeat_instead')}\n{bot.call(ars=True)}"
        outcome = Outcome(slots=dict(outcome.slots)).say(instead)
    if not outcome.messages:
        outcome.say(guide.message("clarify"))
    outcome.slots.setdefault(MISSES, 0)
    outcome.slots[LAST_REPLY] = outcome.text[:MAX_LAST_REPLY_CHARS]
    return outcome
