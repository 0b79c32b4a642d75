"""Tracker stores of made-up conversations, written with Rasa's own events and the store's own rows.

For the console's tests (exact counts known in advance) and ``make console-bench`` (100,000 conversations).
Each event is a real ``rasa.shared.core.events`` object turned into the row
:class:`rasa_runtime.tracker_store.ConversationStore` writes, so the console reads what the bot stores.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, List, Optional

import sqlalchemy as sa
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from sqlalchemy.engine import Engine

from console.tracker import EVENTS, KAKAO, KAKAO_PREFIX, WEB
from paybot.dialogue.state import (
    CASE_OFFER,
    COMMENT,
    FEEDBACK_COMMENT,
    FEEDBACK_RATING,
    LAST_REPLY,
    MISSES,
    PENDING,
    RATING,
    RESOLVED,
    TOPIC,
)
from paybot.guide import Guide
from rasa_runtime.tracker_store import ConversationStore

# How a sample conversation ends.
HELPED, DENIED, ASKED_HUMAN, MISSED_TWICE, LEFT = "helped", "denied", "asked_human", "missed_twice", "left"
ENDINGS = (HELPED, DENIED, ASKED_HUMAN, MISSED_TWICE, LEFT)
_QUESTIONS = {
    "refund": "환불 언제 돼요", "payment_failure": "결제가 안 돼요", "transfer_issue": "송금 잘못 보냈어요",
    "account_access": "로그인이 안 돼요", "ask_contact": "고객센터 전화번호 알려주세요",
}
# What Rasa adds to every event it stores.
_METADATA = {"model_id": "7aabad81ef744705a1f490bb282fb970", "assistant_id": "paybot-support"}
_YES_NO = [{"title": "네, 해결됐어요", "payload": "/affirm"}, {"title": "아니요, 상담원 연결", "payload": "/deny"}]


@dataclass(frozen=True)
class SampleConversation:
    """One made-up conversation: who, when (Unix time of its first message), where, about what, how it ends."""

    sender_id: str
    start: float
    channel: str = "rest"
    topic: str = "refund"
    ending: str = HELPED
    rating: Optional[int] = None
    question: Optional[str] = None
    comment: Optional[str] = None


def _user(text: str, intent: str, confidence: float, at: float, channel: str) -> UserUttered:
    parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text,
             "intent_ranking": [{"name": intent, "confidence": confidence}]}
    input_channel = {WEB: "socketio", KAKAO: "kakao"}.get(channel, "rest")
    return UserUttered(text, parse["intent"], [], parse_data=parse, timestamp=at, input_channel=input_channel)


def _events(sample: SampleConversation, guide: Guide) -> Iterator[Event]:
    at, channel = sample.start, sample.channel
    yield SessionStarted(timestamp=at)
    if sample.ending == MISSED_TWICE:
        yield _user(sample.question or "음 그러니까 그게", "nlu_fallback", 0.4, at + 1, channel)
        yield BotUttered(guide.message("clarify"), timestamp=at + 2)
        yield _user("뭐라고 해야 하지", "nlu_fallback", 0.3, at + 30, channel)
        yield BotUttered(f"{guide.message('fallback_handoff')}\n1577-1940", timestamp=at + 31)
        return
    if sample.ending == ASKED_HUMAN:
        yield _user(sample.question or "상담원 연결해주세요", "request_human", 0.99, at + 1, channel)
        yield BotUttered("상담원과 직접 이야기하시려면 고객센터 1577-1940으로 전화해 주세요.", timestamp=at + 2)
        yield SlotSet(TOPIC, "request_human", timestamp=at + 2)
        yield SlotSet(PENDING, CASE_OFFER, timestamp=at + 2)
        return
    yield _user(sample.question or _QUESTIONS.get(sample.topic, "문의가 있어요"), sample.topic, 0.97, at + 1, channel)
    yield BotUttered("안내드릴게요. 고객센터 1577-1940.", timestamp=at + 2)
    yield BotUttered("안내가 도움이 되셨나요?", {"buttons": _YES_NO}, timestamp=at + 2)
    yield SlotSet(TOPIC, sample.topic, timestamp=at + 2)
    yield SlotSet(PENDING, RESOLVED, timestamp=at + 2)
    if sample.ending == DENIED:
        yield _user("/deny", "deny", 1.0, at + 20, channel)
        yield BotUttered("상담원과 직접 이야기하시려면 고객센터 1577-1940으로 전화해 주세요.", timestamp=at + 21)
        yield SlotSet(PENDING, CASE_OFFER, timestamp=at + 21)
    elif sample.ending == HELPED:
        yield _user("/affirm", "affirm", 1.0, at + 20, channel)
        yield BotUttered("해결되셨다니 다행이에요!", timestamp=at + 21)
        yield SlotSet(PENDING, RATING, timestamp=at + 21)
        if sample.rating is not None:
            yield _user(str(sample.rating), "inform", 0.99, at + 40, channel)
            yield SlotSet(FEEDBACK_RATING, sample.rating, timestamp=at + 41)
            yield SlotSet(PENDING, COMMENT, timestamp=at + 41)
        if sample.rating is not None and sample.comment is not None:
            yield _user(sample.comment, "give_feedback", 0.95, at + 60, channel)
            yield BotUttered("말씀해 주신 의견은 그대로 기록해 둘게요.", timestamp=at + 61)
            yield SlotSet(FEEDBACK_COMMENT, sample.comment, timestamp=at + 61)


def _with_bookkeeping(events: Iterable[Event]) -> Iterator[Event]:
    """The events the bot stores around each turn too (featurization, the action, misses, last reply,
    action_listen), so a sample store is as large per turn as a real one."""
    replied: List[str] = []
    at = 0.0
    for event in events:
        at = event.timestamp
        if isinstance(event, UserUttered):
            if replied:
                yield from _turn_end(replied, at)
                replied = []
            yield event
            yield DefinePrevUserUtteredFeaturization(False, timestamp=at)
            yield ActionExecuted("action_respond", policy="RulePolicy", confidence=1.0, timestamp=at)
            continue
        if isinstance(event, BotUttered):
            replied.append(event.text or "")
        yield event
        if isinstance(event, SessionStarted):
            yield ActionExecuted("action_listen", timestamp=at)
    if replied:
        yield from _turn_end(replied, at)


def _turn_end(replied: List[str], at: float) -> Iterator[Event]:
    yield SlotSet(MISSES, 0, timestamp=at)
    yield SlotSet(LAST_REPLY, "\n".join(replied), timestamp=at)
    yield ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0, timestamp=at)


def rows(samples: Iterable[SampleConversation], guide: Guide) -> Iterator[Dict[str, Any]]:
    """The ``events`` rows of ``samples``, as the bot's tracker store writes them."""
    for sample in samples:
        for event in _with_bookkeeping(_events(sample, guide)):
            event.metadata = dict(_METADATA)
            yield ConversationStore._row(sample.sender_id, event)


