"""The web chat's socket.io channel with the live bot: bad payloads and personal data, like REST."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any, List

import socketio

from paybot.guide import load_guide
from paybot.settings import load_defaults
from tests.live_servers import LiveBot

PAGE_ORIGIN = load_defaults()["WEB_CHAT_ALLOWED_ORIGINS"].split(",")[0]


async def conversation(bot: LiveBot, session_id: str, payloads: List[Any], expected_replies: int) -> List[str]:
    """Sends each payload as ``user_uttered`` and collects the bot's texts until enough arrived."""
    client = socketio.AsyncClient()
    received: List[str] = []
    confirmed = asyncio.Event()

    @client.on("session_confirm")
    async def on_confirm(_: Any) -> None:
        confirmed.set()

    @client.on("bot_uttered")
    async def on_bot(message: Any) -> None:
        received.append(message.get("text", ""))

    # Long-polling: the WebSocket transport of python-engineio's client needs aiohttp >= 3.10 (Rasa pins 3.9).
    await client.connect(bot.rasa_url, headers={"Origin": PAGE_ORIGIN}, transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 10)
        for payload in payloads:
            await client.emit("user_uttered", payload)
        for _ in range(200):
            if len(received) >= expected_replies:
                break
            await asyncio.sleep(0.1)
    finally:
        await client.disconnect()
    return received


def test_unreadable_payloads_get_a_polite_reply(bot: LiveBot) -> None:
    """A missing, null or non-text message gets 'your message is empty', never silence or a crash."""
    session = "socket-bad"
    payloads = [{"session_id": session}, {"session_id": session, "message": None},
                {"session_id": session, "message": 42}, {"session_id": session, "message": "  \x00 "}]
    replies = asyncio.run(conversation(bot, session, payloads, expected_replies=4))
    assert replies == [load_guide().message("empty_message")] * 4


def test_personal_data_is_masked_before_it_is_kept(bot: LiveBot) -> None:
    """A pasted card number is masked in the tracker store; the customer is warned and answered."""
    session = "socket-pii"
    payload = {"session_id": session, "message": "카드 4111-2222-3333-4444 결제가 안 돼요"}
    replies = asyncio.run(conversation(bot, session, [payload], expected_replies=3))
    assert replies[0] == load_guide().message("sensitive_data_warning")
    assert any("1577-1940" in reply for reply in replies[1:])
    with sqlite3.connect(bot.tracker_db) as database:
        stored = "\n".join(data for (data,) in database.execute("SELECT data FROM events WHERE sender_id = ?", (session,)))
    assert "****-****-****-4444" in stored
    assert "4111-2222-3333-4444" not in stored
