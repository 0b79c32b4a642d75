"""The REST channel with bad input and personal data: a clear answer, never a 5xx; nothing unmasked kept."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
import requests

from paybot.guide import load_guide
from tests.support.live_servers import LiveBot


def post_raw(bot: LiveBot, body: bytes) -> requests.Response:
    """Posts raw bytes to the REST webhook."""
    return requests.post(
        f"{bot.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}, timeout=30
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"sender": "x", "message": ', id="invalid-json"),
        pytest.param(b"\xff\xfe\x00garbage", id="invalid-utf8"),
        pytest.param(b'["sender", "message"]', id="json-array"),
        pytest.param(b'{"message": "\xea\xb2\xb0\xec\xa0\x9c"}', id="missing-sender"),
        pytest.param(b'{"sender": "x"}', id="missing-message"),
        pytest.param(b'{"sender": "x", "message": null}', id="null-message"),
        pytest.param(b'{"sender": "x", "message": 123}', id="number-message"),
        pytest.param(b'{"sender": ["x"], "message": "hi"}', id="list-sender"),
        pytest.param(b'{"sender": "x", "message": "hi", "metadata": "oops"}', id="string-metadata"),
        pytest.param(b"", id="empty-body"),
    ],
)
def test_unreadable_requests_get_a_400_with_a_reason(bot: LiveBot, body: bytes) -> None:
    """Requests the channel cannot read get 400 and a JSON error, not a 500 or a stack trace."""
    reply = post_raw(bot, body)
    assert reply.status_code == 400
    assert set(reply.json()) == {"error"}
    assert "Traceback" not in reply.text


@pytest.mark.parametrize(
    "message, expected_key",
    [
        pytest.param("", "empty_message", id="empty"),
        pytest.param("   \n\t  ", "empty_message", id="whitespace"),
        pytest.param("\x00\x00", "empty_message", id="only-nul"),
    ],
)
def test_empty_messages_get_a_polite_reply(bot: LiveBot, message: str, expected_key: str) -> None:
    """Empty messages are answered politely without running the bot."""
    replies = bot.say(f"rest-bad-{expected_key}", message)
    expected = load_guide().message(expected_key, max_chars=1000)
    assert [reply["text"] for reply in replies] == [expected]


def test_a_huge_message_is_read_from_the_beginning(bot: LiveBot) -> None:
    """100,000 characters: no 4xx; the customer is told only the beginning was read (with the phone
    number) and gets the answer to what the beginning asks."""
    replies = bot.say("rest-long", "환불이 아직 안 들어왔어요 " + "ㅠ" * 100_000)
    said = [reply.get("text", "") for reply in replies]
    assert said[0] == load_guide().message("message_too_long", max_chars=1000)
    assert "1577-1940" in said[0]
    assert "환불" in " ".join(said[1:]), said


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("결제\x00가 안 돼요", id="nul-inside"),
        pytest.param("👨‍👩‍👧‍👦👍🏽 결제 실패", id="emoji-joiners"),
        pytest.param("<img src=x onerror=alert(1)><script>alert(1)</script>", id="html"),
        pytest.param("'; DROP TABLE events; --", id="sql-like"),
    ],
)
def test_odd_text_gets_an_answer(bot: LiveBot, message: str) -> None:
    """Odd but readable text reaches the bot and gets a non-empty answer."""
    replies = bot.say("rest-odd", message)
    assert replies and all(reply.get("text") or reply.get("buttons") for reply in replies)


def test_personal_data_is_masked_everywhere_it_is_kept(bot: LiveBot, tmp_path: Any) -> None:
    """Pasted card, phone, account and resident numbers never reach the tracker store or the logs."""
    secrets = ["4111-2222-3333-4444", "010-9876-5432", "110-234-567890", "900101-1234567", "qwer1234"]
    sender = "rest-pii"
    replies = bot.say(sender, f"카드 {secrets[0]} 결제가 안돼요 제 번호 {secrets[1]}")
    assert replies[0]["text"] == load_guide().message("sensitive_data_warning")
    bot.say(sender, f"계좌 {secrets[2]} 로 송금했는데 안 들어갔어요")
    bot.say(sender, f"주민번호 {secrets[3]} 비밀번호는 {secrets[4]} 입니다")

    with sqlite3.connect(bot.tracker_db) as database:
        stored = "\n".join(data for (data,) in database.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)))
    assert "4444" in stored, "the last four card digits stay, so the conversation was stored"
    logs = "\n".join(path.read_text(errors="replace") for path in bot.logs.glob("*.log"))
    for secret in secrets:
        assert secret not in stored
        assert secret not in logs


def test_replies_are_readable_utf8_json(bot: LiveBot) -> None:
    """The reply body carries the Korean as UTF-8 text (readable in curl), not \\uXXXX escapes."""
    reply = post_raw(bot, '{"sender": "rest-utf8", "message": "상담원 연결해 주세요"}'.encode())
    assert reply.status_code == 200
    assert b"1577-1940" in reply.content and "상담원".encode() in reply.content
    assert b"\\u" not in reply.content
    assert reply.headers["content-type"].startswith("application/json")


def _stored_user_texts(bot: LiveBot, sender: str) -> list:
    with sqlite3.connect(bot.tracker_db) as database:
        rows = database.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


@pytest.mark.parametrize(
    "body, kind",
    [
        pytest.param({"message": "https://cdn.example.com/uploads/IMG_2034.JPG"}, "image", id="photo-address"),
        pytest.param({"message": None, "attachments": [{"type": "image", "url": "https://cdn.example.com/1"}]},
                     "image", id="attachment-without-words"),
        pytest.param({"message": "", "metadata": {"file": {"name": "영수증.pdf", "url": "https://cdn.example.com/r.pdf"}}},
                     "file", id="file-in-metadata"),
        pytest.param({"message": "(이모티콘)"}, "sticker", id="sticker-placeholder"),
    ],
)
def test_media_gets_the_guides_answer_not_an_answer_to_its_address(bot: LiveBot, body: dict, kind: str) -> None:
    """A photo, file or sticker: the guide's answer for it (with the phone number), never a topic's
    answer to the address; the conversation keeps the marker, not the address."""
    sender = f"rest-media-{kind}-{len(json.dumps(body))}"
    reply = post_raw(bot, json.dumps({"sender": sender, **body}, ensure_ascii=False).encode())
    assert reply.status_code == 200
    said = [item.get("text", "") for item in reply.json()]
    assert said == [load_guide().message(f"media_{kind}")]
    assert "1577-1940" in said[0]
    (stored,) = _stored_user_texts(bot, sender)
    assert "http" not in stored and stored.startswith("[")


def test_words_beside_a_photo_are_answered(bot: LiveBot) -> None:
    """A question with a screenshot's address: told the picture was not read, then the answer to the words."""
    sender = "rest-media-with-text"
    replies = bot.say(sender, "결제가 안 돼요 https://cdn.example.com/screen.png")
    said = [reply.get("text", "") for reply in replies]
    assert said[0] == load_guide().message("media_with_text")
    assert load_guide().topics["payment_failure"].answer.split(".")[0] in "\n".join(said[1:])


def test_typed_commands_are_read_as_text(bot: LiveBot) -> None:
    """"/restart" does not wipe the conversation; "/refund{...}" with an odd amount never crashes the
    answer; the bot's own button payloads still work."""
    sender = "rest-commands"
    apology = load_guide().message("technical_error").split("\n")[0]
    bot.say(sender, "환불이 안 들어왔어요")
    for typed in ("/restart", '/refund{"amount": "3만원"}', '/payment_failure{"error_code": {"x": 1}}',
                  '/refund{"amount": ', "/transfer_issue", "//greet"):
        said = "\n".join(reply.get("text", "") for reply in bot.say(sender, typed))
        assert said.strip() and apology not in said, (typed, said)
    assert _stored_user_texts(bot, sender)[0] == "환불이 안 들어왔어요", "the conversation was not restarted"
    said = "\n".join(reply.get("text", "") for reply in bot.say("rest-button", "/request_human"))
    assert "1577-1940" in said