def write_store(engine: Engine, samples: Iterable[SampleConversation], guide: Guide, batch: int = 20000) -> int:
    """Creates the ``events`` table if needed and writes ``samples``; returns the number of rows."""
    EVENTS.metadata.create_all(engine)
    written, pending = 0, []
    with engine.begin() as connection:
        for row in rows(samples, guide):
            pending.append(row)
            if len(pending) >= batch:
                connection.execute(EVENTS.insert(), pending)
                written, pending = written + len(pending), []
        if pending:
            connection.execute(EVENTS.insert(), pending)
            written += len(pending)
    return written


def random_samples(count: int, start: float, days: int, seed: int = 15) -> List[SampleConversation]:
    """``count`` varied conversations spread over ``days`` days from ``start`` (same seed, same store)."""
    chooser = random.Random(seed)
    topics = sorted(_QUESTIONS)
    channels = ["web", "web", "kakao", "kakao", "rest"]
    samples = []
    for number in range(count):
        channel = chooser.choice(channels)
        prefix = KAKAO_PREFIX if channel == KAKAO else ""
        ending = chooser.choices(ENDINGS, weights=(5, 2, 1, 1, 3))[0]
        samples.append(SampleConversation(
            f"{prefix}bench-{number:06d}", start + chooser.random() * days * 86400, channel,
            chooser.choice(topics), ending, chooser.randint(1, 5) if ending == HELPED and chooser.random() < 0.6 else None,
        ))
    return samples


def engine_for(url: str) -> Engine:
    """A writable engine for a sample store."""
    return sa.create_engine(url)
