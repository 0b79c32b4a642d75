"""Serves the customer chat page on 127.0.0.1: ``web/index.html``, its script and style, the widget.

Only the files in :data:`STATIC_FILES` are served (no directory listing, nothing else under ``web/``
or ``node_modules/``), plus ``/config.js``, which tells the page where Rasa's socket.io channel is
(``WEB_CHAT_SOCKET_URL``). The widget is botfront's ``rasa-webchat`` bundle as ``npm ci`` installed it
from ``web/package-lock.json``: nothing comes from a CDN.

Every answer carries a Content-Security-Policy that allows scripts from this server only and network
connections to the socket.io channel only, so even a message that slipped HTML or a ``javascript:``
link past the widget's escaping could not run a script or send data elsewhere.

Run it with ``.venv/bin/python -m web.serve`` (``make run`` does); port ``WEB_CHAT_PORT``.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from paybot.settings import get_settings

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
WIDGET_BUNDLE = WEB_DIR / "node_modules" / "rasa-webchat" / "lib" / "index.js"
HOST = "127.0.0.1"

_JS = "text/javascript; charset=utf-8"
# URL path → (file, content type). Nothing outside this table is served.
STATIC_FILES: Mapping[str, Tuple[Path, str]] = {
    "/": (WEB_DIR / "index.html", "text/html; charset=utf-8"),
    "/chat.js": (WEB_DIR / "chat.js", _JS),
    "/chat.css": (WEB_DIR / "chat.css", "text/css; charset=utf-8"),
    "/vendor/rasa-webchat.js": (WIDGET_BUNDLE, _JS),
}
CONFIG_PATH = "/config.js"


def socket_origins(socket_url: str) -> Tuple[str, str]:
    """The HTTP and WebSocket origins of Rasa's socket.io URL, for the page's ``connect-src``.

    Raises:
        ValueError: When the URL is not an absolute http(s) URL.
    """
    parts = urlsplit(socket_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"WEB_CHAT_SOCKET_URL must be an absolute http(s) URL, not {socket_url!r}.")
    websocket_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc}", f"{websocket_scheme}://{parts.netloc}"


def content_security_policy(socket_url: str) -> str:
    """The page's Content-Security-Policy: own scripts only, connections to the bot only.

    The widget's stylesheet is injected as ``<style>`` tags (hence ``'unsafe-inline'`` for styles only)
    and its icons are ``data:`` images. Its CSS also imports a web font from Google; ``style-src``
    blocks that, so no request leaves for a CDN and the page's own Korean font stack applies.
    """
    http_origin, websocket_origin = socket_origins(socket_url)
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            f"connect-src {http_origin} {websocket_origin}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def page_config_script(socket_url: str) -> bytes:
    """``/config.js``: the settings the page's script reads from ``window.PAYBOT_WEB_CHAT``."""
    config = json.dumps({"socketUrl": socket_url}).replace("<", "\\u003c")
    return f"window.PAYBOT_WEB_CHAT = {config};\n".encode()


class ChatPageHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the chat page's files; everything else is 404 or 501."""

    server: "ChatPageServer"
    server_version = "paybot-web-chat"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        """Sends a file of the page."""
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - the name http.server dispatches to
        """Sends a file's headers only."""
        self._answer(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        """Logs requests through :mod:`logging` instead of stderr."""
        logger.info("%s %s", self.address_string(), format % args)

    def _answer(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if path == CONFIG_PATH:
            self._send(HTTPStatus.OK, _JS, page_config_script(self.server.socket_url), send_body)
            return
        entry = STATIC_FILES.get(path)
        if entry is None:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n", send_body)
            return
        file, content_type = entry
        try:
            body = file.read_bytes()
        except FileNotFoundError:
            logger.error("%s is missing; run `make web-setup`.", file)
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n", send_body)
            return
        self._send(HTTPStatus.OK, content_type, body, send_body)

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        headers: Dict[str, str] = {
            "Content-Type": content_type,
            "Content-Length": str(len(body)),
            "Content-Security-Policy": self.server.content_security_policy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        }
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class ChatPageServer(ThreadingHTTPServer):
    """The chat page's HTTP server, bound to 127.0.0.1 when created."""

    daemon_threads = True

    def __init__(self, port: int, socket_url: str) -> None:
        """Binds the server.

        Args:
            port: TCP port on 127.0.0.1 (0 picks a free one; see ``server_address``).
            socket_url: Where the page's widget reaches Rasa's socket.io channel.
        """
        self.socket_url = socket_url
        self.content_security_policy = content_security_policy(socket_url)
        super().__init__((HOST, port), ChatPageHandler)

    @property
    def url(self) -> str:
        """The page's address, e.g. ``http://127.0.0.1:8080/``."""
        return f"http://{HOST}:{self.server_address[1]}/"


def create_server(port: Optional[int] = None, socket_url: Optional[str] = None) -> ChatPageServer:
    """Creates the page server from the settings (``WEB_CHAT_PORT``, ``WEB_CHAT_SOCKET_URL``).

    Raises:
        FileNotFoundError: When the widget is not installed (``make web-setup`` installs it).
    """
    if not WIDGET_BUNDLE.is_file():
        raise FileNotFoundError(f"{WIDGET_BUNDLE} is missing: run `make web-setup` (npm ci in web/).")
    settings = get_settings()
    return ChatPageServer(
        settings.web_chat_port if port is None else port,
        settings.web_chat_socket_url if socket_url is None else socket_url,
    )


@contextmanager
def serving(port: Optional[int] = None, socket_url: Optional[str] = None) -> Iterator[ChatPageServer]:
    """Serves the page from a background thread until the block ends (used by the tests)."""
    server = create_server(port, socket_url)
    thread = threading.Thread(target=server.serve_forever, name="web-chat-page", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def main() -> int:
    """Serves the page until interrupted; returns the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = create_server()
    except (FileNotFoundError, ValueError, OSError) as error:
        logger.error("The chat page cannot be served: %s", error)
        return 1
    logger.info("Chat page on %s (socket.io channel: %s)", server.url, server.socket_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
