"""Two Rasa servers on the real PostgreSQL and Redis: conversations alternate between them safely."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, List

import pytest
import sqlalchemy as sa

from tests.support.live_servers import LiveCluster, live_cluster

SENDERS = 20
# A conversation whose answers depend on context kept in the shared tracker store.
CONVERSATION = [
    ("결제가 안 돼요", "안내가 도움이 되셨나요?"),
    ("아니요", "1577-1940"),
    ("네", "언제"),
    ("어제 오후요", "오류 메시지"),  # the feature (결제) is known already, so the error is asked next
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveCluster]:
    """Two Rasa servers, one action server, PostgreSQL tracker store, Redis lock store."""
    with live_cluster(tmp_path_factory.mktemp("cluster"), servers=2) as running:
        yield running


def converse(cluster: LiveCluster, sender: str, first_server: int) -> List[str]:
    """Runs the conversation, alternating servers from ``first_server``; returns the joined replies."""
    replies = []
    for turn, (message, _) in enumerate(CONVERSATION):
        answer = cluster.say((turn + first_server) % 2, sender, message)
        replies.append("\n".join(reply.get("text", "") for reply in answer))
    return replies


def test_alternating_servers_keep_every_conversation_whole(cluster: LiveCluster) -> None:
    """20 concurrent customers, each message on the other server: replies keep context, events once, in order."""
    senders = [f"cluster-{index}" for index in range(SENDERS)]
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        conversations = pool.map(lambda index: converse(cluster, senders[index], index % 2), range(SENDERS))
        results = dict(zip(senders, conversations, strict=True))

    for sender, replies in results.items():
        for (message, expected), reply in zip(CONVERSATION, replies, strict=True):
            assert expected in reply, f"{sender}: '{message}' got {reply!r}"

    engine = sa.create_engine(cluster.database_url)
    try:
        with engine.connect() as connection:
            for sender in senders:
                rows = connection.execute(
                    sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                    {"s": sender},
                ).fetchall()
                assert [json.loads(data)["text"] for (data,) in rows] == [message for message, _ in CONVERSATION]
    finally:
        engine.dispose()


def test_conversation_goes_on_when_a_server_dies(cluster: LiveCluster) -> None:
    """A server killed mid-conversation: the other one continues it from the shared tracker store."""
    sender = "cluster-survivor"
    assert "도움이 되셨나요" in "".join(reply.get("text", "") for reply in cluster.say(0, sender, "송금이 안 돼요"))
    cluster.stop_server(0)
    replies = cluster.say(1, sender, "아니요")
    assert "1577-1940" in "".join(reply.get("text", "") for reply in replies), "the hand-off needs the kept context"
