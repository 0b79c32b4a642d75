"""Test layout and the ``live`` marker.

``tests/unit/`` mirrors the packages and needs no model, server or service; ``tests/live/`` holds the modules
that train, load a model, start servers or reach PostgreSQL, Redis or Chromium, grouped by what they exercise;
``tests/support/`` the helpers and shared fixtures; ``tests/data/`` the data files. ``make test-unit``
(pytest -m "not live") runs every test not marked live, including the few in ``tests/live/`` modules that need
nothing running; a test under ``tests/unit/`` that turns out live is a collection error.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

pytest_plugins = ["tests.support.fixtures"]

UNIT_DIR = Path(__file__).resolve().parent / "unit"

# A test is live when it is marked so (``@pytest.mark.live`` or a module's ``pytestmark``: tests that train or
# load a model, or run rasa themselves, without a fixture saying so), uses one of these fixtures, or runs on
# PostgreSQL (a ``postgresql`` parameter).
LIVE_FIXTURES = frozenset(
    {
        "bot", "burst_bot", "cluster", "conversation_bot", "faulty_bot", "kakao_bot", "slow_kakao_bot",
        "tokenless_bot", "stores_bot", "unpatched_rasa", "shell_with_hanging_actions", "trained", "loop",
        "redis_env", "postgres_url", "web_chat", "browser", "page",
    }
)


def _is_live(item: pytest.Item) -> bool:
    """Whether the test needs a model, servers or services (see LIVE_FIXTURES)."""
    if item.get_closest_marker("live") is not None:
        return True
    callspec = getattr(item, "callspec", None)
    on_postgresql = callspec is not None and "postgresql" in callspec.params.values()
    return bool(set(getattr(item, "fixturenames", ())) & LIVE_FIXTURES) or on_postgresql


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    """Marks the live tests so that ``-m "not live"`` keeps only the fast ones; none may sit in tests/unit/."""
    misplaced = []
    for item in items:
        if _is_live(item):
            item.add_marker(pytest.mark.live)
            if UNIT_DIR in item.path.parents:
                misplaced.append(item.nodeid)
    if misplaced:
        raise pytest.UsageError(
            "live tests under tests/unit/ (move them to tests/live/): " + ", ".join(misplaced)
        )
