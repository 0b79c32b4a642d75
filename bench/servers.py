"""Starts the bots the benchmark measures: ours (action server + one or more Rasa servers) and stock.

Same commands and settings as the tests' live bot (:mod:`paybot.launch`), but every process starts at
once, so that start-up is measured as a customer would see it (from launch to the first correct
answer), and the process ids are exposed for resident memory and py-spy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import requests

from bench import PROJECT_ROOT, RASA
from bench.measure import children, cpu_seconds, memory_mb
from paybot.launch import bot_environment, free_port, stop_process
from rasa_runtime.launcher import action_server_command, rasa_server_command

logger = logging.getLogger(__name__)

START_TIMEOUT_S = 240
# A question our bot answers through a custom action (the guide's contact answer), so a first correct
# answer proves that Rasa, the model and the action server are all up.
PAYBOT_PROBE = "고객센터 전화번호 알려주세요"
PAYBOT_PROBE_EXPECTS = "1577-1940"
STOCK_PROBE = "hello"


@dataclass
class RunningBot:
    """A started bot: its REST webhooks, its processes by role, and when it was launched."""

    name: str
    webhook_urls: List[str]
    processes: Dict[str, subprocess.Popen]
    logs: Path
    launched_at: float
    is_correct: Callable[[List[dict]], bool]
    probe: str
    env: Dict[str, str] = field(default_factory=dict)

    def pids(self) -> Dict[str, List[int]]:
        """Process ids by role; a Rasa server with several Sanic workers lists them too."""
        return {role: [p.pid, *children(p.pid)] for role, p in self.processes.items()}

    def memory(self) -> Dict[str, Dict[str, float]]:
        """Resident memory now and at its peak, in MB, of each role (its workers added up)."""
        return {
            role: {
                "rss_mb": round(sum(memory_mb(pid) for pid in pids), 1),
                "peak_mb": round(sum(memory_mb(pid, "VmHWM") for pid in pids), 1),
                "processes": len(pids),
            }
            for role, pids in self.pids().items()
        }

    def cpu_seconds(self) -> Dict[str, float]:
        """CPU time used so far by each role (its workers added up)."""
        return {role: sum(cpu_seconds(pid) for pid in pids) for role, pids in self.pids().items()}

    def check_alive(self) -> None:
        """Raises when a process has exited, with the end of its log."""
        for role, process in self.processes.items():
            if process.poll() is not None:
                log = self.logs / f"{role}.log"
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise RuntimeError(f"{self.name} {role} exited with {process.returncode}:\n{tail}")

    def wait_for_first_answer(self) -> float:
        """Asks every Rasa server until each answers correctly; returns seconds since launch."""
        deadline = self.launched_at + START_TIMEOUT_S
        for url in self.webhook_urls:
            while True:
                self.check_alive()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not answer within {START_TIMEOUT_S} s; logs in {self.logs}")
                try:
                    reply = requests.post(
                        url, json={"sender": f"probe-{uuid.uuid4().hex}", "message": self.probe}, timeout=30
                    )
                    if reply.ok and self.is_correct(reply.json()):
                        break
                except (requests.RequestException, ValueError):
                    pass
                time.sleep(0.1)
        return time.monotonic() - self.launched_at

    def stop(self) -> None:
        """Stops every process (Rasa servers first, the action server last)."""
        for role in sorted(self.processes, key=lambda name: name == "actions"):
            stop_process(self.processes[role])


def _popen(args: List[str], cwd: Path, env: Dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def paybot_answer_is_correct(replies: List[dict]) -> bool:
    """Whether replies are the guide's contact answer (not the apology the bot gives when it fails)."""
    from paybot.guide import load_guide

    apology = load_guide().message("technical_error")
    texts = [reply.get("text", "") for reply in replies]
    return any(PAYBOT_PROBE_EXPECTS in text for text in texts) and apology not in texts


@contextlib.contextmanager
def paybot(
    model: Path,
    workdir: Path,
    rasa_servers: int = 1,
    extra_env: Optional[Dict[str, str]] = None,
    project_root: Path = PROJECT_ROOT,
) -> Iterator[RunningBot]:
    """Runs our bot on ``model``: the action server and ``rasa_servers`` Rasa servers, all launched at once.

    By default conversations go to a fresh SQLite file in ``workdir`` with the in-memory lock store,
    as ``make run`` does; ``extra_env`` may point several servers at PostgreSQL and Redis instead.
    ``project_root`` may be another checkout of the bot (same virtualenv), to compare two versions.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    action_port = free_port()
    env = bot_environment(action_port, workdir / "tracker.db", extra_env)
    ports = [free_port() for _ in range(rasa_servers)]
    launched_at = time.monotonic()
    processes = {"actions": _popen(action_server_command(action_port), project_root, env, workdir / "actions.log")}
    for index, port in enumerate(ports):
        role = "rasa" if rasa_servers == 1 else f"rasa-{index}"
        processes[role] = _popen(rasa_server_command(model, port), project_root, env, workdir / f"{role}.log")
    bot = RunningBot(
        name="paybot",
        webhook_urls=[f"http://127.0.0.1:{port}/webhooks/rest/webhook" for port in ports],
        processes=processes,
        logs=workdir,
        launched_at=launched_at,
        is_correct=paybot_answer_is_correct,
        probe=PAYBOT_PROBE,
        env=env,
    )
    try:
        yield bot
    finally:
        bot.stop()


@contextlib.contextmanager
def stock(project: Path, model: Path, workdir: Path) -> Iterator[RunningBot]:
    """Runs a stock ``rasa init`` bot (its own credentials and endpoints: REST, in-memory tracker store)."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    launched_at = time.monotonic()
    processes = {
        "rasa": _popen(
            [str(RASA), "run", "--model", str(model), "--port", str(port)], project, env, workdir / "rasa.log"
        )
    }
    bot = RunningBot(
        name="stock",
        webhook_urls=[f"http://127.0.0.1:{port}/webhooks/rest/webhook"],
        processes=processes,
        logs=workdir,
        launched_at=launched_at,
        is_correct=lambda replies: bool(replies) and bool(replies[0].get("text")),
        probe=STOCK_PROBE,
        env=env,
    )
    try:
        yield bot
    finally:
        bot.stop()
