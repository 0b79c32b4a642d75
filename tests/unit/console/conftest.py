"""A real SQLite tracker store holding the sample conversations, and the guide's signals."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.sample_store import write_store
from console.signals import Signals
from paybot.guide import Guide, load_guide
from paybot.settings import get_settings
from tests.unit.console.samples import SAMPLES


@pytest.fixture(scope="session")
def guide() -> Guide:
    """The real support guide."""
    return load_guide(get_settings().guide_path)


@pytest.fixture(scope="session")
def signals(guide: Guide) -> Signals:
    """The console's per-conversation aggregates for the real guide."""
    return Signals.for_guide(guide)


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory, guide: Guide) -> Engine:
    """The sample conversations in a SQLite file, as the bot's tracker store writes them."""
    engine = sa.create_engine(f"sqlite:///{tmp_path_factory.mktemp('tracker') / 'tracker.db'}")
    write_store(engine, SAMPLES, guide)
    return engine
