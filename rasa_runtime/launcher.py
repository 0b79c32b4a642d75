"""The command lines that start the bot's processes: the Rasa server, Rasa's shell and the action server.

``make run`` and ``make shell`` (``scripts/run.sh``), ``make run-cluster`` (``scripts/run_cluster.sh``), the
live tests (``tests/support/live_servers.py``) and the benchmark (``bench/servers.py``) all start these commands,
so they serve the same channels and endpoints. The scripts run them through this module::

    python -m rasa_runtime.launcher server --port 5005 [--api-token TOKEN]
    python -m rasa_runtime.launcher shell
    python -m rasa_runtime.launcher actions --port 5055

which becomes the command (``exec``: same process id, signals and exit status as running it directly).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional, Sequence

from paybot.settings import PROJECT_ROOT

RASA = PROJECT_ROOT / ".venv" / "bin" / "rasa"
# Relative to the project root, where every command runs.
CREDENTIALS = "credentials.yml"
ENDPOINTS = "endpoints.yml"
ACTIONS_PACKAGE = "actions"


def action_server_command(port: int) -> List[str]:
    """The action server (rasa-sdk) on ``port``; run it from the project root."""
    return [str(RASA), "run", "actions", "--actions", ACTIONS_PACKAGE, "--port", str(port)]


def rasa_server_command(model: Optional[Path], port: int, api_token: Optional[str] = None) -> List[str]:
    """A Rasa server on ``port`` with the project's channels and endpoints; run it from the project root.

    Args:
        model: The model to serve; ``None`` serves the newest in ``models/``.
        port: The port of its channels' webhooks.
        api_token: Turns on Rasa's HTTP API (conversations, model, ...), each call needing this token;
            ``None`` or empty leaves it off.
    """
    command = [str(RASA), "run"]
    if model is not None:
        command += ["--model", str(model)]
    command += ["--port", str(port), "--credentials", CREDENTIALS, "--endpoints", ENDPOINTS]
    if api_token:
        command += ["--enable-api", "--auth-token", api_token]
    return command


def rasa_shell_command(model: Optional[Path] = None, port: Optional[int] = None) -> List[str]:
    """Rasa's shell (the terminal chat) with the project's endpoints; run it from the project root.

    Args:
        model: The model to chat with; ``None`` takes the newest in ``models/``.
        port: The port of the shell's own server; ``None`` is Rasa's 5005.
    """
    command = [str(RASA), "shell"]
    if model is not None:
        command += ["--model", str(model)]
    if port is not None:
        command += ["--port", str(port)]
    return command + ["--endpoints", ENDPOINTS]


def command_from_arguments(argv: Optional[Sequence[str]] = None) -> List[str]:
    """The command line the launcher's arguments ask for."""
    parser = argparse.ArgumentParser(prog="python -m rasa_runtime.launcher", description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    server = modes.add_parser("server", help="the Rasa server with the project's channels")
    server.add_argument("--port", type=int, required=True)
    server.add_argument("--model", type=Path)
    server.add_argument("--api-token", default="", help="turns on Rasa's HTTP API with this token")
    shell = modes.add_parser("shell", help="Rasa's shell (terminal chat)")
    shell.add_argument("--port", type=int)
    shell.add_argument("--model", type=Path)
    actions = modes.add_parser("actions", help="the action server")
    actions.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.mode == "server":
        return rasa_server_command(args.model, args.port, args.api_token)
    if args.mode == "shell":
        return rasa_shell_command(args.model, args.port)
    return action_server_command(args.port)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Replaces this process with the command the arguments ask for, run from the project root."""
    command = command_from_arguments(argv)
    os.chdir(PROJECT_ROOT)
    sys.stdout.flush()
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
