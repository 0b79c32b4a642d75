"""How the bot decides a turn: the pending question first, then the emergency, then the topic.

``respond`` is the whole decision, a pure function of the message as the NLU read it, the
conversation's context and the clock. In order:

0. **Not text** (a photo, a file, a sticker, as the channel says): the guide's answer for it.
1. **What the bot just asked** (``forms.py``): "도움이 되셨나요?", the case-summary offer and its
   questions, the rating and the comment. An answer is taken as an answer; a question is answered and
   the question asked again; a goodbye, a new problem or a request for a person ends it.
2. **Emergency mode** (``emergency.py``): after fraud, a lost card or money sent to the wrong person,
   follow-ups stay on the emergency (never give a code away; call now; police and freezing: call now).
3. **Everything else**, read in the active topic's light (``reading.py``): another service, a
   question about another time, feelings, small talk, a detail, a follow-up question, a new topic,
   or, when nothing fits, the clarification.

Finally no reply is sent twice in a row: a repeat becomes the honest "nothing more to add" line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from paybot.clarify import likely_topics
from paybot.dialogue import cues, forms
from paybot.dialogue.bot import Bot, ChatLine, details_text, keep_pending, remember_details, topic_followups
from paybot.dialogue.emergency import answer_emergency
from paybot.dialogue.reading import (
    ANSWER_THRESHOLD,
    CENTER_QUESTIONS,
    GUIDE_QUESTIONS,
    PROBLEM_TOPICS,
    TOPIC_INTENTS,
    UNCLEAR,
    Reading,
)
from paybot.dialogue.replies import detail_lines, followup_buttons, resolved_question, topic_buttons, topic_payload
from paybot.dialogue.state import (
    AMOUNT,
    CASE_SLOTS,
    EMERGENCY,
    ERROR_CODE,
    LAST_REPLY,
    MISSES,
    PENDING,
    RESOLVED,
    TOPIC,
    Context,
    Outcome,
    Turn,
)
from paybot.guide import Guide
from paybot.media import FILE
from paybot.media import GUIDE_MESSAGES as MEDIA_MESSAGES
from paybot.time_voice import parse_asked_time

# Intents whose questions may be about another time ("공휴일엔요?" after the hours answer).
_TIME_TOPICS = frozenset({"ask_hours", "ask_contact", "request_human", "consultation_procedure"})
# Intents that, with another service's name, are that service's question ("카카오뱅크 고객센터는요?").
_OTHER_SERVICE_INTENTS = frozenset(
    {"ask_contact", "ask_hours", "out_of_scope", UNCLEAR, "consultation_procedure", "request_human", "greet"}
)
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
    bot = Bot(reading, guide, now, chat_line)
    if turn.media:
        return _media(bot)
    outcome = forms.answer_pending(bot) or answer_emergency(bot) or _general(bot)
    if context.pending not in (None, RESOLVED) and PENDING not in outcome.slots:
        outcome.set(**{PENDING: None}, **{slot: None for slot in CASE_SLOTS})  # the question was left for another matter
    return _finish(bot, outcome)


# --------------------------------------------------------------------------------------------------
# Everything else


def _general(bot: Bot) -> Outcome:
    """Reads the message in the active topic's light and answers it."""
    reading, guide, context, text = bot.reading, bot.guide, bot.context, bot.turn.text
    intent = reading.intent

    service = cues.other_payment_service(text) or cues.other_service(text)
    if service and (intent in _OTHER_SERVICE_INTENTS or service == cues.other_payment_service(text)):
        return keep_pending(bot, Outcome().say(guide.message("other_service", other_service=service)))

    if cues.offers_secret(text):
        return keep_pending(bot, Outcome().say(guide.message("sensitive_data_warning")))

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
    if hit and not context.topic and hit.followup.topic in PROBLEM_TOPICS and (
        hit.score >= _FIRST_FOLLOWUP_SCORE or not reading.switches_topic
    ):
        # "결제취소 하고싶은데 어떻게해요" as the first message: a problem's narrower question, answered, then
        # "did it help?" as after the problem's own answer
        problem = hit.followup.topic
        outcome = bot.answer_followup(hit.followup).set(**{TOPIC: problem, PENDING: RESOLVED})
        outcome.messages.append(resolved_question(guide, topic_followups(guide, problem)))
        return outcome
    if hit is None and _just_answered(bot, intent) and reading.best_followup and reading.best_followup.score >= ANSWER_THRESHOLD:
        hit = reading.best_followup  # the center's answer was just given: the narrower question gets the follow-up
    if hit and not reading.switches_topic:
        if intent not in TOPIC_INTENTS or context.topic or reading.question or not reading.sure(0.9):
            return keep_pending(bot, bot.answer_followup(hit.followup))

    if intent in TOPIC_INTENTS:
        if (intent == context.topic and context.last_reply) or _just_answered(bot, intent):
            if intent == "request_human":
                return keep_pending(bot, bot.hand_off_again())
            return _same_topic_again(bot)
        if context.topic in PROBLEM_TOPICS and intent in GUIDE_QUESTIONS and reading.question and not reading.sure(0.95):
            return keep_pending(bot, bot.honest_gap())  # a narrower question about the problem, not about the center
        return bot.answer_topic(intent)

    if intent == "out_of_scope":
        return Outcome().say(guide.answer("out_of_scope") or "")

    if context.topic and reading.question:
        return keep_pending(bot, bot.honest_gap())
    guess = turn_guess(bot)
    if intent == UNCLEAR and context.topic in PROBLEM_TOPICS and guess in (context.topic, "inform", "out_of_scope"):
        return _detail(bot)  # inside a problem, a remark the model cannot place is most likely about the problem
    if intent == UNCLEAR and guess in CENTER_QUESTIONS and bot.turn.ranked(guess) >= _GUESS_CENTER_QUESTION:
        return bot.answer_topic(guess)  # a question about the center: its answer is safe even when unsure
    if intent == UNCLEAR and cues.acknowledges(text):
        return keep_pending(bot, Outcome().say(guide.message("anything_else")))
    return _clarify(bot)


