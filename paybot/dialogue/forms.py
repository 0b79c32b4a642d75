"""The bot's own questions and how their answers are read: "did it help?", the case summary, the rating.

Each question listens: an answer is taken as an answer; a question is answered and the question is
asked again; a goodbye ends it politely; a new problem or a request for a person ends it and is
served; annoyance is never a yes; free text at the rating question is kept as the comment; a
refusal is acknowledged as a refusal.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, Optional

from paybot.case_summary import prefill_feature, summary_values
from paybot.dialogue import cues
from paybot.dialogue.reading import HANDOFF_INTENTS, PROBLEM_TOPICS
from paybot.dialogue.replies import rating_buttons, skip_button, yes_no_buttons
from paybot.dialogue.state import (
    CASE_ERROR,
    CASE_FEATURE,
    CASE_OFFER,
    CASE_SLOTS,
    CASE_WHEN,
    COMMENT,
    FEEDBACK_COMMENT,
    FEEDBACK_RATING,
    NOTES,
    PENDING,
    RATING,
    RESOLVED,
    SKIPPED,
    Outcome,
)
from paybot.ratings import parse_rating

if TYPE_CHECKING:  # the flow imports this module; only the type goes the other way
    from paybot.dialogue.bot import Bot

MAX_CASE_ANSWER_CHARS = 200
MAX_COMMENT_CHARS = 500
_ASK_CASE: Dict[str, str] = {CASE_WHEN: "case_ask_when", CASE_FEATURE: "case_ask_feature", CASE_ERROR: "case_ask_error"}
# "No thanks" to the rating, in the customer's words.
# "I don't know" / "I don't remember" / "글쎄요" as a whole short answer to a case question, the rating
# or the comment: that item is skipped, never kept as what the customer said.
_DONT_KNOW = re.compile(r"^\W*(음+\s*)?(잘\s*)?(몰라|모르겠|모름|몰루|글쎄|기억\s*(이\s*)?(잘\s*)?안)[\w\s]{0,8}\W*$")
_REFUSAL = re.compile(r"없어요|없습니다|없음|없어|딱히|노노|ㄴㄴ|안\s*할래|안\s*할게|안\s*해요|안할|싫어|싫은데|패스|pass|건너|넘어갈|나중에|됐어요|됐어|괜찮아요|괜찮습니다|스킵|skip", re.I)
# A new problem must be at least this long to end a question (a short answer names a feature).
_MIN_PROBLEM_CHARS = 12


def answer_pending(bot: "Bot") -> Optional[Outcome]:
    """Reads the message as the answer to what the bot asked last, if it asked something."""
    pending = bot.context.pending
    if pending == RESOLVED:
        return _resolved(bot)
    if pending == CASE_OFFER:
        return _case_offer(bot)
    if pending in CASE_SLOTS:
        return _case_answer(bot, pending)
    if pending == RATING:
        return _rating(bot)
    if pending == COMMENT:
        return _comment(bot)
    return None


def _is_yes(bot: "Bot") -> bool:
    """A real yes: the model says affirm (or thanks) and the words carry no annoyance."""
    reading = bot.reading
    if reading.annoyed or reading.question:
        return False
    return reading.intent in ("affirm", "thank") or cues.says_it_helped(bot.turn.text)


def _is_no(bot: "Bot") -> bool:
    """A no or a skip."""
    return bot.reading.intent == "deny" and not bot.reading.question


def _ends_question(bot: "Bot") -> bool:
    """A request for a person, or a new problem clearly stated, ends whatever the bot was asking."""
    reading = bot.reading
    if reading.intent in HANDOFF_INTENTS and reading.sure(0.7):
        return True
    return (
        reading.intent in PROBLEM_TOPICS
        and (reading.sure(0.9) or (reading.sure(0.7) and cues.states_problem(bot.turn.text)))
        and reading.compact_length >= _MIN_PROBLEM_CHARS
        and not reading.is_detail
    )


def _resolved(bot: "Bot") -> Optional[Outcome]:
    """After "안내가 도움이 되셨나요?": yes asks for a rating, no hands off."""
    guide = bot.guide
    if _is_yes(bot):
        return (
            Outcome()
            .say(guide.message("glad_resolved"))
            .say(guide.message("ask_rating"), rating_buttons(guide))
            .set(**{PENDING: RATING, FEEDBACK_RATING: None, FEEDBACK_COMMENT: None})
        )
    if _is_no(bot) or (bot.reading.annoyed and bot.reading.intent in ("affirm", "deny", "nlu_fallback", "frustration")):
        first = guide.message("sorry_not_helped" if bot.reading.annoyed else "handoff")
        outcome = Outcome().say(f"{first}\n{bot.call(urgent=bot.context.emergency, ars=True)}")
        offer_case(bot, outcome)
        return outcome
    return None  # a detail or a question: the flow answers it and keeps the question open


def offer_case(bot: "Bot", outcome: Outcome) -> None:
    """Offers to collect the case summary to read to the agent."""
    guide = bot.guide
    outcome.say(guide.message("offer_case_summary"), yes_no_buttons(guide))
    outcome.set(**{PENDING: CASE_OFFER})


def _case_offer(bot: "Bot") -> Optional[Outcome]:
    """After the offer: yes starts the questions (prefilled with what is known), no is fine."""
    if _is_yes(bot):
        return _start_case(bot)
    if _is_no(bot):
        return Outcome().say(bot.guide.message("no_problem")).set(**{PENDING: None})
    if bot.reading.intent == "request_human" and bot.reading.sure(0.7):
        # "상담원 연결해줘" right after the hand-off: how the call reaches a person, and the offer still open
        outcome = bot.hand_off_again()
        offer_case(bot, outcome)
        return outcome
    return None


def _start_case(bot: "Bot") -> Outcome:
    """Prefills the case with the time, method, error code and topic seen so far, and asks the rest."""
    context, guide = bot.context, bot.guide
    topic = guide.topic(context.topic or "") if context.topic in PROBLEM_TOPICS else None
    known = {
        CASE_WHEN: context.when,
        CASE_FEATURE: prefill_feature(topic.label if topic else None, context.method),
        CASE_ERROR: context.error_code,
    }
    outcome = Outcome().set(**{slot: value for slot, value in known.items()})
    return _next_case_question(bot, outcome, {slot: value for slot, value in known.items()})


def _case_answer(bot: "Bot", slot: str) -> Optional[Outcome]:
    """Reads the answer to one case question."""
    guide, reading = bot.guide, bot.reading
    answers = dict(bot.context.case)
    if reading.intent == "goodbye" and reading.sure(0.7):
        return Outcome().say(guide.message("case_goodbye")).set(**_clear_case(), **{PENDING: None})
    if _ends_question(bot):
        if reading.intent != "request_human":
            return None  # a new problem or an emergency: the flow answers it (the questions are dropped)
        return _summary(bot, answers)
    dont_know = _is_dont_know(bot)
    if reading.annoyed and not dont_know:
        outcome = Outcome().say(f"{guide.message('case_stopped')}\n{bot.call(ars=True)}")
        return outcome.set(**_clear_case(), **{PENDING: None})
    if reading.question and not dont_know:
        answered = bot.any_question()
        if answered is not None:
            answered.say(f"{guide.message('case_ask_again')} {guide.message(_ASK_CASE[slot])}", skip_button(guide))
            return answered.set(**{PENDING: slot})
    value = SKIPPED if _is_no(bot) or dont_know else " ".join(bot.turn.text.split())[:MAX_CASE_ANSWER_CHARS] or SKIPPED
    answers[slot] = value
    return _next_case_question(bot, Outcome().set(**{slot: value}), answers)


def _next_case_question(bot: "Bot", outcome: Outcome, answers: Dict[str, Optional[str]]) -> Outcome:
    """Asks the first unanswered case question, or shows the summary when all are answered."""
    guide = bot.guide
    for slot in CASE_SLOTS:
        if not answers.get(slot):
            return outcome.say(guide.message(_ASK_CASE[slot]), skip_button(guide)).set(**{PENDING: slot})
    summary = _summary(bot, answers)
    summary.slots = {**outcome.slots, **summary.slots}
    return summary


def _summary(bot: "Bot", answers: Dict[str, Optional[str]]) -> Outcome:
    """The case summary to read to the agent, with whether agents are in now."""
    guide = bot.guide
    values = summary_values(*(answers.get(slot) for slot in CASE_SLOTS))
    text = guide.message("case_summary", **values)
    if bot.context.notes:
        text = f"{text}\n{guide.message('case_notes', notes=' / '.join(bot.context.notes))}"
    outcome = Outcome().say(f"{text}\n{bot.call(urgent=bot.context.emergency, ars=True)}")
    return outcome.set(**_clear_case(), **{PENDING: None, NOTES: []})


def _clear_case() -> Dict[str, None]:
    """Slot changes that forget the case answers, so a later summary starts afresh."""
    return {slot: None for slot in CASE_SLOTS}


def _rating(bot: "Bot") -> Optional[Outcome]:
    """Reads the 1-5 rating; a refusal is a refusal, free text is kept as the comment."""
    guide, reading, text = bot.guide, bot.reading, bot.turn.text
    rating = parse_rating(text)
    if rating is not None and not reading.annoyed:
        return (
            Outcome()
            .say(guide.message("ask_comment"), skip_button(guide))
            .set(**{FEEDBACK_RATING: rating, PENDING: COMMENT})
        )
    if reading.intent == "goodbye" and reading.sure(0.7):
        return Outcome().say(guide.message("goodbye")).set(**{PENDING: None, FEEDBACK_RATING: SKIPPED})
    if _ends_question(bot):
        return _end_pending(bot)
    if _is_no(bot) or _is_dont_know(bot) or (_REFUSAL.search(text) and not reading.annoyed and len(text) <= 20):
        return Outcome().say(guide.message("rating_refused")).set(**{PENDING: None, FEEDBACK_RATING: SKIPPED})
    if reading.question:
        answered = bot.any_question()
        if answered is not None:
            return answered.say(guide.message("ask_rating_again"), rating_buttons(guide)).set(**{PENDING: RATING})
    if reading.intent == "affirm" and not reading.annoyed:
        return Outcome().say(guide.message("ask_rating_again"), rating_buttons(guide))
    return _keep_comment(bot, rating=SKIPPED)


def _comment(bot: "Bot") -> Optional[Outcome]:
    """Reads the optional comment after the rating."""
    guide, reading = bot.guide, bot.reading
    if _is_no(bot) or _is_dont_know(bot) or (_REFUSAL.search(bot.turn.text) and len(bot.turn.text) <= 12):
        return Outcome().say(guide.message("feedback_thanks")).set(**{PENDING: None, FEEDBACK_COMMENT: SKIPPED})
    if reading.intent == "goodbye" and reading.sure(0.7):
        return Outcome().say(guide.message("goodbye")).set(**{PENDING: None, FEEDBACK_COMMENT: SKIPPED})
    if _ends_question(bot):
        return _end_pending(bot)
    if reading.question:
        answered = bot.any_question()
        if answered is not None:
            return answered.say(guide.message("ask_comment_again"), skip_button(guide)).set(**{PENDING: COMMENT})
    return _keep_comment(bot)


def _keep_comment(bot: "Bot", rating: object = None) -> Outcome:
    """Keeps what the customer wrote as the comment and thanks them for it."""
    guide = bot.guide
    comment = " ".join(bot.turn.text.split())[:MAX_COMMENT_CHARS]
    slots: Dict[str, object] = {PENDING: None, FEEDBACK_COMMENT: comment or SKIPPED}
    if rating is not None:
        slots[FEEDBACK_RATING] = rating
    lines = [guide.message("comment_kept")]
    if bot.reading.annoyed:
        lines.append(guide.message("complaint_route"))
    return Outcome().say("\n".join(lines)).set(**slots)


def _is_dont_know(bot: "Bot") -> bool:
    """Whether the whole message is a short "I don't know" / "I don't remember"."""
    return bool(_DONT_KNOW.match(bot.turn.text.strip()))


def _end_pending(bot: "Bot") -> Optional[Outcome]:
    """Drops the open question so the flow serves the new problem or the request for a person."""
    return None
