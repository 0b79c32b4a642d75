"""Two Kakao channels sharing Redis, as two Rasa processes do: order, bound and quick replies are shared.

Uses the machine's Redis (127.0.0.1:6379, database 6, keys of customers made up for each test).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Iterator, List, Tuple

import pytest
import redis

import channels.kakao.order
from channels.kakao import KakaoInput
from channels.kakao.order import QUEUE_KEY, RedisSenderOrder
from channels.kakao.render import EXTRA_PAYLOAD_KEY
from paybot.guide import load_guide
from rasa.core.channels.channel import UserMessage
from tests.live.kakao.test_channel import FakeBot, in_process_channel, parsed
from tests.unit.channels.kakao.test_render import texts

REDIS_DB = "6"


@pytest.fixture
def redis_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings of a Rasa process using the Redis lock store; skipped when Redis is not running."""
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    for name, value in {"LOCK_STORE_TYPE": "redis", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379",
                        "REDIS_DB": REDIS_DB, "KAKAO_MAX_QUEUED_PER_USER": "3"}.items():
        monkeypatch.setenv(name, value)
    yield


def two_servers(monkeypatch: pytest.MonkeyPatch, budget: float = 3.0) -> Tuple[KakaoInput, KakaoInput]:
    """Two channel instances, as two Rasa processes create them."""
    return in_process_channel(monkeypatch, budget), in_process_channel(monkeypatch, budget)


def customer() -> str:
    """A customer no other test run uses."""
    return f"shared-{uuid.uuid4().hex[:12]}"


class OfferingBot(FakeBot):
    """Answers with two buttons; records the text Rasa got."""

    async def __call__(self, message: UserMessage) -> None:
        self.handled.append(message.text or "")
        await message.output_channel.send_text_with_buttons(
            message.sender_id, "도움이 되셨나요?",
            [{"title": "네, 해결됐어요", "payload": "/affirm"}, {"title": "아니요, 상담원 연결", "payload": "/deny"}],
        )


async def test_a_quick_reply_offered_by_one_server_is_recognised_on_the_other(
    monkeypatch: pytest.MonkeyPatch, redis_env: None
) -> None:
    """Server A offers the buttons; the tap (its title, without Kakao's extra) reaches server B's Rasa
    as the payload."""
    server_a, server_b = two_servers(monkeypatch)
    bot, user = OfferingBot(), customer()
    offered = await server_a._answer_in_time(parsed("결제가 안 돼요", user), time.monotonic(), bot)
    titles = [reply["messageText"] for reply in offered["template"]["quickReplies"]]
    assert "아니요, 상담원 연결" in titles
    await server_b._answer_in_time(parsed("아니요, 상담원 연결", user), time.monotonic(), bot)
    assert bot.handled == ["결제가 안 돼요", "/deny"]


async def test_an_offer_is_forgotten_when_the_next_answer_offers_nothing(
    monkeypatch: pytest.MonkeyPatch, redis_env: None
) -> None:
    """Only the latest answer's quick replies count, whichever server gave it."""
    server_a, server_b = two_servers(monkeypatch)
    user = customer()
    await server_a._answer_in_time(parsed("결제가 안 돼요", user), time.monotonic(), OfferingBot())
    await server_b._answer_in_time(parsed("고마워요", user), time.monotonic(), FakeBot())
    plain = FakeBot()
    await server_a._answer_in_time(parsed("아니요, 상담원 연결", user), time.monotonic(), plain)
    assert plain.handled == ["아니요, 상담원 연결"]


async def test_two_turns_of_one_customer_on_two_servers_are_answered_in_order(
    monkeypatch: pytest.MonkeyPatch, redis_env: None
) -> None:
    """The first message (slow) on A, the second (fast) on B a moment later: B waits for A; the bot never
    works on both at once."""
    server_a, server_b = two_servers(monkeypatch)
    bot, user = FakeBot({"첫째": 0.4, "둘째": 0.0}), customer()
    first = asyncio.ensure_future(server_a._answer_in_time(parsed("첫째", user), time.monotonic(), bot))
    await asyncio.sleep(0.05)
    second = await server_b._answer_in_time(parsed("둘째", user), time.monotonic(), bot)
    assert texts(second)[0] == "둘째에 답해요."
    assert texts(await first)[0] == "첫째에 답해요."
    assert bot.handled == ["첫째", "둘째"] and not bot.overlapped


