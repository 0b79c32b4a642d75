"""Emergency mode: after fraud, a lost card or money sent to the wrong person, follow-ups stay on it.

Giving a code, PIN or password to anyone → never (said again differently if asked again); "call now?" →
yes, now, with whether agents are in and the 24-hour ARS off hours; police or freezing → the guide has
no procedure: call now; a time question → answered for that time; details and amounts acknowledged.
A clear move to another topic, a greeting, thanks or a goodbye leave emergency mode to the usual flow.
"""

from __future__ import annotations

from typing import Optional

from paybot.dialogue import cues
from paybot.dialogue.bot import Bot, details_text, remember_details
from paybot.dialogue.reading import ANSWER_THRESHOLD, EMERGENCY_TOPICS
from paybot.dialogue.replies import detail_lines
from paybot.dialogue.state import AMOUNT, ERROR_CODE, Outcome
from paybot.time_voice import parse_asked_time


def answer_emergency(bot: Bot) -> Optional[Outcome]:
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
        # "Yes" only while agents answer; off hours the same urgency without a yes a caller could misread
        key = "emergency_call_now" if guide.agent_status(bot.now).is_open else "emergency_call_now_off_hours"
        return Outcome().say(f"{guide.message(key)}\n{urgent_call}")
    if reading.switches_topic and reading.intent not in EMERGENCY_TOPICS | {"request_human"}:
        return None
    if reading.intent == "request_human" and reading.sure(0.7):
        return None
    outcome = Outcome()
    hit = reading.best_followup
    if hit and hit.score >= ANSWER_THRESHOLD and hit.followup.topic in EMERGENCY_TOPICS | {"general"}:
        outcome = bot.answer_followup(hit.followup)
    else:
        lines = []
        if reading.annoyed:
            lines.append(guide.message("emergency_calm"))
        noted = details_text(bot)
        if noted:
            lines.append(guide.message("detail_noted", details=noted))
        lines += detail_lines(guide, bot.turn.entity(AMOUNT), bot.turn.entity(ERROR_CODE))
        lines += [guide.message("emergency_reminder"), urgent_call]
        outcome.say("\n".join(lines))
    remember_details(bot, outcome)
    return outcome
