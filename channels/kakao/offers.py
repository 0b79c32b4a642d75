"""The quick replies last offered to each Kakao customer, so that a tap reaches Rasa as its payload.

A quick reply sends its title as the customer's message; the channel maps that title back to the
payload it offered (see ``Answers.resolve_text`` in :mod:`channels.kakao.answers`). Two forms, chosen by
the lock store Rasa uses:

- :class:`LocalOfferMemory` (one Rasa process): the latest offer of the last ``MAX_REMEMBERED_SENDERS``
  customers, in memory.
- :class:`RedisOfferMemory` (several Rasa processes): the offer is kept in Redis for ``OFFER_TTL_S``, so a
  tap is recognised by whichever server the customer's next message reaches. Redis failing falls back
  to this process's own memory (logged), which is always written too.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any, Dict

logger = logging.getLogger(__name__)

# Customers whose last quick replies are remembered in one process (oldest forgotten first).
MAX_REMEMBERED_SENDERS = 10_000
OFFER_KEY = "paybot:kakao:offered:{sender}"
# How long Redis keeps an offer: a customer may come back to the chat and tap hours later.
OFFER_TTL_S = 24 * 3600


class LocalOfferMemory:
    """The latest quick replies per customer, in this process."""

    def __init__(self, max_senders: int = MAX_REMEMBERED_SENDERS) -> None:
        self._max = max_senders
        self._offered: "OrderedDict[str, Dict[str, str]]" = OrderedDict()

    async def get(self, sender_id: str) -> Dict[str, str]:
        """The titles offered to the customer last, each with its payload (empty if none)."""
        return dict(self._offered.get(sender_id, {}))

    async def remember(self, sender_id: str, offered: Dict[str, str]) -> None:
        """Keeps only the latest answer's quick replies (none forgets the earlier ones)."""
        self._offered.pop(sender_id, None)
        if offered:
            self._offered[sender_id] = dict(offered)
            while len(self._offered) > self._max:
                self._offered.popitem(last=False)


class RedisOfferMemory(LocalOfferMemory):
    """The latest quick replies per customer, shared by every Rasa process through Redis."""

    def __init__(self, client: Any, max_senders: int = MAX_REMEMBERED_SENDERS) -> None:
        super().__init__(max_senders)
        self._client = client

    async def get(self, sender_id: str) -> Dict[str, str]:
        """The offer from Redis; this process's own memory when Redis fails."""
        import redis

        try:
            raw = await self._client.get(OFFER_KEY.format(sender=sender_id))
        except (redis.RedisError, OSError) as error:
            logger.error("Redis failed reading a Kakao quick-reply offer (%r): using this process's.", error)
            return await super().get(sender_id)
        if raw is None:
            return {}
        try:
            offered = json.loads(raw)
        except ValueError:
            return {}
        return {str(title): str(payload) for title, payload in offered.items()} if isinstance(offered, dict) else {}

    async def remember(self, sender_id: str, offered: Dict[str, str]) -> None:
        """Writes the offer to Redis (with its time to live) and to this process's memory."""
        import redis

        await super().remember(sender_id, offered)
        key = OFFER_KEY.format(sender=sender_id)
        try:
            if offered:
                await self._client.set(key, json.dumps(offered, ensure_ascii=False), ex=OFFER_TTL_S)
            else:
                await self._client.delete(key)
        except (redis.RedisError, OSError) as error:
            logger.error("Redis failed keeping a Kakao quick-reply offer: %r", error)
