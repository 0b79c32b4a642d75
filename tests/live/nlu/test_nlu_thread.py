"""rasa_runtime.nlu_thread: the NLU parse runs off the event loop, with the same result as Rasa's own."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Dict, List

import pytest
import rasa.core.agent
import rasa.core.processor
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from rasa_runtime import patches
from rasa_runtime.nlu_thread import ThreadedNluProcessor
from rasa_runtime.trained_models import newest_model

# Every test here loads a trained model.
pytestmark = pytest.mark.live

# How long the stand-in parse holds its thread: long next to the loop's ticks.
SLOW_PARSE_S = 0.5
TICK_S = 0.01


class _SlowParse(ThreadedNluProcessor):
    """The threaded processor around a stand-in graph that blocks like a slow parse."""

    def __init__(self) -> None:  # no model: only the parse is exercised
        self.http_interpreter = None
        self.threads: List[str] = []

    def _parse_message_with_graph(self, message: UserMessage, tracker: Any, only: bool = True) -> Dict[str, Any]:
        self.threads.append(threading.current_thread().name)
        time.sleep(SLOW_PARSE_S)
        return {"text": message.text, "intent": {"name": "greet", "confidence": 1.0}, "entities": []}

    def _check_for_unseen_features(self, parse_data: Dict[str, Any]) -> None:
        return None


async def test_the_loop_keeps_running_while_a_message_is_parsed() -> None:
    """While a slow parse runs, other coroutines (a Kakao deadline timer, another customer's answer) run:
    a ticker on the loop keeps ticking, and the parse ran on the NLU thread, not the loop's."""
    processor = _SlowParse()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(TICK_S)
            ticks += 1

    task = asyncio.ensure_future(ticker())
    try:
        parsed = await processor.parse_message(UserMessage("안녕하세요", sender_id="u"))
    finally:
        task.cancel()
    assert parsed["intent"]["name"] == "greet"
    assert processor.threads == ["paybot-nlu_0"]
    # Blocked, the loop would tick at most once; free, about SLOW_PARSE_S / TICK_S times.
    assert ticks >= 10, ticks


async def test_parses_of_several_customers_run_one_at_a_time_on_one_thread() -> None:
    """Concurrent messages are parsed one after another on the one NLU thread (as before, never two
    at once in the tokenizer), and each gets its own result."""
    processor = _SlowParse()
    texts = ["결제", "환불", "송금"]
    parsed = await asyncio.gather(*(processor.parse_message(UserMessage(t, sender_id=t)) for t in texts))
    assert [item["text"] for item in parsed] == texts
    assert set(processor.threads) == {"paybot-nlu_0"}


@pytest.mark.skipif(newest_model() is None, reason="needs a trained model (make train)")
async def test_a_model_loaded_after_install_parses_on_the_thread_exactly_as_rasa(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the patches installed, the agent's processor is ours, and with the trained model the threaded
    parse gives exactly Rasa's own intents, confidences and entities."""
    monkeypatch.setattr(rasa.core.agent, "MessageProcessor", rasa.core.processor.MessageProcessor)
    patches.install()
    agent = Agent.load(str(newest_model()))
    processor = agent.processor
    assert isinstance(processor, ThreadedNluProcessor)
    for text in ["결제가 안 돼요 ㅠㅠ", "3만원 송금했는데 친구가 못받았대요", "ㅋㅋㅋ", "상담원 연결해 주세요"]:
        message = UserMessage(text, sender_id="same")
        ours = await processor.parse_message(message)
        theirs = await MessageProcessor.parse_message(processor, message)
        assert ours["intent"] == theirs["intent"]
        assert ours["intent_ranking"] == theirs["intent_ranking"]
        assert ours["entities"] == theirs["entities"]
