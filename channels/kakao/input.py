"""The KakaoTalk channel's Rasa side: the Sanic blueprint, the settings it reads, the request checks.

``POST /webhooks/kakao/webhook?token=...`` is checked (:mod:`channels.kakao.auth`), parsed
(:mod:`channels.kakao.models`) and handed to the turns (:mod:`channels.kakao.turns`), whose answer is
returned as JSON; see :mod:`channels.kakao` for the whole picture.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from typing import Any, Dict, Optional, Text, Union

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.kakao.answers import CHANNEL_NAME, Answers, OnNewMessage
from channels.kakao.auth import bot_allowed, bot_id_key, token_refusal
from channels.kakao.deadline import arrival_time
from channels.kakao.models import MalformedRequest, SkillRequest, parse_skill_request
from channels.kakao.offers import LocalOfferMemory, RedisOfferMemory
from channels.kakao.order import LocalSenderOrder, RedisSenderOrder
from channels.kakao.turns import TurnRunner
from paybot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

# Kakao waits 5 s after sending; the channel promises its answer within 4.5 s of the request's arrival,
# and keeps half a second of that for writing the answer out on a busy event loop.
MAX_TIME_BUDGET_S = 4.0
# Longest wait for one Redis command (shared queues and quick replies); then the process goes on alone.
REDIS_TIMEOUT_S = 0.5


def _json(body: Any, status: int = 200) -> HTTPResponse:
    """A JSON response with Korean written as UTF-8, not as \\u escapes."""
    return response.json(body, status=status, dumps=functools.partial(json.dumps, ensure_ascii=False))


def _error(message: str, status: int) -> HTTPResponse:
    return _json({"error": message}, status=status)


class KakaoInput(InputChannel):
    """Kakao i Open Builder skill endpoint (``/webhooks/kakao/webhook``)."""

    @classmethod
    def name(cls) -> Text:
        """Name of the channel; also the URL prefix (``/webhooks/kakao``)."""
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Creates the channel from the settings; ``credentials.yml`` holds no secret for it."""
        if credentials:
            logger.warning(
                "The kakao channel ignores its credentials.yml entries (%s); it reads KAKAO_* environment variables.",
                ", ".join(sorted(credentials)),
            )
        return cls(get_settings())

    def __init__(self, settings: Optional[Settings] = None) -> None:
        """Reads the channel's settings once and logs how it is configured.

        Args:
            settings: The bot's settings; read from the environment when ``None``.
        """
        settings = settings or get_settings()
        self._token = settings.kakao_skill_token
        self._bot_ids = frozenset(bot_id_key(bot_id) for bot_id in settings.kakao_bot_ids)
        callback_hosts = tuple(settings.kakao_callback_hosts)
        budget = min(max(settings.kakao_time_budget_s, 0.0), MAX_TIME_BUDGET_S)
        if budget != settings.kakao_time_budget_s:
            logger.warning(
                "KAKAO_TIME_BUDGET_S=%s is outside 0-%s s; using %s s.",
                settings.kakao_time_budget_s,
                MAX_TIME_BUDGET_S,
                budget,
            )
        shared = settings.lock_store_type == "redis"
        order: Union[LocalSenderOrder, RedisSenderOrder]
        if shared:
            client = _redis_client(settings)
            order = RedisSenderOrder(client, settings.kakao_max_queued_per_user)
            offers: LocalOfferMemory = RedisOfferMemory(client)
        else:
            order = LocalSenderOrder(settings.kakao_max_queued_per_user)
            offers = LocalOfferMemory()
        answers = Answers(offers, settings.kakao_operator_button)
        # Few at once: each turn's NLU is synchronous on the event loop, and the deadline timers wait behind
        # every turn in progress (8 at once delayed answers by up to 30 s on a loaded 2-core machine).
        max_concurrent = settings.kakao_max_concurrent_turns
        self._turns = TurnRunner(
            answers, order, budget, max_concurrent, callback_hosts, settings.kakao_callback_allow_http
        )
        # The first apology reads the holiday calendar (0.7 s); a request the watchdog answers must not pay it.
        answers.apology()
        if not self._token:
            logger.warning(
                "KAKAO_SKILL_TOKEN is not set: the kakao channel refuses every request with 401. Set it to a "
                "long random secret, e.g. export KAKAO_SKILL_TOKEN=$(python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'), restart, and give Open Builder the skill URL "
                "https://<your-host>/webhooks/kakao/webhook?token=<that secret> (see docs/kakao.md)."
            )
        else:
            logger.info(
                "Kakao channel ready on /webhooks/kakao/webhook: bots %s, time budget %.2f s from arrival, "
                "operator button %s, callbacks to %s, at most %d messages per customer and %d turns at once, "
                "order and quick replies %s.",
                ", ".join(sorted(self._bot_ids)) or "any",
                budget,
                "on" if settings.kakao_operator_button else "off",
                ", ".join(callback_hosts) or "no host",
                order.max_queued,
                max_concurrent,
                f"shared through Redis {settings.redis_host}:{settings.redis_port}" if shared
                else "in this process",
            )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """The channel's Sanic blueprint: a health check and the skill webhook."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return _json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            arrived = arrival_time(request)
            refusal = token_refusal(request, self._token)
            if refusal is not None:
                return _error(refusal, 401)
            try:
                skill = parse_skill_request(request.body or b"")
            except MalformedRequest as error:
                return _error(str(error), 400)
            if not bot_allowed(skill.bot.id, self._bot_ids):
                return _error("This bot may not call the skill.", 403)
            waited = time.monotonic() - arrived
            if waited > 1.0:
                logger.warning("A Kakao request waited %.2f s for the busy event loop before its handler ran.", waited)
            return _json(await self._answer_in_time(skill, arrived, on_new_message))

        return webhook

    @property
    def _budget(self) -> float:
        """The time budget in seconds (``KAKAO_TIME_BUDGET_S``, capped at :data:`MAX_TIME_BUDGET_S`)."""
        return self._turns.budget

    @property
    def _order(self) -> Union[LocalSenderOrder, RedisSenderOrder]:
        """The per-customer order of turns (in this process or shared through Redis)."""
        return self._turns.order

    async def _answer_in_time(
        self, skill: SkillRequest, arrived: float, on_new_message: OnNewMessage
    ) -> Dict[str, Any]:
        """The answer to one parsed request, in time (see :meth:`TurnRunner.answer_in_time`)."""
        return await self._turns.answer_in_time(skill, arrived, on_new_message)


def _redis_client(settings: Settings) -> Any:
    """The Redis the lock store uses (``REDIS_HOST``, ``REDIS_PORT``, ``REDIS_DB``), with short time limits:
    a Redis that does not answer must not hold up a Kakao answer."""
    import redis.asyncio

    return redis.asyncio.Redis(
        host=settings.redis_host,
        port=settings.redis_port,
        db=settings.redis_db,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
    )
