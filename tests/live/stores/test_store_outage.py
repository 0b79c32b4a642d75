"""PostgreSQL or Redis lost while the bot runs: an apology with the phone number, never a fresh start.

The bot runs on the real PostgreSQL tracker store and Redis lock store, each reached through a
:class:`~tests.support.tcp_proxy.TcpProxy` the test cuts (open connections dropped, port closed) and restores.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import sqlalchemy as sa

from paybot.guide import load_guide
from tests.support.live_servers import LiveBot, fresh_postgres_database, live_bot
from tests.support.tcp_proxy import TcpProxy

PHONE = "1577-1940"
CUSTOMER_WAIT_LIMIT_S = 5.0
# The feedback question after a problem answer; "아니요" to it is a hand-off only with that context.
PROBLEM, FEEDBACK_QUESTION, NO = "결제가 안 돼요", "도움이 되셨나요", "아니요"


@pytest.fixture(scope="module")
def stores_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[LiveBot, TcpProxy, TcpProxy, str]]:
    """A bot whose PostgreSQL and Redis connections pass through proxies the tests can cut."""
    database_proxy, redis_proxy = TcpProxy(("127.0.0.1", 5432)), TcpProxy(("127.0.0.1", 6379))
    with fresh_postgres_database() as database:
        env = {
            "TRACKER_STORE_URL": f"postgresql://postgres@127.0.0.1:{database_proxy.port}/{database}",
            "LOCK_STORE_TYPE": "redis",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(redis_proxy.port),
            "REDIS_DB": "4",
        }
        try:
            with live_bot(tmp_path_factory.mktemp("stores-bot"), extra_env=env) as bot:
                yield bot, database_proxy, redis_proxy, f"postgresql://postgres@127.0.0.1:5432/{database}"
        finally:
            database_proxy.close()
            redis_proxy.close()


def timed_texts(bot: LiveBot, sender: str, message: str) -> Tuple[str, float]:
    """The bot's joined reply texts and the seconds the customer waited for them."""
    started = time.monotonic()
    text = bot.texts(sender, message)
    return text, time.monotonic() - started


def stored_user_messages(database_url: str, sender: str) -> List[str]:
    """What the customer said, as stored in PostgreSQL, in order."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": sender},
            ).fetchall()
    finally:
        engine.dispose()
    return [json.loads(data)["text"] for (data,) in rows]


def session_starts(database_url: str, sender: str) -> int:
    """How many times the conversation was (re)started in the tracker store."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'session_started'"),
                {"s": sender},
            ).scalar()
    finally:
        engine.dispose()


def apology_line() -> str:
    """The first line of the technical-error answer (the apology)."""
    return load_guide().message("technical_error").splitlines()[0]


def assert_apology(text: str, waited: float) -> None:
    """The technical-error answer: apology first, with the phone number, quickly."""
    assert apology_line() in text and PHONE in text, text
    assert waited < CUSTOMER_WAIT_LIMIT_S, f"the customer waited {waited:.1f} s"


def _log(bot: LiveBot) -> str:
    return Path(bot.logs / "rasa.log").read_text(errors="replace")


def converse_through_an_outage(
    bot: LiveBot, service: TcpProxy, database_url: str, sender: str, outage_turns: int, logged: str
) -> None:
    """A problem answered, ``service`` cut for ``outage_turns`` messages (each: a quick apology with the
    phone, and ``logged`` in the log), restored: the hand-off after "아니요" shows the context was kept,
    only the answered turns are stored and the conversation started once."""
    assert FEEDBACK_QUESTION in bot.texts(sender, PROBLEM)
    service.cut()
    try:
        for _ in range(outage_turns):
            text, waited = timed_texts(bot, sender, NO)
            assert_apology(text, waited)
        assert logged in _log(bot).lower()
    finally:
        service.restore()

    text, _ = timed_texts(bot, sender, NO)
    assert PHONE in text and apology_line() not in text, f"the hand-off after '{NO}' needs the kept context: {text!r}"
    assert stored_user_messages(database_url, sender) == [PROBLEM, NO], "only the answered turns are stored"
    assert session_starts(database_url, sender) == 1, "the conversation was restarted"


def test_database_lost_while_running(stores_bot: Tuple[LiveBot, TcpProxy, TcpProxy, str]) -> None:
    """PostgreSQL gone mid-conversation: apology with the phone, error logged; back: the conversation goes on.

    Two turns in the outage: one meets the broken pooled connections, the next finds the port closed.
    """
    bot, database, _, database_url = stores_bot
    converse_through_an_outage(bot, database, database_url, "outage-database", 2, "the conversation store failed")


def test_redis_lost_while_running(stores_bot: Tuple[LiveBot, TcpProxy, TcpProxy, str]) -> None:
    """Redis (the conversation locks) gone: apology with the phone; back: answers with the context kept."""
    bot, _, redis, database_url = stores_bot
    converse_through_an_outage(bot, redis, database_url, "outage-redis", 1, "redis")
