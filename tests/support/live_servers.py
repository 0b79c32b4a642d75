"""Starts the real action server and Rasa server (trained model, SQLite) for end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import requests

from paybot.launch import bot_environment, free_port, stop_process
from paybot.settings import PROJECT_ROOT
from rasa_runtime.launcher import action_server_command, rasa_server_command
from rasa_runtime.trained_models import newest_model as newest_trained_model

START_TIMEOUT_S = 180


def newest_model() -> Path:
    """The newest trained model; `make test` trains one before the tests run."""
    model = newest_trained_model()
    if model is None:
        raise RuntimeError("No trained model in models/: run `make train` first.")
    return model


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    """Waits until ``url`` answers; fails with the end of ``log`` when ``process`` exits first."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT_S} s")


def _start_actions(port: int, env: Dict[str, str], log: Path) -> subprocess.Popen:
    """Starts the action server (rasa-sdk) on ``port``, appending to ``log``."""
    return subprocess.Popen(
        action_server_command(port), cwd=PROJECT_ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT
    )


def _start_rasa(model: Path, port: int, env: Dict[str, str], log: Path, api_token: str = "") -> subprocess.Popen:
    """Starts a Rasa server for ``model`` on ``port`` (its HTTP API on with ``api_token``), writing ``log``."""
    return subprocess.Popen(
        rasa_server_command(model, port, api_token or None), cwd=PROJECT_ROOT, env=env, stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@dataclass
class LiveBot:
    """A running bot: Rasa's REST channel on ``rasa_url``, conversations in ``tracker_db``."""

    rasa_url: str
    action_url: str
    tracker_db: Path
    logs: Path
    actions: subprocess.Popen
    env: Dict[str, str]

    def stop_action_server(self) -> None:
        """Stops the action server, as a crash would."""
        stop_process(self.actions)

    def start_action_server(self) -> None:
        """Starts the action server again on the same port and waits for its /health."""
        port = int(self.action_url.rsplit(":", 1)[1])
        self.actions = _start_actions(port, self.env, self.logs / "actions.log")
        wait_for(f"{self.action_url}/health", self.actions, self.logs / "actions.log")

    def say(self, sender: str, message: Any) -> List[Dict[str, Any]]:
        """Sends one message over the REST channel and returns the bot's messages."""
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def texts(self, sender: str, message: str) -> str:
        """Sends one message and returns the bot's texts joined by newlines."""
        return "\n".join(reply.get("text", "") for reply in self.say(sender, message))


@contextmanager
def live_bot(
    workdir: Path, extra_env: Optional[Dict[str, str]] = None, model: Optional[Path] = None, api_token: str = ""
) -> Iterator[LiveBot]:
    """Runs the action server and the Rasa server until the block ends.

    ``model`` serves that model file instead of the newest one in models/ (a model trained in a test);
    ``api_token`` turns Rasa's HTTP API on (``PUT /model`` for the console's publishing).
    """
    rasa_port, action_port = free_port(), free_port()
    tracker_db = workdir / "tracker.db"
    env = bot_environment(action_port, tracker_db, extra_env)
    action_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    actions = _start_actions(action_port, env, action_log)
    rasa = _start_rasa(model or newest_model(), rasa_port, env, rasa_log, api_token)
    try:
        wait_for(f"http://127.0.0.1:{action_port}/health", actions, action_log)
        wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log)
        running = LiveBot(
            f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", tracker_db, workdir, actions, env
        )
        yield running
        actions = running.actions
    finally:
        stop_process(rasa)
        stop_process(actions)


@dataclass
class LiveCluster:
    """Several Rasa servers sharing a PostgreSQL tracker store and a Redis lock store."""

    rasa_urls: List[str]
    database_url: str
    servers: List[subprocess.Popen]

    def stop_server(self, server: int) -> None:
        """Kills Rasa server number ``server``, as a crash would."""
        self.servers[server].kill()
        self.servers[server].wait(timeout=20)

    def say(self, server: int, sender: str, message: str) -> List[Dict[str, Any]]:
        """Sends one message to server number ``server`` and returns the bot's messages."""
        response = requests.post(
            f"{self.rasa_urls[server]}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()


POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """The name of a new, empty PostgreSQL database, dropped when the block ends."""
    import sqlalchemy as sa

    database = f"paybot_test_{os.getpid()}_{free_port()}"
    engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
        yield database
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        engine.dispose()


@contextmanager
def live_cluster(workdir: Path, servers: int = 2) -> Iterator[LiveCluster]:
    """Runs the action server and ``servers`` Rasa servers on a fresh PostgreSQL database and Redis."""
    with fresh_postgres_database() as database:
        with _live_cluster(workdir, servers, f"postgresql://postgres@127.0.0.1:5432/{database}") as cluster:
            yield cluster


@contextmanager
def _live_cluster(workdir: Path, servers: int, database_url: str) -> Iterator[LiveCluster]:
    action_port = free_port()
    env = bot_environment(action_port, workdir / "unused.db", {
        "TRACKER_STORE_URL": database_url,
        "LOCK_STORE_TYPE": "redis",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": "3",
    })
    subprocess.run([str(PROJECT_ROOT / ".venv" / "bin" / "python"), "-m", "paybot.preflight"],
                   cwd=PROJECT_ROOT, env=env, check=True)
    processes = [_start_actions(action_port, env, workdir / "actions.log")]
    urls = []
    try:
        wait_for(f"http://127.0.0.1:{action_port}/health", processes[0], workdir / "actions.log")
        for index in range(servers):
            port = free_port()
            log = workdir / f"rasa-{index}.log"
            processes.append(_start_rasa(newest_model(), port, env, log))
            urls.append((f"http://127.0.0.1:{port}", processes[-1], log))
        for url, process, log in urls:
            wait_for(f"{url}/", process, log)
        yield LiveCluster([url for url, _, _ in urls], database_url, [process for _, process, _ in urls])
    finally:
        for process in processes:
            stop_process(process)