def _just_answered(bot: Bot, intent: str) -> bool:
    """The bot's previous reply was this topic's answer (its first line is in it)."""
    topic = bot.guide.topic(intent)
    if not topic or not bot.context.last_reply:
        return False
    first_line = (bot.guide.answer(intent, bot.now) or "").split("\n")[0]
    return bool(first_line) and first_line in bot.context.last_reply


def turn_guess(bot: Bot) -> str:
    """The model's best intent even when it was unsure."""
    return bot.turn.understood_intent


def _stated_problem(bot: Bot) -> Optional[str]:
    """The problem topic an annoyed message also states ("결제 안돼서 미치겠어요"), if the model sees one."""
    if not (cues.states_problem(bot.turn.text) or cues.is_wrong_recipient(bot.turn.text)):
        return None
    ranked = [(name, score) for name, score in bot.turn.ranking if name in PROBLEM_TOPICS and score >= 0.2]
    if bot.reading.intent in PROBLEM_TOPICS:
        return bot.reading.intent
    return ranked[0][0] if ranked else None


def _small_talk(bot: Bot) -> Optional[Outcome]:
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
        key = "you_are_welcome_after_apology" if _apologised_last(bot) else "you_are_welcome"
        return Outcome().say(guide.message(key)).set(**{PENDING: None})
    if intent == "bot_challenge":
        return Outcome().say(guide.message("i_am_a_bot"), topic_buttons(guide, ("request_human",)))
    if intent == "affirm" and not bot.reading.details:
        return Outcome().say(guide.message("anything_else"))
    if intent == "deny" and not bot.reading.details:
        return Outcome().say(guide.message("no_problem"))
    return None


def _apologised_last(bot: Bot) -> bool:
    """Whether the bot's last reply was an apology (to anger, or a stopped case summary), not an answer."""
    last = bot.context.last_reply or ""
    return bool(last) and any(
        bot.guide.message(key)[:20] in last for key in ("frustration", "frustration_again", "case_stopped")
    )


def _feelings(bot: Bot) -> Outcome:
    """Anger, sighs, confusion: a short apology, no cheerfulness, and the way to a person."""
    guide = bot.guide
    key = "frustration_again" if bot.context.last_reply and guide.message("frustration") in bot.context.last_reply else "frustration"
    outcome = Outcome().say(f"{guide.message(key)}\n{bot.call(ars=True)}")
    return keep_pending(bot, outcome)


