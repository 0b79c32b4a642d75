"""The web chat's socket.io channel with the live bot: bad payloads and personal data, like REST."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any, List

import pytest
import socketio

from paybot.guide import load_guide
from paybot.settings import load_defaults
from tests.support.live_servers import LiveBot

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
        # abort: a polite disconnect over long-polling waits for the pending poll, up to the 25 s ping.
        await client.eio.disconnect(abort=True)
    return received


def test_unreadable_payloads_get_a_polite_reply(bot: LiveBot) -> None:
    """A missing, null or non-text message gets 'your message is empty', never silence or a crash."""
    session = "socket-bad"
    payloads = [{"session_id": session}, {"session_id": session, "message": None},
                {"session_id": session, "message": 42}, {"session_id": session, "message": "  \x00 "}]
    replies = asyncio.run(conversation(bot, session, payloads, expected_replies=4))
    assert replies == [load_guide().message("empty_message")] * 4


def _answered(replies: List[str]) -> bool:
    """A real answer from the bot: something said, and not the technical-error apology."""
    apology = load_guide().message("technical_error").splitlines()[0]
    return bool(replies) and all(reply.strip() for reply in replies) and not any(apology in r for r in replies)


ODD_MESSAGES = {
    "100 kB of text": ("환불" * 50_000, lambda replies: replies[0].startswith("메시지가 길어서 앞부분")
                       and "1577-1940" in replies[0] and len(replies) > 1),
    "emoji with joiners": ("👩‍👩‍👧‍👦🏳️‍🌈결제가안돼요ㅠㅠ", _answered),
    "HTML and script": ("<script>alert('x')</script><img src=x onerror=alert(1)> 환불 언제 돼요?", _answered),
    "a lone surrogate": ("\ud800결제 실패했어요", _answered),
    "English and an amount": ("payment fail 3만원 ㅠ", _answered),
}


@pytest.mark.parametrize("case", sorted(ODD_MESSAGES))
def test_odd_messages_get_a_controlled_reply(bot: LiveBot, case: str) -> None:
    """Messy and hostile text: the long-message notice and an answer, or a real answer; never silence or an apology."""
    message, acceptable = ODD_MESSAGES[case]
    session = f"socket-odd-{sorted(ODD_MESSAGES).index(case)}"
    # A long message gets the notice and then the answer to its beginning: wait for both.
    expected = 2 if case == "100 kB of text" else 1
    replies = asyncio.run(conversation(bot, session, [{"session_id": session, "message": message}], expected))
    assert acceptable(replies), f"{case}: {replies!r}"


@pytest.mark.parametrize(
    "payload",
    ["결제가 안 돼요", ["결제가 안 돼요"], {"message": "결제가 안 돼요"}, {"session_id": 7, "message": "결제 오류"},
     {"session_id": "socket-malformed", "message": "결제가 안 돼요", "metadata": "{broken"}],
    ids=["a bare string", "a list", "no session id", "a numeric session id", "broken metadata"],
)
def test_malformed_payloads_are_still_answered(bot: LiveBot, payload: Any) -> None:
    """Payloads a broken page might send: answered on the socket, never dropped in silence."""
    replies = asyncio.run(conversation(bot, "socket-malformed", [payload], 1))
    assert replies and all(reply.strip() for reply in replies), replies


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


def test_a_photo_from_the_page_gets_the_guides_answer(bot: LiveBot) -> None:
    """An attachment from the web chat (no words): the guide's photo answer with the phone number."""
    session = "socket-photo"
    payload = {"session_id": session, "message": "", "attachments": [{"type": "image", "url": "https://cdn.example.com/a"}]}
    replies = asyncio.run(conversation(bot, session, [payload], expected_replies=1))
    assert replies == [load_guide().message("media_image")]


def test_typed_commands_are_read_as_text(bot: LiveBot) -> None:
    """"/restart" and "/intent{...}" (good and broken JSON) typed in the page are messages, not commands:
    each answered, never the technical-error apology, and the conversation is kept."""
    session = "socket-restart"
    typed = ["환불이 안 들어왔어요", "/restart", '/refund{"amount": "3만원"}', '/payment_failure{"error_code": ']
    payloads = [{"session_id": session, "message": text} for text in typed]
    replies = asyncio.run(conversation(bot, session, payloads, expected_replies=len(typed) + 2))
    assert replies and not any(load_guide().message("technical_error").split("\n")[0] in reply for reply in replies)
    restarts, said = 0, []
    deadline = time.monotonic() + 20.0
    while time.monotonic() < deadline:  # the replies counted may all be earlier messages' on a busy machine
        with sqlite3.connect(bot.tracker_db) as database:
            restarts = database.execute(
                "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'restart'", (session,)
            ).fetchone()[0]
            said = [row[0] for row in database.execute(
                "SELECT json_extract(data, '$.text') FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                (session,),
            )]
        if len(said) >= len(typed):
            break
        time.sleep(0.1)
    assert restarts == 0
    assert said == ["환불이 안 들어왔어요", "restart", 'refund{"amount": "3만원"}', 'payment_failure{"error_code":']
    assert len(replies) >= len(typed)
