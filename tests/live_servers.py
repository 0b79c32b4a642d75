"""Starts the real action server and Rasa server (trained model, SQLite) for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional
from contextlib import contextmanager

import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RASA = PROJECT_ROOT / ".venv" / "bin" / "rasa"
START_TIMEOUT_S = 180


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def newest_model() -> Path:
    """The newest trained model; `make test` trains one before the tests run."""
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        raise RuntimeError("No trained model in models/: run `make train` first.")
    return models[-1]


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
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
        [str(RASA), "run", "actions", "--actions", "actions", "--port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


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
        _stop(self.actions)

    def start_action_server(self) -> None:
        """Starts the action server again on the same port and waits for its /health."""
        port = int(self.action_url.rsplit(":", 1)[1])
        self.actions = _start_actions(port, self.env, self.logs / "actions.log")
        _wait_for(f"{self.action_url}/health", self.actions, self.logs / "actions.log")

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
def live_bot(workdir: Path, extra_env: Optional[Dict[str, str]] = None) -> Iterator[LiveBot]:
    """Runs the action server and the Rasa server until the block ends."""
    rasa_port, action_port = free_port(), free_port()
    tracker_db = workdir / "tracker.db"
    env = dict(os.environ)
    env.update(
        {
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "TRACKER_DB": str(tracker_db),
            "RASA_TELEMETRY_ENABLED": "false",
            "GUIDE_PATH": env.get("GUIDE_PATH", str(PROJECT_ROOT / "content" / "guide.yml")),
        }
    )
    env.update(extra_env or {})
    action_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    actions = _start_actions(action_port, env, action_log)
    rasa = subprocess.Popen(
        [str(RASA), "run", "--model", str(newest_model()), "--port", str(rasa_port),
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
        cwd=PROJECT_ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(f"http://127.0.0.1:{action_port}/health", actions, action_log)
        _wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log)
        running = LiveBot(
            f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", tracker_db, workdir, actions, env
        )
        yield running
        actions = running.actions
    finally:
        _stop(rasa)
        _stop(actions)
