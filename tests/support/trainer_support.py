"""Helpers for the trainer tests: a throw-away copy of the project, the CLI in-process, tracker copies."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

import pytest
import sqlalchemy as sa

from console.tracker import EVENTS
from paybot.settings import PROJECT_ROOT
from trainer.cli import main
from trainer.project import Project

FAST_CONFIG = PROJECT_ROOT / "tests" / "data" / "trainer_fast_config.yml"


def copy_project(destination: Path, config: Optional[Path] = None) -> Project:
    """Copies what the trainer reads and writes (data, domain, config, held-out split) to ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("data", "domain"):
        shutil.copytree(PROJECT_ROOT / name, destination / name)
    shutil.copy(config or PROJECT_ROOT / "config.yml", destination / "config.yml")
    (destination / "tests" / "data").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "tests" / "data" / "nlu_holdout.yml", destination / "tests" / "data" / "nlu_holdout.yml")
    return Project(destination)


def snapshot(directory: Path) -> Dict[str, str]:
    """A hash of every file under ``directory``, to show nothing changed."""
    return {
        path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*")) if path.is_file()
    }


def run_trainer(capsys: pytest.CaptureFixture, project: Project, *arguments: str) -> Tuple[int, str]:
    """Runs ``python -m trainer --project <copy> <arguments>`` in-process; returns the exit code and output."""
    capsys.readouterr()
    code = main(["--project", str(project.root), *arguments])
    return code, capsys.readouterr().out


def copy_events(source: Path, destination_url: str, senders: Iterable[str]) -> int:
    """Copies the tracker events of ``senders`` from a bot's SQLite store into a new store; returns the count."""
    wanted = list(senders)
    reader = sa.create_engine(f"sqlite:///{source}")
    writer = sa.create_engine(destination_url)
    try:
        with reader.connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(
                sa.select(EVENTS).where(EVENTS.c.sender_id.in_(wanted)).order_by(EVENTS.c.id)
            )]
        EVENTS.metadata.create_all(writer)
        with writer.begin() as connection:
            if rows:
                connection.execute(EVENTS.insert(), rows)
        return len(rows)
    finally:
        reader.dispose()
        writer.dispose()


def add_event(url: str, sender: str, type_name: str, timestamp: float, data: str,
              intent_name: Optional[str] = None) -> None:
    """Appends one raw event row to a tracker store (for cases a live bot cannot produce on demand)."""
    engine = sa.create_engine(url)
    try:
        EVENTS.metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(EVENTS.insert(), [{
                "sender_id": sender, "type_name": type_name, "timestamp": timestamp,
                "intent_name": intent_name, "action_name": None, "data": data,
            }])
    finally:
        engine.dispose()
