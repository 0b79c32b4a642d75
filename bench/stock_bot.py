"""The baseline bot: a stock ``rasa init --no-prompt`` project, created and trained in a temporary folder.

``rasa init`` needs no internet: it copies Rasa's template project (greet / mood / bot challenge,
default pipeline and policies including TEDPolicy and UnexpecTEDIntentPolicy, REST channel,
in-memory tracker store) and trains it. The time it takes is the stock bot's full training time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict

from bench import RASA
from bench.measure import require_success, run_timed


def create(workdir: Path) -> Dict[str, Any]:
    """Creates and trains the stock bot in ``workdir / "stock"``; returns its model and training time."""
    project = workdir / "stock"
    project.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    run = require_success(
        run_timed([str(RASA), "init", "--no-prompt", "--init-dir", str(project)], project, env,
                  workdir / "stock-init.log"),
        "rasa init --no-prompt",
    )
    models = sorted((project / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init trained no model; see {workdir / 'stock-init.log'}")
    return {"project": str(project), "model": str(models[-1]), "seconds": run.seconds, "peak_mb": run.peak_mb}
