"""The Kakao channel under bursts: every answer inside Kakao's 5 s, each message answered once, in order.

In-process with a stand-in bot whose timing the test sets (and which can block the event loop, as Rasa's
NLU does), then once against the real Rasa server. Times are checked only against the channel's promise
(4.5 s from sending, Kakao's limit being 5 s), never tighter: these machines are shared and loaded.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from channels.kakao import KakaoInput
from channels.kakao.deadline import TurnEstimate, arrival_time
from paybot.guide import load_guide
from rasa.core.channels.channel import UserMessage
from tests.support.live_servers import LiveBot, live_bot
from tests.live.kakao.test_channel import (
    LOOPBACK_CALLBACKS,
    TOKEN,
    CallbackReceiver,
    FakeBot,
    in_process_channel,
    parsed,
    post,
    skill_request,
    user_events,
    wait_until,
)
from tests.unit.channels.kakao.test_render import assert_kakao_limits, texts

# The channel's promise: Kakao gives up 5 s after sending, the channel answers within 4.5 s.
PROMISE_S = 4.5
BOUND = 5


@pytest.fixture
def callbacks() -> Iterator[CallbackReceiver]:
    """A callback receiver on 127.0.0.1 (Kakao's callback endpoint)."""
    receiver = CallbackReceiver()
    yield receiver
    receiver.close()


def first_line(key: str) -> str:
    """The first line of a guide message, as the channel's answers start."""
    return load_guide().message(key).split("\n")[0]


@dataclass
class Sent:
    """One message of a burst: what was sent, and what came back when."""

    index: int
    text: str
    callback_path: Optional[str]
    sent_at: float = 0.0
    callback_url: Optional[str] = None
    answer: Optional[Dict[str, Any]] = None
    answered_at: float = 0.0

    @property
    def seconds(self) -> float:
        """From sending to the HTTP answer."""
        return self.answered_at - self.sent_at

    def kind(self) -> str:
        """What the HTTP answer was: the bot's answer, the wait answer, the apology, or useCallback."""
        assert self.answer is not None
        if self.answer.get("useCallback"):
            return "callback"
        said = texts(self.answer)[0]
        if said == load_guide().message("kakao_busy_wait"):
            return "busy"
        if said.startswith(first_line("technical_error")):
            return "apology"
        return "inline"


def check_burst(
    burst: List[Sent], callbacks: Optional[CallbackReceiver], run: List[str], bound: int = BOUND
) -> Dict[str, int]:
    """Every answer in time and valid; each message answered once; answers delivered in the order the
    bot took the messages; the bot took no message whose answer the customer did not get.

    Args:
        burst: The messages, answered.
        callbacks: The receiver the callbackUrls point to (None: no message had one).
        run: The texts the bot worked on, in the order it took them.
        bound: The channel's KAKAO_MAX_QUEUED_PER_USER.

    Returns:
        How many messages got each kind of answer.
    """
    kinds: Dict[str, int] = {}
    delivered: List[Tuple[float, str]] = []
    for message in burst:
        assert message.answer is not None, message
        assert message.seconds < PROMISE_S, (message.index, message.seconds)
        if not message.answer.get("useCallback"):
            assert_kakao_limits(message.answer)
        kind = message.kind()
        kinds[kind] = kinds.get(kind, 0) + 1
        posted = callbacks.calls_to(message.callback_path) if callbacks and message.callback_path else []
        if kind == "callback":
            assert len(posted) == 1, (message.index, posted)
            said = texts(posted[0].body)[0]
            if not said.startswith(first_line("technical_error")):
                delivered.append((posted[0].at, message.text))
        else:
            assert posted == [], f"message {message.index} was answered inline and by callback"
        if kind == "inline":
            delivered.append((message.answered_at, message.text))
            assert texts(message.answer)[0] == f"{message.text}에 답해요.", "the answer to another message"
    assert kinds.get("busy", 0) > 0, "the burst was larger than the bound: some messages must be refused"
    answered = [text for _, text in sorted(delivered)]
    assert answered == [text for text in run if text in set(answered)], "answers overtook each other"
    # Inline answers and callbacks are the only ones the customer reads; every message the bot took
    # was answered, except one that was already running when its apology went out.
    assert len(run) - len(answered) <= kinds.get("apology", 0)
    return kinds


async def send(channel: KakaoInput, bot: Any, message: Sent, user: str, arrived: Optional[float] = None) -> Sent:
    """Sends one message through the channel (the part of the webhook after the token and parsing)."""
    skill = parsed(message.text, user, message.callback_url)
    message.sent_at = time.monotonic()
    message.answer = await channel._answer_in_time(skill, message.sent_at if arrived is None else arrived, bot)
    message.answered_at = time.monotonic()
    return message


def burst_of(count: int, start: int, callbacks: Optional[CallbackReceiver], tag: str) -> List[Sent]:
    """``count`` messages numbered from ``start``; with a callback URL each when ``callbacks`` is given."""
    burst = []
    for index in range(start, start + count):
        path = f"/{tag}/{index}" if callbacks else None
        burst.append(Sent(index, f"메시지 {index}", path, callback_url=callbacks.url(path) if callbacks and path else None))
    return burst


class BoundWatch:
    """Samples how many messages the channel holds for one customer, to check the bound."""

    def __init__(self, channel: KakaoInput, sender: str) -> None:
        self.most = 0
        self._channel, self._sender = channel, sender
        self._task = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        while True:
            self.most = max(self.most, self._channel._order.waiting(self._sender))
            await asyncio.sleep(0.002)

    def stop(self) -> int:
        """Stops sampling; the most messages held at once."""
        self._task.cancel()
        return self.most


# --------------------------------------------------------------------------------------------------
# In-process


def channel_for_load(monkeypatch: pytest.MonkeyPatch, budget: float, bound: int = BOUND,
                     concurrent: int = 8) -> KakaoInput:
    """The channel as `rasa run` creates it, one process, with the given budget and bounds."""
    monkeypatch.setenv("LOCK_STORE_TYPE", "in_memory")
    monkeypatch.setenv("KAKAO_MAX_QUEUED_PER_USER", str(bound))
    monkeypatch.setenv("KAKAO_MAX_CONCURRENT_TURNS", str(concurrent))
    return in_process_channel(monkeypatch, budget=budget)


class BlockingBot(FakeBot):
    """A stand-in bot that also blocks the event loop for ``block_s`` per message (Rasa's NLU does)."""

    def __init__(self, block_s: float, delay_s: float = 0.0) -> None:
        super().__init__()
        self.block_s, self.delay_s = block_s, delay_s

    async def __call__(self, message: UserMessage) -> None:
        time.sleep(self.block_s)
        await asyncio.sleep(self.delay_s)
        self.handled.append(message.text or "")
        await message.output_channel.send_text_message(message.sender_id, f"{message.text}에 답해요.")


@pytest.mark.parametrize("with_callbacks", [False, True], ids=["no-callback", "callback"])
async def test_two_bursts_of_one_customer_are_answered_in_time_once_and_in_order(
    monkeypatch: pytest.MonkeyPatch, callbacks: CallbackReceiver, with_callbacks: bool
) -> None:
    """60 messages at once, then 60 more while the first are drained, with a bot slow enough that some
    answers are late: every HTTP answer inside the promise, the bound held, each answered once, in order."""
    channel = channel_for_load(monkeypatch, budget=0.6)
    bot = BlockingBot(block_s=0.02, delay_s=0.15)
    user = f"burst-{uuid.uuid4().hex[:8]}"
    receiver = callbacks if with_callbacks else None
    watch = BoundWatch(channel, f"kakao:{user}")
    first = [asyncio.ensure_future(send(channel, bot, message, user)) for message in burst_of(60, 0, receiver, "a")]
    await asyncio.sleep(0.3)
    second = [asyncio.ensure_future(send(channel, bot, message, user)) for message in burst_of(60, 60, receiver, "b")]
    burst = list(await asyncio.gather(*first, *second))
    await asyncio.to_thread(wait_until, lambda: all(
        len(callbacks.calls_to(m.callback_path)) == 1 for m in burst if m.kind() == "callback"
    ))
    await asyncio.sleep(0.3)  # nothing more may arrive
    assert watch.stop() <= BOUND
    kinds = check_burst(burst, receiver, bot.handled)
    assert kinds.get("inline", 0) >= 1
    assert not bot.overlapped


async def test_a_turn_that_missed_its_deadline_waiting_is_never_run_nor_answered_inline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A request that arrived 3.9 s ago (the loop was busy) gets the apology at once; the bot never sees it."""
    channel = channel_for_load(monkeypatch, budget=4.0)
    bot = FakeBot()
    message = Sent(0, "오래 기다린 메시지", None)
    await send(channel, bot, message, "waited-long", arrived=time.monotonic() - 3.9)
    assert message.kind() == "apology" and message.seconds < 0.5
    await asyncio.sleep(0.2)
    assert bot.handled == []


async def test_a_late_answer_goes_by_callback_not_inline(
    monkeypatch: pytest.MonkeyPatch, callbacks: CallbackReceiver
) -> None:
    """A turn that finishes after its deadline while its request still waits is not sent inline."""
    channel = channel_for_load(monkeypatch, budget=0.2)
    bot = BlockingBot(block_s=0.35)  # the timer cannot fire while the bot blocks the loop
    message = burst_of(1, 0, callbacks, "late")[0]
    await send(channel, bot, message, "late-inline")
    assert message.kind() == "callback"
    (call,) = await asyncio.to_thread(wait_until, lambda: callbacks.calls_to("/late/0"))
    assert texts(call.body)[0] == "메시지 0에 답해요."


async def test_many_customers_on_a_busy_loop_are_all_answered_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """80 customers at once, each turn blocking the loop for 50 ms (4 s of work for a 1 s budget): each
    answered within the promise, by the bot or with the apology; the turns not run never reach the bot."""
    channel = channel_for_load(monkeypatch, budget=1.0, concurrent=4)
    bot = BlockingBot(block_s=0.05)
    burst = burst_of(80, 0, None, "many")
    answered = await asyncio.gather(*(send(channel, bot, m, f"many-{m.index}") for m in burst))
    kinds: Dict[str, int] = {}
    for message in answered:
        assert message.seconds < PROMISE_S, message.seconds
        kinds[message.kind()] = kinds.get(message.kind(), 0) + 1
    assert kinds.get("inline", 0) >= 1 and kinds.get("apology", 0) >= 1, kinds
    inline = {m.text for m in answered if m.kind() == "inline"}
    assert inline <= set(bot.handled)
    await asyncio.sleep(0.5)
    # Only turns already running when their apology went out ran without being answered.
    assert len(set(bot.handled) - inline) <= 4


async def test_the_bound_counts_messages_waiting_and_frees_as_they_are_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With room for 2, a third message at once gets the wait answer with the phone number; once the
    first two are answered the customer can write again."""
    channel = channel_for_load(monkeypatch, budget=2.0, bound=2)
    bot = FakeBot({"첫째": 0.2, "둘째": 0.0})
    answers = await asyncio.gather(*(
        channel._answer_in_time(parsed(text, "bounded"), time.monotonic(), bot) for text in ("첫째", "둘째", "셋째")
    ))
    assert [texts(answer)[0] for answer in answers[:2]] == ["첫째에 답해요.", "둘째에 답해요."]
    assert texts(answers[2])[0] == load_guide().message("kakao_busy_wait")
    assert "1577-1940" in texts(answers[2])[0]
    assert bot.handled == ["첫째", "둘째"]
    again = await channel._answer_in_time(parsed("셋째", "bounded"), time.monotonic(), bot)
    assert texts(again)[0] == "셋째에 답해요."


def test_the_budget_counts_from_when_sanic_read_the_request() -> None:
    """Sanic's protocol records when the bytes came in; that, not the handler's start, is the arrival."""

    class Protocol:
        _time = time.monotonic() - 1.5

    class Request:
        protocol = Protocol()

    assert arrival_time(Request()) == Protocol._time
    assert abs(arrival_time(object()) - time.monotonic()) < 0.1, "without Sanic's record: now"


def test_the_turn_estimate_never_blocks_fresh_requests() -> None:
    """However slow turns were, the estimate stays under its cap (half the budget), so a new request is run."""
    estimate = TurnEstimate(cap_s=2.0)
    for _ in range(50):
        estimate.record(30.0)
    assert estimate.seconds == 2.0


# --------------------------------------------------------------------------------------------------
# The real Rasa server


@pytest.fixture(scope="module")
def burst_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    """The bot with a budget shorter than any turn takes (0.05 s), so that every answer is late: the
    messages without a callbackUrl get the apology, those with one are delivered by callback, whatever
    the speed of the machine (at 0.3 s a fast machine answered the second burst inline, and no callback
    was tried)."""
    env = {"KAKAO_SKILL_TOKEN": TOKEN, "KAKAO_BOT_ID": "", "KAKAO_TIME_BUDGET_S": "0.05",
           "KAKAO_MAX_QUEUED_PER_USER": str(BOUND), **LOOPBACK_CALLBACKS}
    with live_bot(tmp_path_factory.mktemp("kakao-burst"), env) as running:
        yield running


def test_bursts_against_the_real_server(burst_bot: LiveBot, callbacks: CallbackReceiver) -> None:
    """60 messages of one customer at once without callbacks, then 60 with callbacks while the first
    drain: every HTTP answer within 4.5 s of sending, each message answered once, callbacks in the
    order the bot took the messages, the bot took no message beyond the bound."""
    user = f"live-burst-{uuid.uuid4().hex[:8]}"
    utterances = ["결제가 안 돼요", "환불 언제 돼요", "고객센터 번호 알려주세요", "상담 시간이 어떻게 돼요"]
    messages = [Sent(i, f"{utterances[i % 4]} {i}", f"/live/{i}" if i >= 60 else None) for i in range(120)]

    def send_one(message: Sent) -> Sent:
        url = callbacks.url(message.callback_path) if message.callback_path else None
        message.sent_at = time.monotonic()
        answer = post(burst_bot, skill_request(message.text, user, callback_url=url))
        message.answered_at = time.monotonic()
        assert answer.status == 200, answer.body
        message.answer = answer.body
        return message

    with ThreadPoolExecutor(max_workers=120) as pool:
        first = [pool.submit(send_one, message) for message in messages[:60]]
        time.sleep(0.3)
        second = [pool.submit(send_one, message) for message in messages[60:]]
        done = [future.result() for future in first + second]
    wait_until(lambda: all(len(callbacks.calls_to(m.callback_path)) == 1 for m in done if m.kind() == "callback"),
               timeout=30)
    time.sleep(1.0)
    taken = [event["text"] for event in user_events(burst_bot, f"kakao:{user}")]
    kinds: Dict[str, int] = {}
    callback_order: List[Tuple[float, str]] = []
    for message in done:
        assert message.seconds < PROMISE_S, (message.index, message.seconds)
        kind = message.kind()
        kinds[kind] = kinds.get(kind, 0) + 1
        posted = callbacks.calls_to(message.callback_path) if message.callback_path else []
        assert len(posted) == (1 if kind == "callback" else 0), (message.index, kind, posted)
        if kind == "callback" and not texts(posted[0].body)[0].startswith(first_line("technical_error")):
            callback_order.append((posted[0].at, message.text))
        if kind == "busy":
            assert message.text not in taken, "a refused message reached the bot"
    assert kinds.get("busy", 0) > 0 and kinds.get("callback", 0) > 0, kinds
    assert len(taken) == len(set(taken)), "a message reached the bot twice"
    delivered_by_callback = [text for _, text in sorted(callback_order)]
    assert delivered_by_callback == [text for text in taken if text in set(delivered_by_callback)]
    assert len(taken) <= len(done) - kinds["busy"]

