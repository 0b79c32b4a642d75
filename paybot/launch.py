"""The environment and ports of the bot's processes outside ``make run``: the tests, the soak test and
the benchmark. The command lines themselves come from :mod:`rasa_runtime.launcher`, so what the tests and
the benchmark measure is the bot ``make run`` serves (same credentials, endpoints and settings), apart
from the ports and files each run gets for itself.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path
from typing import Dict, Optional

from paybot.settings import environment_with_defaults


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_environment(
    action_port: int, tracker_db: Path, extra_env: Optional[Dict[str, str]] = None
) -> Dict[str, str]:
    """The settings' defaults with this run's action server, a SQLite file of its own and in-memory
    locks (as ``make run``), then ``extra_env`` (e.g. PostgreSQL and Redis instead)."""
    env = environment_with_defaults()
    env.update(
        {
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "TRACKER_DB": str(tracker_db),
            "TRACKER_STORE_URL": f"sqlite:///{tracker_db}",
            "LOCK_STORE_TYPE": "in_memory",
            "RASA_TELEMETRY_ENABLED": "false",
        }
    )
    env.update(extra_env or {})
    return env


def stop_process(process: subprocess.Popen) -> None:
    """Stops a started process: politely, then by force after 20 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
