"""Our changes to Rasa are installed explicitly, once, and active in every mode: `rasa run` and `rasa shell`."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import pytest
import rasa.core.actions.action
import rasa.core.agent
import rasa.core.processor
import rasa.core.tracker_store
from rasa.core.agent import Agent
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain

from paybot.launch import bot_environment, free_port, stop_process
from paybot.settings import PROJECT_ROOT, environment_with_defaults
from rasa_runtime import launcher, patches
from rasa_runtime.fail_safe import StrictFailSafeTrackerStore
from rasa_runtime.remote_action import ResilientRemoteAction
from rasa_runtime.tracker_store import ConversationStore
from rasa_runtime.trained_models import newest_model
from tests.support.hanging_server import HangingServer

PHONE = "1577-1940"
PATCHED = [
    "rasa.core.actions.action.RemoteAction",
    "rasa.core.agent.FailSafeTrackerStore",
    "rasa.core.agent.MessageProcessor",
]
RASA_REMOTE_ACTION = ResilientRemoteAction.__bases__[0]
# Rasa loads a model and starts its server in the shell before it reads the first message.
SHELL_START_TIMEOUT_S = 180
# ACTION_TIMEOUT_S (3 s) and the NLU; without the bound Rasa would wait 300 s for the action server.
SHELL_ANSWER_LIMIT_S = 10.0


@pytest.fixture
def unpatched_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa's own classes back in place for one test (another test may have installed ours)."""
    monkeypatch.setattr(rasa.core.actions.action, "RemoteAction", RASA_REMOTE_ACTION)
    monkeypatch.setattr(rasa.core.agent, "FailSafeTrackerStore", rasa.core.tracker_store.FailSafeTrackerStore)
    monkeypatch.setattr(rasa.core.agent, "MessageProcessor", rasa.core.processor.MessageProcessor)


@pytest.mark.live
def test_importing_our_packages_changes_nothing_in_rasa() -> None:
    """Importing the channels or the tracker store's module leaves Rasa's classes alone."""
    probe = (
        "import channels, channels.rest, rasa_runtime.tracker_store\n"
        "from rasa_runtime import patches\n"
        "print(patches.active())\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_install_replaces_both_classes_once_and_logs_once(
    unpatched_rasa: None, caplog: pytest.LogCaptureFixture
) -> None:
    """A second install() changes nothing and says nothing; the classes are ours, not wrapped twice."""
    with caplog.at_level(logging.INFO, logger="rasa_runtime.patches"):
        assert patches.install() == PATCHED
        assert patches.install() == PATCHED
    assert rasa.core.actions.action.RemoteAction is ResilientRemoteAction
    assert rasa.core.agent.FailSafeTrackerStore is StrictFailSafeTrackerStore
    logged = [record.getMessage() for record in caplog.records if record.name == "rasa_runtime.patches"]
    assert len(logged) == 1
    assert "3 s" in logged[0] and all(target in logged[0] for target in PATCHED)


def test_creating_the_tracker_store_installs_the_patches(unpatched_rasa: None, tmp_path: Path) -> None:
    """The store Rasa creates from endpoints.yml makes the agent strict and custom actions bounded."""
    store = ConversationStore(None, host=f"sqlite:///{tmp_path / 'tracker.db'}")
    agent = Agent(tracker_store=store)
    assert isinstance(agent.tracker_store, StrictFailSafeTrackerStore)
    domain = Domain.from_dict({"actions": ["action_respond"]})
    action = rasa.core.actions.action.action_for_name_or_text("action_respond", domain, None)
    assert isinstance(action, ResilientRemoteAction)


def test_endpoints_name_the_store_that_installs_the_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    """endpoints.yml's tracker store, as Rasa reads it, is ours: without it no mode would get the patches."""
    for name, value in environment_with_defaults().items():
        monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))
    assert endpoints.tracker_store.type == f"{ConversationStore.__module__}.{ConversationStore.__name__}"


@pytest.mark.parametrize(
    "arguments, expected",
    [
        (["server", "--port", "5005"], ["run", "--port", "5005", "--credentials", "credentials.yml",
                                        "--endpoints", "endpoints.yml"]),
        (["server", "--port", "5005", "--api-token", "s3cret"], ["run", "--port", "5005", "--credentials",
                                                                  "credentials.yml", "--endpoints", "endpoints.yml",
                                                                  "--enable-api", "--auth-token", "s3cret"]),
        (["shell"], ["shell", "--endpoints", "endpoints.yml"]),
        (["actions", "--port", "5055"], ["run", "actions", "--actions", "actions", "--port", "5055"]),
    ],
)
def test_launcher_command_lines(arguments: List[str], expected: List[str]) -> None:
    """What `make run`, `make shell` and `make run-cluster` start, with the project's files."""
    command = launcher.command_from_arguments(arguments)
    assert command == [str(launcher.RASA), *expected]


class ShellOutput:
    """Lines of a running `rasa shell`, read in a thread, with when each arrived."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: List[Tuple[float, str]] = []
        self._process = process
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self._process.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, text: str, timeout: float, after: float = 0.0) -> Optional[float]:
        """When the first line containing ``text`` arrived after ``after``, or ``None`` past the timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for arrived, line in list(self.lines):
                if arrived >= after and text in line:
                    return arrived
            if self._process.poll() is not None and not any(text in line for _, line in self.lines):
                return None
            time.sleep(0.1)
        return None

    def text(self) -> str:
        """Everything the shell printed so far."""
        return "\n".join(line for _, line in self.lines)


RunningShell = Tuple[subprocess.Popen, ShellOutput]


@pytest.fixture(scope="module")
def shell_with_hanging_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningShell]:
    """`rasa shell` as `make shell` starts it, with an action server that never answers."""
    model = newest_model()
    if model is None:
        pytest.fail("No trained model in models/: run `make train` first.")
    hanging = HangingServer()
    env = bot_environment(hanging.port, tmp_path_factory.mktemp("shell") / "tracker.db")
    process = subprocess.Popen(
        launcher.rasa_shell_command(model, free_port()), cwd=PROJECT_ROOT, env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    output = ShellOutput(process)
    try:
        if output.wait_for("Bot loaded", SHELL_START_TIMEOUT_S) is None:
            pytest.fail(f"rasa shell did not start:\n{output.text()[-3000:]}")
        yield process, output
    finally:
        if process.poll() is None:
            process.stdin.write("/stop\n")
            process.stdin.flush()
        stop_process(process)
        hanging.close()


def test_rasa_shell_logs_the_patches(shell_with_hanging_actions: RunningShell) -> None:
    """The shell's log says which of Rasa's classes are ours."""
    _, output = shell_with_hanging_actions
    patched = [line for _, line in output.lines if "Rasa patched by rasa_runtime" in line]
    assert len(patched) == 1
    assert all(target in patched[0] for target in PATCHED)


def test_rasa_shell_apologises_within_seconds_when_the_action_server_hangs(shell_with_hanging_actions: RunningShell) -> None:
    """A customer in `make shell` gets the apology with the phone number, not a five-minute silence."""
    process, output = shell_with_hanging_actions
    sent = time.monotonic()
    process.stdin.write("결제가 안 돼요\n")
    process.stdin.flush()
    answered = output.wait_for(PHONE, SHELL_ANSWER_LIMIT_S + 5, after=sent)
    assert answered is not None, f"no apology from the shell:\n{output.text()[-3000:]}"
    assert answered - sent < SHELL_ANSWER_LIMIT_S
