"""Rasa's own reading of endpoints.yml in a fresh Python with no setting exported (each imports Rasa: ~5 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from paybot.settings import PROJECT_ROOT, environment_with_defaults
from tests.support.settings_environment import ENDPOINTS, clean_environment, endpoint_placeholders

pytestmark = pytest.mark.live


def test_rasa_creates_the_tracker_store_with_no_tracker_setting(tmp_path: Path) -> None:
    """Rasa's own reading of endpoints.yml and its tracker-store factory, in a process with no tracker
    setting, give our store on settings.defaults' SQLite file."""
    probe = (
        "import sys\n"
        "from rasa.core.tracker_store import TrackerStore\n"
        "from rasa.core.utils import AvailableEndpoints\n"
        "endpoints = AvailableEndpoints.read_endpoints(sys.argv[1])\n"
        "store = TrackerStore.create(endpoints.tracker_store)\n"
        "print(type(store).__name__, store.engine.url)\n"
    )
    defaults = environment_with_defaults({})
    placeholders = {name: defaults[name] for name in endpoint_placeholders()}
    found = subprocess.run(
        [sys.executable, "-c", probe, str(ENDPOINTS)], cwd=tmp_path, capture_output=True, text=True,
        env=clean_environment(PYTHONPATH=str(PROJECT_ROOT), **placeholders),
    )
    assert found.returncode == 0, found.stderr[-2000:]
    assert found.stdout.split()[-2:] == ["ConversationStore", "sqlite:///rasa_tracker.db"]
    assert (tmp_path / "rasa_tracker.db").exists()


def test_a_bare_rasa_reads_the_endpoints_with_no_environment(tmp_path: Path) -> None:
    """`rasa run` from the project root with nothing set reads endpoints.yml and creates the lock store
    (in memory by default) and a custom action bound to ACTION_SERVER_URL's default."""
    probe = (
        "import sys\n"
        "from rasa.core.utils import AvailableEndpoints\n"
        "from rasa.core.lock_store import LockStore\n"
        "from rasa_runtime.remote_action import ResilientRemoteAction\n"
        "endpoints = AvailableEndpoints.read_endpoints(sys.argv[1])\n"
        "print(type(LockStore.create(endpoints.lock_store)).__name__)\n"
        "print(ResilientRemoteAction('action_respond', endpoints.action).action_endpoint.url)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe, str(ENDPOINTS)], cwd=tmp_path, capture_output=True, text=True,
        env=clean_environment(PYTHONPATH=str(PROJECT_ROOT)),
    )
    assert found.returncode == 0, found.stderr[-2000:]
    assert found.stdout.split() == ["InMemoryLockStore", "http://127.0.0.1:5055/webhook"]
