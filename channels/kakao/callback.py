"""Where and how the Kakao channel POSTs a late answer: Kakao's callback host only, once.

A skill request's ``userRequest.callbackUrl`` is whatever the request says, and whoever holds the skill
token could make the bot POST conversations anywhere (an internal address, another site). Kakao's real
callback URLs look like ``https://bot-api.kakao.com/v1/bots/<bot id>/callback/<one-time token>``, so the
channel posts only to the hosts of ``KAKAO_CALLBACK_HOSTS`` (default ``bot-api.kakao.com``), only over
https (``KAKAO_CALLBACK_ALLOW_HTTP`` adds http on loopback hosts, for tests that stand up their own
receiver), never to a URL with a user name or password in it; the POST itself has a time limit and does
not follow redirects (:func:`post_callback`). Any other callback URL is not used: the turn is answered
as one without a callback. :func:`callback_allowed` is a pure function, no I/O.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Iterable, Optional
from urllib.parse import urlsplit

import aiohttp

from channels.kakao.models import SkillRequest

logger = logging.getLogger(__name__)

# One attempt only (exactly once); this bounds how long it may take.
CALLBACK_HTTP_TIMEOUT_S = 10.0
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _host_and_port(entry: str) -> tuple[str, Optional[int]]:
    """An allow-list entry ("bot-api.kakao.com", "127.0.0.1:8443", "[::1]:80") as host and optional port."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    else:
        host, port = entry, ""
    return host, int(port) if port.isdigit() else None


def callback_allowed(url: Optional[str], hosts: Iterable[str], allow_http: bool = False) -> bool:
    """Whether the channel may POST to ``url``.

    Args:
        url: The request's callbackUrl.
        hosts: Allowed hosts; an entry with a port allows that port only, one without allows any.
        allow_http: Also allow ``http://`` when the host is a loopback address (tests only).

    Returns:
        True for an https (or allowed http) URL on an allowed host, without credentials in it.
    """
    if not url:
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None:
        return False
    if parts.scheme != "https" and not (parts.scheme == "http" and allow_http and host in LOOPBACK_HOSTS):
        return False
    for entry in hosts:
        allowed_host, allowed_port = _host_and_port(entry)
        if host == allowed_host and (allowed_port is None or allowed_port == port):
            return True
    return False


def usable_callback(skill: SkillRequest, hosts: Iterable[str], allow_http: bool = False) -> Optional[str]:
    """The request's callbackUrl if the channel may post there (see :func:`callback_allowed`), else ``None``."""
    url = skill.callback_url
    if url is None or callback_allowed(url, hosts, allow_http):
        return url
    logger.warning(
        "Ignored a callbackUrl on %s, which is not an allowed https callback host (KAKAO_CALLBACK_HOSTS).",
        skill.userRequest.callbackUrl.host if skill.userRequest.callbackUrl else "?",
    )
    return None


async def post_callback(url: str, body: Dict[str, Any], sender_id: str) -> None:
    """POSTs ``body`` to the callback ``url``, one attempt, no redirects; a failure is logged, not raised."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        timeout = aiohttp.ClientTimeout(total=CALLBACK_HTTP_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(
                url,
                data=data,
                headers={"Content-Type": "application/json; charset=utf-8"},
                allow_redirects=False,
            ) as reply:
                text = await reply.text()
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.error("Posting the answer for %s to its callback URL failed: %r", sender_id, error)
        return
    status = _kakao_status(text)
    if reply.status >= 400 or status not in (None, "SUCCESS"):
        logger.error("Kakao refused the callback for %s: HTTP %s, status %s.", sender_id, reply.status, status)
    else:
        logger.info("Posted the answer for %s to its callback URL.", sender_id)


def _kakao_status(text: str) -> Optional[str]:
    """The ``status`` of Kakao's callback reply (SUCCESS, FAIL, ERROR), if it is one."""
    try:
        reply = json.loads(text)
    except ValueError:
        return None
    return reply.get("status") if isinstance(reply, dict) else None
