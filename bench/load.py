"""A closed-loop REST load: each simulated customer sends a scripted conversation, one message at a time.

Every customer waits for the answer before sending the next message (no think time), so with N
customers at most N messages are in flight; messages/s is the rate at which answers came back.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Callable, Dict, List, Optional, Sequence

import aiohttp

# Our bot: a realistic support conversation (the soak test's), topics, hand-off with its case form,
# feedback with a rating, small talk; answered through custom actions, forms and rules.
PAYBOT_SCRIPT: Sequence[str] = (
    "안녕하세요", "결제가 안 돼요", "아니요", "괜찮아요", "고객센터 번호 알려주세요", "상담 시간이 어떻게 돼요",
    "환불 언제 돼요", "네 해결됐어요", "5", "친절해요", "송금 잘못 보냈어요 ㅠㅠ", "아니요", "네", "어제요",
    "계좌 송금", "없었어요", "약관 보고 싶어요", "감사합니다", "사람이세요?", "안녕히 계세요",
)

# The stock `rasa init` bot: its own intents (greet, mood, affirm/deny, bot challenge, goodbye).
STOCK_SCRIPT: Sequence[str] = (
    "hello", "I am sad", "no", "hey", "I am feeling very good", "are you a bot?", "hi there",
    "not good", "yes", "good morning", "great", "are you a human?", "hey there", "very sad", "yes",
    "hello there", "I am great", "am I talking to a bot?", "good evening", "bye",
)


@dataclass
class LevelResult:
    """What one concurrency level measured."""

    users: int
    messages: int
    seconds: float
    messages_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int

    def as_dict(self) -> Dict[str, float]:
        """The result as JSON-ready numbers."""
        return asdict(self)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (linear interpolation between closest ranks)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


async def _customer(
    session: aiohttp.ClientSession,
    urls: Sequence[str],
    script: Sequence[str],
    messages: int,
    is_correct: Callable[[List[dict]], bool],
    latencies: List[float],
    failures: List[int],
    conversations: int,
    sent: Dict[str, List[str]],
) -> None:
    """One customer: ``conversations`` times ``messages`` messages of ``script`` in order.

    Each conversation has a new sender id. Messages alternate over ``urls``, as a load balancer
    without sticky sessions would send them; with one server that changes nothing.
    """
    servers = itertools.cycle(urls)
    for index in range(messages * conversations):
        if index % messages == 0:
            sender = f"bench-{uuid.uuid4().hex}"
            sent[sender] = []
        text = script[index % messages % len(script)]
        sent[sender].append(text)
        started = time.perf_counter()
        try:
            async with session.post(next(servers), json={"sender": sender, "message": text}) as reply:
                body = await reply.json(content_type=None)
                if reply.status != 200 or not isinstance(body, list) or not is_correct(body):
                    failures.append(1)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            failures.append(1)
        latencies.append(time.perf_counter() - started)


async def run_level(
    urls: Sequence[str],
    script: Sequence[str],
    users: int,
    messages_per_user: int,
    is_correct: Callable[[List[dict]], bool],
    conversations_per_user: int = 1,
    sent: Optional[Dict[str, List[str]]] = None,
) -> LevelResult:
    """Runs ``users`` concurrent customers, each with conversations of ``messages_per_user`` messages.

    ``sent`` collects, per sender id, the messages sent, for a check of what the bot stored.
    """
    sent = {} if sent is None else sent
    latencies: List[float] = []
    failures: List[int] = []
    # A new connection per message: a customer types for longer than the servers keep a connection
    # alive (Sanic: 5 s), so real messages arrive on fresh connections, and with several Sanic workers
    # each is taken by whichever worker is free rather than by the one a kept connection belongs to.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _customer(
                    session, urls, script, messages_per_user, is_correct, latencies, failures,
                    conversations_per_user, sent,
                )
                for _ in range(users)
            )
        )
        seconds = time.perf_counter() - started
    return LevelResult(
        users=users,
        messages=len(latencies),
        seconds=round(seconds, 2),
        messages_per_s=round(len(latencies) / seconds, 1),
        p50_ms=round(percentile(latencies, 0.50) * 1000, 1),
        p95_ms=round(percentile(latencies, 0.95) * 1000, 1),
        p99_ms=round(percentile(latencies, 0.99) * 1000, 1),
        errors=len(failures),
    )


def reply_is_nonempty(replies: List[dict]) -> bool:
    """A reply with at least one message (the stock bot's correctness check)."""
    return bool(replies)


def paybot_reply_is_answer(apology: Optional[str]) -> Callable[[List[dict]], bool]:
    """A check that our bot answered, and not with the apology it gives when something failed."""

    def check(replies: List[dict]) -> bool:
        return bool(replies) and not any(reply.get("text") == apology for reply in replies)

    return check
