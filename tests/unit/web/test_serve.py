"""The chat page's server (web/serve.py): its files only, where the bot is, and a strict CSP."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests

from web.serve import ChatPageServer, content_security_policy, serving, socket_origins

SOCKET_URL = "http://127.0.0.1:5005"


@pytest.fixture(scope="module")
def page_server() -> Iterator[ChatPageServer]:
    """The page server on a free port, pointing the widget at Rasa on :5005."""
    with serving(0, SOCKET_URL) as server:
        yield server


@pytest.mark.parametrize(
    ("path", "content_type", "contains"),
    [
        pytest.param("", "text/html", "결제 고객지원", id="page"),
        pytest.param("chat.js", "text/javascript", "WebChat.default", id="page-script"),
        pytest.param("chat.css", "text/css", ".chat", id="page-style"),
        pytest.param("vendor/rasa-webchat.js", "text/javascript", "WebChat", id="widget-bundle"),
        pytest.param("config.js", "text/javascript", '{"socketUrl": "http://127.0.0.1:5005"}', id="config"),
    ],
)
def test_serves_the_page_files(page_server: ChatPageServer, path: str, content_type: str, contains: str) -> None:
    """The page, its script and style, the widget and the config are served with their types."""
    response = requests.get(page_server.url + path, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert contains in response.content.decode("utf-8")
    assert response.headers["Content-Security-Policy"] == content_security_policy(SOCKET_URL)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "package.json",
        "serve.py",
        "index.html",
        "node_modules/rasa-webchat/lib/index.js",
        "vendor/../serve.py",
        "%2e%2e/Makefile",
        "vendor/",
    ],
)
def test_nothing_else_is_served(page_server: ChatPageServer, path: str) -> None:
    """Other files under web/ (and outside it) are not found."""
    assert requests.get(page_server.url + path, timeout=10).status_code == 404


def test_page_loads_only_local_scripts(page_server: ChatPageServer) -> None:
    """The page embeds the locally installed widget, never a CDN copy."""
    html = requests.get(page_server.url, timeout=10).text
    assert '<script src="vendor/rasa-webchat.js"></script>' in html
    assert "http" not in html.split("<body>")[1]


def test_csp_allows_connections_to_the_bot_only() -> None:
    """Scripts come from the page's server; connections go to Rasa's socket.io (HTTP and WebSocket)."""
    policy = content_security_policy("https://chat.example.com:5005/")
    assert "script-src 'self'" in policy
    assert "connect-src https://chat.example.com:5005 wss://chat.example.com:5005" in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("socket_url", ["127.0.0.1:5005", "ws://127.0.0.1:5005", "javascript:alert(1)", ""])
def test_socket_url_must_be_http(socket_url: str) -> None:
    """A socket URL that is not an absolute http(s) URL is refused at start-up."""
    with pytest.raises(ValueError, match="WEB_CHAT_SOCKET_URL"):
        socket_origins(socket_url)
