"""The web chat's socket.io channel: allowed origins from the settings, sessions that join their room."""

from __future__ import annotations

from typing import Any, List, Sequence

import pytest
from rasa.core.channels.channel import UserMessage

from channels.socketio_channel import (
    MAX_SESSION_ID_CHARS,
    AllowedOriginsSocketIOInput,
    EngineIOOrigins,
    engineio_origins,
    session_id_from,
)
from paybot.settings import get_settings

CREDENTIALS = {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}


async def ignore_message(message: UserMessage) -> None:
    """Stands in for Rasa's message handler: these tests never send a message."""


def wired_channel(credentials: dict) -> AllowedOriginsSocketIOInput:
    """The channel as Rasa creates it from credentials.yml, with its blueprint built."""
    channel = AllowedOriginsSocketIOInput.from_credentials(credentials)
    assert isinstance(channel, AllowedOriginsSocketIOInput)
    channel.blueprint(ignore_message)
    return channel


@pytest.mark.parametrize(
    ("allowed", "expected"),
    [
        pytest.param(["http://127.0.0.1:8080"], ["http://127.0.0.1:8080"], id="one"),
        pytest.param([" https://shop.example/ ", "", "http://localhost:8080"], ["https://shop.example", "http://localhost:8080"], id="trimmed"),
        pytest.param(["https://shop.example", "*"], "*", id="any"),
    ],
)
def test_engineio_origins(allowed: Sequence[str], expected: EngineIOOrigins) -> None:
    """Origins are trimmed of blanks and trailing slashes; '*' means every origin."""
    assert engineio_origins(allowed) == expected


def test_no_origin_is_refused_rather_than_meaning_any() -> None:
    """An empty list would make python-engineio accept every origin: it is an error instead."""
    with pytest.raises(ValueError, match="WEB_CHAT_ALLOWED_ORIGINS"):
        engineio_origins(["", " "])


def test_default_origins_follow_the_page_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset, the allowed origins are the chat page's own, by IP and by name."""
    monkeypatch.delenv("WEB_CHAT_ALLOWED_ORIGINS", raising=False)
    monkeypatch.setenv("WEB_CHAT_PORT", "9090")
    assert get_settings().web_chat_allowed_origins == ("http://127.0.0.1:9090", "http://localhost:9090")


def test_origins_setting_is_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    """WEB_CHAT_ALLOWED_ORIGINS lists origins separated by commas."""
    monkeypatch.setenv("WEB_CHAT_ALLOWED_ORIGINS", "https://www.example.com, https://m.example.com")
    assert get_settings().web_chat_allowed_origins == ("https://www.example.com", "https://m.example.com")


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        pytest.param({"session_id": "c7eaf7270ffc48729a55ab3312d6b8ba"}, True, id="webchat-id"),
        pytest.param({"session_id": None}, False, id="none"),
        pytest.param(None, False, id="no-payload"),
        pytest.param("c7eaf727", False, id="not-an-object"),
        pytest.param({"session_id": 12345}, False, id="number"),
        pytest.param({"session_id": "  "}, False, id="blank"),
        pytest.param({"session_id": "a\nb"}, False, id="control-character"),
        pytest.param({"session_id": "x" * (MAX_SESSION_ID_CHARS + 1)}, False, id="too-long"),
    ],
)
def test_session_id_from_request(data: Any, kept: bool) -> None:
    """A short printable session id is kept; anything else gets a new random one."""
    session_id = session_id_from(data)
    if kept:
        assert session_id == data["session_id"]
    else:
        assert isinstance(session_id, str) and len(session_id) == 32 and session_id.isalnum()


def test_blueprint_sets_the_allowed_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Engine.IO server checks the configured origins instead of accepting every one."""
    monkeypatch.setenv("WEB_CHAT_ALLOWED_ORIGINS", "https://www.example.com/")
    channel = wired_channel(CREDENTIALS)
    assert channel.sio is not None
    assert channel.sio.eio.cors_allowed_origins == ["https://www.example.com"]
    assert channel.name() == "socketio"


async def test_session_request_joins_the_session_room() -> None:
    """With session_persistence, the socket joins its session's room, where the bot's answers go."""
    channel = wired_channel(CREDENTIALS)
    sio = channel.sio
    assert sio is not None
    sid = await sio.manager.connect("engineio-socket-1", "/")
    await sio.handlers["/"]["session_request"](sid, {"session_id": "session-a"})
    members: List[Any] = [member for member, _ in sio.manager.get_participants("/", "session-a")]
    assert members == [sid]


async def test_without_persistence_no_room_is_joined() -> None:
    """Without session_persistence the socket id is the conversation; no session room is made."""
    channel = wired_channel({**CREDENTIALS, "session_persistence": False})
    sio = channel.sio
    assert sio is not None
    sid = await sio.manager.connect("engineio-socket-2", "/")
    await sio.handlers["/"]["session_request"](sid, {"session_id": "session-b"})
    assert "session-b" not in sio.manager.rooms.get("/", {})
