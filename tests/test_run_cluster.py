"""`make run-cluster` as an operator runs it: a server killed mid-conversation, the rest keep serving."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

from tests.live_servers import PROJECT_ROOT, fresh_postgres_database, free_port

START_TIMEOUT_S = 240


def texts(port: int, sender: str, message: str) -> str:
    """One message to the server on ``port``; its reply texts joined."""
    reply = requests.post(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                          json={"sender": sender, "message": message}, timeout=30)
    reply.raise_for_status()
    return "\n".join(part.get("text", "") for part in reply.json())


def server_pids(port: int) -> List[int]:
    """Process ids of the Rasa server started on ``port``."""
    found = subprocess.run(["pgrep", "-f", f"rasa run --port {port} "], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


@pytest.fixture()
def cluster_ports(tmp_path: Path) -> Iterator[List[int]]:
    """`make run-cluster` on free ports and a fresh database; stopped with Ctrl-C (SIGINT) at the end."""
    ports = [free_port(), free_port()]
    with fresh_postgres_database() as database:
        env = dict(os.environ, CLUSTER_PORTS=" ".join(map(str, ports)), ACTION_PORT=str(free_port()),
                   CLUSTER_TRACKER_STORE_URL=f"postgresql://postgres@127.0.0.1:5432/{database}", REDIS_DB="5")
        env.pop("ACTION_SERVER_URL", None)
        output = (tmp_path / "run-cluster.out").open("w")
        make = subprocess.Popen(["make", "-s", "run-cluster"], cwd=PROJECT_ROOT, env=env, stdout=output,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while "Stop with Ctrl-C" not in (tmp_path / "run-cluster.out").read_text():
                assert make.poll() is None, (tmp_path / "run-cluster.out").read_text()
                assert time.monotonic() < deadline, "run-cluster did not start"
                time.sleep(1)
            yield ports
            assert make.poll() is None, "run-cluster stopped when one server died"
        finally:
            os.killpg(make.pid, signal.SIGINT)
            try:
                make.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(make.pid, signal.SIGKILL)
            assert not any(server_pids(port) for port in ports), "Ctrl-C left a Rasa server running"


def test_conversation_goes_on_when_one_server_is_killed(cluster_ports: List[int]) -> None:
    """A conversation on both servers, one killed: the other continues it with its context."""
    first, second = cluster_ports
    sender = f"run-cluster-{first}"
    assert "도움이 되셨나요" in texts(first, sender, "결제가 안 돼요")
    for pid in server_pids(first):
        os.kill(pid, signal.SIGKILL)
    time.sleep(1)
    with pytest.raises(requests.ConnectionError):
        texts(first, sender, "아니요")
    assert "1577-1940" in texts(second, sender, "아니요"), "the hand-off needs the kept context"
