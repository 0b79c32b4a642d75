"""The conversation lock store, chosen from the settings: in-memory for one Rasa process, Redis for several.

``endpoints.yml`` names this class instead of writing ``${LOCK_STORE_TYPE}`` and ``${REDIS_*}``, which a
bare ``rasa run`` could not fill (Rasa 3.6 stops on an unset placeholder and has no defaults for them).
Rasa creates a custom lock store as ``Class(endpoint_config=...)``; :class:`SettingsLockStore` then hands
Rasa one of its own stores, configured from :mod:`paybot.settings` (``LOCK_STORE_TYPE``,
``REDIS_HOST``, ``REDIS_PORT``, ``REDIS_DB``).
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from paybot.settings import get_settings

logger = logging.getLogger(__name__)


class SettingsLockStore(LockStore):
    """Stands for Rasa's ``InMemoryLockStore`` or ``RedisLockStore``, whichever the settings name."""

    def __new__(cls, endpoint_config: Optional[EndpointConfig] = None, **_: Any) -> LockStore:  # type: ignore[misc]
        """Rasa's own store for ``LOCK_STORE_TYPE`` (``in_memory`` or ``redis``)."""
        settings = get_settings()
        if settings.lock_store_type == "redis":
            logger.info(
                "Conversation locks in Redis at %s:%s (db %s).", settings.redis_host, settings.redis_port,
                settings.redis_db,
            )
            return RedisLockStore(host=settings.redis_host, port=settings.redis_port, db=settings.redis_db)
        if settings.lock_store_type != "in_memory":
            logger.warning("LOCK_STORE_TYPE %r is neither in_memory nor redis; using in_memory.",
                           settings.lock_store_type)
        return InMemoryLockStore()
