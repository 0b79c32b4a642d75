"""Start-up checks: the tracker store and lock store are reachable, with a clear error if not.

Rasa itself retries an unreachable PostgreSQL forever and fails on Redis with a traceback;
``python -m paybot.preflight`` says which service is missing, where it was looked for and which
setting to change, and exits non-zero. For PostgreSQL it also creates the database when missing.
"""

from __future__ import annotations

import logging
import sys
from typing import Optional

from paybot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 3


class ServiceUnavailable(RuntimeError):
    """A service the configuration needs cannot be reached; the message names it and where."""


def check_tracker_store(url: str) -> None:
    """Connects to the tracker store's database, creating a missing PostgreSQL database.

    Raises:
        ServiceUnavailable: When the database cannot be reached.
    """
    import sqlalchemy as sa
    from sqlalchemy.engine.url import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    try:
        _connect(url)
    except sa.exc.OperationalError as error:
        if "does not exist" not in str(error):
            raise ServiceUnavailable(
                f"PostgreSQL at {where} is unreachable (TRACKER_STORE_URL): {_first_line(error)}"
            ) from error
        _create_database(parsed)


def _connect(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def _create_database(parsed: "sa.engine.url.URL") -> None:  # type: ignore[name-defined]  # noqa: F821
    import sqlalchemy as sa

    engine = sa.create_engine(
        parsed.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
        logger.info("Created PostgreSQL database %s.", parsed.database)
    except sa.exc.ProgrammingError:
        pass  # created meanwhile by another server starting at the same time
    except sa.exc.OperationalError as error:
        raise ServiceUnavailable(
            f"PostgreSQL at {parsed.host}:{parsed.port or 5432} is unreachable (TRACKER_STORE_URL): "
            f"{_first_line(error)}"
        ) from error
    finally:
        engine.dispose()


def check_lock_store(settings: Settings) -> None:
    """Pings Redis when the lock store is Redis.

    Raises:
        ServiceUnavailable: When Redis cannot be reached.
    """
    if settings.lock_store_type != "redis":
        return
    import redis

    client = redis.Redis(
        host=settings.redis_host, port=settings.redis_port, socket_connect_timeout=CONNECT_TIMEOUT_S
    )
    try:
        client.ping()
    except redis.RedisError as error:
        raise ServiceUnavailable(
            f"Redis at {settings.redis_host}:{settings.redis_port} is unreachable "
            f"(LOCK_STORE_TYPE=redis, REDIS_HOST, REDIS_PORT): {_first_line(error)}"
        ) from error
    finally:
        client.close()


def check_workers(settings: Settings) -> None:
    """Several Rasa workers (``SANIC_WORKERS``) need the Redis lock store.

    Raises:
        ServiceUnavailable: When more than one worker is asked for with the in-memory lock store, with
            which Rasa would quietly run a single worker.
    """
    if settings.sanic_workers > 1 and settings.lock_store_type != "redis":
        raise ServiceUnavailable(
            f"SANIC_WORKERS={settings.sanic_workers} needs LOCK_STORE_TYPE=redis (and Redis at REDIS_HOST, "
            f"REDIS_PORT): with the {settings.lock_store_type} lock store Rasa runs one worker"
        )


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def main(settings: Optional[Settings] = None) -> int:
    """Runs every check; prints one clear line per problem and returns the exit code."""
    settings = settings or get_settings()
    problems = []
    for check in (
        lambda: check_tracker_store(settings.tracker_store_url),
        lambda: check_lock_store(settings),
        lambda: check_workers(settings),
    ):
        try:
            check()
        except ServiceUnavailable as error:
            problems.append(str(error))
    for problem in problems:
        print(f"Cannot start: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
