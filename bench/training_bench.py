"""Full training time, and retraining time after one new NLU example, of our bot.

Training runs in a copy of the project (config, domain, data) in a temporary folder, with Rasa's
training cache in that copy, so the full training starts cold as on a fresh clone, and the retraining
after one added example reuses whatever Rasa's cache allows (as for a developer who just added a
phrase). The fully trained model is what the rest of the benchmark measures.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Dict

from bench import PROJECT_ROOT, RASA
from bench.measure import require_success, run_timed

# The example a developer adds before retraining: new to the data, in an existing intent.
ADDED_EXAMPLE_FILE = Path("data") / "nlu" / "payments.yml"
ADDED_EXAMPLE_INTENT = "payment_failure"
ADDED_EXAMPLE = "결제 버튼을 눌렀는데 아무 반응이 없어요 벤치"
# Under 3 minutes on these 2 cores (issue 7).
FULL_TRAINING_TARGET_S = 180.0


def training_env() -> Dict[str, str]:
    """The environment for ``rasa train`` in a project copy: our components importable, no telemetry."""
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")]))
    return env


def copy_project(destination: Path) -> Path:
    """Copies what training reads (config.yml, domain/, data/) into ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(PROJECT_ROOT / "config.yml", destination / "config.yml")
    for folder in ("domain", "data"):
        shutil.copytree(PROJECT_ROOT / folder, destination / folder, dirs_exist_ok=True)
    return destination


def add_example(project: Path) -> None:
    """Adds :data:`ADDED_EXAMPLE` as the first example of its intent."""
    path = project / ADDED_EXAMPLE_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"- intent: {ADDED_EXAMPLE_INTENT}")
    examples = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("examples:"))
    lines.insert(examples + 1, f"    - {ADDED_EXAMPLE}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def train(project: Path, name: str, log: Path) -> Dict[str, Any]:
    """``rasa train`` (NLU and dialogue) in ``project``; returns the time, peak memory and model."""
    run = require_success(
        run_timed(
            [str(RASA), "train", "--domain", "domain", "--data", "data", "--config", "config.yml",
             "--out", "models", "--fixed-model-name", name],
            project, training_env(), log,
        ),
        f"rasa train ({name})",
    )
    return {"seconds": run.seconds, "peak_mb": run.peak_mb, "model": str(project / "models" / f"{name}.tar.gz")}


def run(workdir: Path) -> Dict[str, Any]:
    """Full training from a cold cache, then retraining after one added example."""
    project = copy_project(workdir / "project")
    full = train(project, "full", workdir / "train-full.log")
    add_example(project)
    retrain = train(project, "retrained", workdir / "train-one-more-example.log")
    return {
        "full": full,
        "retrain_after_one_example": retrain,
        "target_full_s": FULL_TRAINING_TARGET_S,
        "project": str(project),
    }