async def test_alternating_servers_keep_a_burst_in_order(monkeypatch: pytest.MonkeyPatch, redis_env: None) -> None:
    """Ten messages sent one after another, alternating between the servers, each while the one before is
    still being answered: the bot takes them in the order they were sent."""
    monkeypatch.setenv("KAKAO_MAX_QUEUED_PER_USER", "20")
    servers = two_servers(monkeypatch)
    bot, user = FakeBot({f"메시지 {i}": 0.03 for i in range(10)}), customer()
    pending: List["asyncio.Future[dict]"] = []
    for index in range(10):
        skill = parsed(f"메시지 {index}", user)
        pending.append(asyncio.ensure_future(servers[index % 2]._answer_in_time(skill, time.monotonic(), bot)))
        await asyncio.sleep(0.01)
    answers = await asyncio.gather(*pending)
    assert [texts(answer)[0] for answer in answers] == [f"메시지 {i}에 답해요." for i in range(10)]
    assert bot.handled == [f"메시지 {i}" for i in range(10)] and not bot.overlapped


async def test_the_bound_counts_the_messages_on_both_servers(
    monkeypatch: pytest.MonkeyPatch, redis_env: None
) -> None:
    """With room for 3: two waiting on A and one on B fill it; a fourth on either gets the wait answer."""
    server_a, server_b = two_servers(monkeypatch)
    bot, user = FakeBot({"하나": 0.3}), customer()
    pending = []
    for server, text in ((server_a, "하나"), (server_a, "둘"), (server_b, "셋")):
        pending.append(asyncio.ensure_future(server._answer_in_time(parsed(text, user), time.monotonic(), bot)))
        await asyncio.sleep(0.03)
    refused = await server_b._answer_in_time(parsed("넷", user), time.monotonic(), bot)
    assert texts(refused)[0] == load_guide().message("kakao_busy_wait")
    await asyncio.gather(*pending)
    assert bot.handled == ["하나", "둘", "셋"]


async def test_a_turn_of_a_server_that_stopped_does_not_block_the_customer(
    monkeypatch: pytest.MonkeyPatch, redis_env: None
) -> None:
    """A server that died holding a customer's turn: once its lease runs out, the other server answers."""
    monkeypatch.setattr(channels.kakao.order, "LEASE_S", 0.3)
    server_a, server_b = two_servers(monkeypatch)
    user = customer()
    dead = server_a._order
    assert isinstance(dead, RedisSenderOrder)
    ticket = await dead.admit(f"kakao:{user}")  # admitted, then the process is gone
    assert ticket is not None
    dead._mine.clear()  # nobody renews its lease any more
    started = time.monotonic()
    answer = await server_b._answer_in_time(parsed("안녕하세요", user), time.monotonic(), FakeBot())
    assert texts(answer)[0] == "안녕하세요에 답해요."
    assert time.monotonic() - started < 2.5
    await asyncio.sleep(0.2)  # B's ticket leaves once its answer is handed over
    client = redis.Redis(host="127.0.0.1", port=6379, db=int(REDIS_DB))
    assert client.llen(QUEUE_KEY.format(sender=f"kakao:{user}")) == 0


async def test_a_tap_with_kakaos_extra_needs_no_memory(monkeypatch: pytest.MonkeyPatch, redis_env: None) -> None:
    """The payload Kakao sends back in clientExtra is used as it is, on any server."""
    _, server_b = two_servers(monkeypatch)
    bot, user = FakeBot(), customer()
    skill = parsed("괜찮아요", user)
    skill.action.clientExtra[EXTRA_PAYLOAD_KEY] = "/deny"
    await server_b._answer_in_time(skill, time.monotonic(), bot)
    assert bot.handled == ["/deny"]
