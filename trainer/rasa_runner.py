"""Running the Rasa command line for a project, with its full output kept in a log file.

The trainer shows its own short Korean progress; Rasa's long English output goes to
``results/trainer/logs/`` and is quoted only when something fails.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from trainer.project import Project

# The repository that holds this package and the pipeline's own components (korean_nlu ...):
# Rasa must import them also when the project is a copy somewhere else.
CODE_ROOT = Path(__file__).resolve().parent.parent
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Rasa's own noise that says nothing to a trainer.
_NOISE = re.compile(r"DeprecationWarning|declare_namespace|pkg_resources|resetCache|^\s*$")


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour codes."""
    return _ANSI.sub("", text)


def rasa_command(*arguments: str) -> List[str]:
    """The command line that runs ``rasa`` of this Python environment."""
    return [sys.executable, "-m", "rasa", *arguments]


def rasa_environment() -> Dict[str, str]:
    """The environment for Rasa: ours, plus the code root on ``PYTHONPATH`` and telemetry off unless set."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CODE_ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def log_path(project: Project, name: str) -> Path:
    """A new log file ``results/trainer/logs/<name>-<time>.log``."""
    directory = project.results_dir / "logs"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"


@dataclass
class RasaRun:
    """A finished Rasa command."""

    returncode: int
    log: Path
    seconds: float

    @property
    def ok(self) -> bool:
        """The command succeeded."""
        return self.returncode == 0

    def output(self) -> str:
        """Everything Rasa wrote, without colour codes."""
        return strip_ansi(self.log.read_text(encoding="utf-8", errors="replace"))

    def tail(self, lines: int = 15) -> str:
        """The last meaningful lines of the output (progress bars and deprecation noise left out)."""
        kept = [
            line for line in self.output().replace("\r", "\n").splitlines()
            if not _NOISE.search(line) and "it/s]" not in line and "s/it]" not in line
        ]
        return "\n".join(kept[-lines:])


def run_rasa(
    project: Project,
    arguments: Sequence[str],
    log: Path,
    on_line: Optional[Callable[[str], None]] = None,
) -> RasaRun:
    """Runs ``rasa <arguments>`` in the project directory and waits for it.

    Args:
        project: The project (the working directory of the command).
        arguments: Rasa's arguments, e.g. ``["data", "validate", "--domain", "domain"]``.
        log: Where all output goes.
        on_line: Called with each piece of output (lines and progress-bar updates), colour codes removed.

    Returns:
        The exit code, the log and how long it took.
    """
    started = time.monotonic()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            rasa_command(*arguments), cwd=project.root, env=rasa_environment(),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        assert process.stdout is not None  # stdout=PIPE
        while True:
            chunk = process.stdout.read1(65536)  # type: ignore[attr-defined]  # a BufferedReader; whatever is there, without waiting for a full buffer
            if not chunk:
                break
            sink.write(chunk)
            if on_line is None:
                continue
            pending += decoder.decode(chunk)
            *pieces, pending = re.split(r"[\r\n]", pending)
            for piece in pieces:
                if piece.strip():
                    on_line(strip_ansi(piece))
        if on_line is not None and pending.strip():
            on_line(strip_ansi(pending))
        returncode = process.wait()
    return RasaRun(returncode, log, time.monotonic() - started)


def start_rasa(project: Project, arguments: Sequence[str], log: Path) -> subprocess.Popen:
    """Starts ``rasa <arguments>`` in the background, all output to ``log`` (for parallel runs)."""
    with log.open("wb") as sink:
        return subprocess.Popen(
            rasa_command(*arguments), cwd=project.root, env=rasa_environment(),
            stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