def _detail(bot: Bot) -> Outcome:
    """A detail inside the topic: acknowledged, kept for the case summary, the question kept open."""
    guide, context = bot.guide, bot.context
    details = bot.reading.details
    noted = details_text(bot)
    lines = []
    if context.topic:
        lines.append(guide.message("detail_noted", details=noted) if noted else guide.message("detail_noted_plain"))
    else:
        lines.append(guide.message("detail_without_topic", details=noted) if noted else guide.message("detail_without_topic_plain"))
    lines += detail_lines(guide, details.get(AMOUNT), details.get(ERROR_CODE))
    buttons = () if context.topic else topic_buttons(guide, _PROBLEM_BUTTONS)
    outcome = Outcome().say("\n".join(lines), buttons)
    remember_details(bot, outcome)
    return keep_pending(bot, outcome, ask_again=True)


def _same_topic_again(bot: Bot) -> Outcome:
    """The same topic once more: no second copy of the block, but the honest line and near questions."""
    reading = bot.reading
    if reading.question:
        return keep_pending(bot, bot.honest_gap())
    guide = bot.guide
    outcome = Outcome().say(f"{guide.message('topic_again')}\n{bot.call()}")
    near = topic_followups(guide, bot.context.topic or "")[:3]
    if near:
        outcome.say(guide.message("suggest"), followup_buttons(near))
    return keep_pending(bot, outcome)


def _clarify(bot: Bot) -> Outcome:
    """Unclear: the likeliest topics as buttons; a second miss in a row hands off."""
    guide = bot.guide
    if bot.context.misses >= 1:
        outcome = Outcome().say(f"{guide.message('fallback_handoff')}\n{bot.call(ars=True)}")
        return outcome.set(**{MISSES: 0})
    ranking = [{"name": name, "confidence": score} for name, score in bot.turn.ranking]
    buttons = [(label, topic_payload(intent)) for intent, label in likely_topics(ranking, guide.labels)]
    if bot.context.emergency or cues.is_lost_card(bot.turn.text):
        fraud = topic_payload("report_fraud")
        buttons = [(guide.labels["report_fraud"], fraud)] + [b for b in buttons if b[1] != fraud][:2]
    outcome = Outcome().say(guide.message("clarify"), buttons)
    return keep_pending(bot, outcome).set(**{MISSES: bot.context.misses + 1})


def _media(bot: Bot) -> Outcome:
    """A photo, video, voice message, file, location or sticker: the guide's answer for that kind.

    The bot cannot see it, so it says so and asks for words (or the phone). Whatever the bot asked
    before stays open, and the same answer to a second photo is the right answer, not a repeat.
    """
    guide, context = bot.guide, bot.context
    lines = [guide.message(MEDIA_MESSAGES.get(bot.turn.media or "", MEDIA_MESSAGES[FILE]))]
    if context.emergency:
        lines.append(guide.message("emergency_reminder"))
    outcome = Outcome().say("\n".join(lines)).set(**{PENDING: context.pending})
    return outcome.set(**{LAST_REPLY: outcome.text[:MAX_LAST_REPLY_CHARS]})


# --------------------------------------------------------------------------------------------------


def _finish(bot: Bot, outcome: Outcome) -> Outcome:
    """Never the same reply twice in a row; remembers the reply; counts misses in a row."""
    guide = bot.guide
    if bot.context.last_reply and outcome.text == bot.context.last_reply:
        if bot.context.emergency and guide.message("emergency_reminder") not in bot.context.last_reply:
            instead = f"{guide.message('emergency_reminder')}\n{bot.call(urgent=True)}"
        elif bot.reading.intent == "out_of_scope":
            # Another thing we do not handle: the customer centre cannot help with it either.
            instead = guide.message("out_of_scope_again")
        else:
            instead = f"{guide.message('repeat_instead')}\n{bot.call(ars=True)}"
        outcome = Outcome(slots=dict(outcome.slots)).say(instead)
    if not outcome.messages:
        outcome.say(guide.message("clarify"))
    outcome.slots.setdefault(MISSES, 0)
    outcome.slots[LAST_REPLY] = outcome.text[:MAX_LAST_REPLY_CHARS]
    return outcome

