"""Faults: the action server down or hanging still gets the customer an answer within 5 s."""

from __future__ import annotations

import time
from typing import Iterator

import pytest

from paybot.guide import load_guide
from tests.support.hanging_server import HangingServer
from tests.support.live_servers import LiveBot, live_bot

PHONE = "1577-1940"
CUSTOMER_WAIT_LIMIT_S = 5.0


@pytest.fixture(scope="module")
def faulty_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    """A bot of its own, since these tests stop its action server."""
    with live_bot(tmp_path_factory.mktemp("faulty-bot")) as running:
        yield running


def timed_reply(bot: LiveBot, sender: str, message: str) -> tuple:
    """Sends a message and returns (joined reply texts, seconds taken)."""
    started = time.monotonic()
    text = bot.texts(sender, message)
    return text, time.monotonic() - started


def test_action_server_down_then_back(faulty_bot: LiveBot) -> None:
    """Down: an apology with the phone number within 5 s. Back: normal answers resume."""
    sender = "fault-down"
    assert PHONE in bot_answer(faulty_bot, sender, "고객센터 번호 알려주세요")

    faulty_bot.stop_action_server()
    text, seconds = timed_reply(faulty_bot, sender, "결제가 안 돼요")
    assert seconds < CUSTOMER_WAIT_LIMIT_S
    assert load_guide().messages["technical_error"].split("\n")[0] in text
    assert PHONE in text

    faulty_bot.start_action_server()
    text, _ = timed_reply(faulty_bot, sender, "환불 언제 돼요?")
    assert load_guide().messages["ask_resolved"] in text and PHONE in text


def test_hanging_action_server_is_cut_off(faulty_bot: LiveBot) -> None:
    """An action server that never answers costs the customer about 3 s, not 300."""
    sender = "fault-hang"
    port = int(faulty_bot.action_url.rsplit(":", 1)[1])
    faulty_bot.stop_action_server()
    hanging = HangingServer(port)
    try:
        text, seconds = timed_reply(faulty_bot, sender, "송금이 안 돼요")
    finally:
        hanging.close()
        faulty_bot.start_action_server()
    assert seconds < CUSTOMER_WAIT_LIMIT_S
    assert PHONE in text
    assert "송금이 제대로 되지 않아" in bot_answer(faulty_bot, sender, "송금 실패했어요")


def bot_answer(bot: LiveBot, sender: str, message: str) -> str:
    """The joined reply texts for one message."""
    return bot.texts(sender, message)
