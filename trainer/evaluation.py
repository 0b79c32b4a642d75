"""A model's scores on the held-out split, from ``rasa test nlu``, kept so each model is scored once.

Each model's results live in ``results/trainer/evaluations/<model>/`` (Rasa's ``intent_report.json``,
``intent_errors.json`` and ``intent_confusion_matrix.png``) with a fingerprint of the model file
and of the held-out split; they are reused while both are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from trainer.console import ProgressLine, seconds
from trainer.project import Project
from trainer.rasa_runner import RasaRun, start_rasa

REPORT_FILE = "intent_report.json"
ERRORS_FILE = "intent_errors.json"
CONFUSION_MATRIX_FILE = "intent_confusion_matrix.png"
FINGERPRINT_FILE = "trainer_fingerprint.json"
# Rows of Rasa's intent report that are averages, not intents.
_SUMMARY_ROWS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


class EvaluationError(RuntimeError):
    """``rasa test nlu`` failed for a model."""

    def __init__(self, model: Path, run: RasaRun) -> None:
        """Keeps the failed run for its log."""
        super().__init__(f"rasa test nlu failed for {model}")
        self.model = model
        self.run = run


@dataclass(frozen=True)
class WrongPrediction:
    """A held-out sentence the model got wrong."""

    text: str
    intent: str
    predicted: str
    confidence: float


@dataclass
class Evaluation:
    """One model's scores on the held-out split.

    Attributes:
        model: The model file.
        directory: Rasa's output directory for it.
        macro_f1: Rasa's macro-averaged F1 (what ``make test`` checks).
        f1: F1 per intent of the held-out split.
        support: Held-out sentences per intent.
        errors: The sentences it got wrong.
        reused: Whether the scores came from an earlier run.
    """

    model: Path
    directory: Path
    macro_f1: float
    f1: Dict[str, float] = field(default_factory=dict)
    support: Dict[str, int] = field(default_factory=dict)
    errors: List[WrongPrediction] = field(default_factory=list)
    reused: bool = False

    @property
    def confusion_matrix(self) -> Path:
        """Rasa's confusion-matrix picture."""
        return self.directory / CONFUSION_MATRIX_FILE


def evaluation_dir(project: Project, model: Path) -> Path:
    """``results/trainer/evaluations/<model name>``."""
    return project.results_dir / "evaluations" / model.name.replace(".tar.gz", "")


def _fingerprint(project: Project, model: Path) -> Dict[str, Any]:
    """What must stay the same for a stored evaluation to be reused."""
    stat = model.stat()
    holdout = hashlib.sha256(project.holdout_path.read_bytes()).hexdigest()
    return {"model": model.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "holdout_sha256": holdout}


def remember_evaluation(project: Project, model: Path) -> None:
    """Marks the results in ``model``'s evaluation directory as belonging to this model and held-out split."""
    directory = evaluation_dir(project, model)
    (directory / FINGERPRINT_FILE).write_text(json.dumps(_fingerprint(project, model)), encoding="utf-8")


def _read(model: Path, directory: Path, reused: bool) -> Evaluation:
    report = json.loads((directory / REPORT_FILE).read_text(encoding="utf-8"))
    errors_path = directory / ERRORS_FILE
    raw_errors = json.loads(errors_path.read_text(encoding="utf-8")) if errors_path.exists() else []
    evaluation = Evaluation(model, directory, float(report["macro avg"]["f1-score"]), reused=reused)
    for name, scores in report.items():
        if name in _SUMMARY_ROWS or not isinstance(scores, dict) or not scores.get("support"):
            continue
        evaluation.f1[name] = float(scores["f1-score"])
        evaluation.support[name] = int(scores["support"])
    evaluation.errors = [
        WrongPrediction(
            error["text"], error["intent"],
            (error.get("intent_prediction") or {}).get("name") or "-",
            float((error.get("intent_prediction") or {}).get("confidence") or 0.0),
        )
        for error in raw_errors
    ]
    return evaluation


def cached_evaluation(project: Project, model: Path) -> Optional[Evaluation]:
    """The stored evaluation of ``model`` when the model and the held-out split are unchanged."""
    directory = evaluation_dir(project, model)
    try:
        stored = json.loads((directory / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored != _fingerprint(project, model) or not (directory / REPORT_FILE).exists():
        return None
    return _read(model, directory, reused=True)


def _start(project: Project, model: Path) -> Tuple[Path, Any, Path, float]:
    directory = evaluation_dir(project, model)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    log = directory / "rasa_test_nlu.log"
    process = start_rasa(
        project,
        ["test", "nlu", "--model", str(model), "--nlu", str(project.holdout_path), "--out", str(directory)],
        log,
    )
    return model, process, log, time.monotonic()


def evaluate(project: Project, models: Sequence[Path]) -> List[Evaluation]:
    """Scores ``models`` on the held-out split, reusing stored results; new runs go in parallel.

    Args:
        project: The project (its ``tests/data/nlu_holdout.yml`` is the held-out split).
        models: Model files.

    Returns:
        One evaluation per model, in the same order.

    Raises:
        EvaluationError: ``rasa test nlu`` failed for one of them.
    """
    found: Dict[Path, Evaluation] = {}
    for model in models:
        cached = cached_evaluation(project, model)
        if cached is not None:
            found[model] = cached
    missing = [model for model in dict.fromkeys(models) if model not in found]
    if missing:
        names = ", ".join(model.name for model in missing)
        print(f"평가 중: {names} — 평가용 문장으로 rasa test nlu 실행 (모델마다 1분 안팎) …", flush=True)
        started = time.monotonic()
        running = [_start(project, model) for model in missing]
        progress = ProgressLine()
        while any(process.poll() is None for _, process, _, _ in running):
            elapsed = int(time.monotonic() - started) // 10 * 10  # one line per 10 s off a terminal
            progress.update(f"  · {seconds(elapsed)} 지남 …")
            time.sleep(1)
        progress.done()
        for model, process, log, began in running:
            run = RasaRun(process.returncode, log, time.monotonic() - began)
            directory = evaluation_dir(project, model)
            if not run.ok or not (directory / REPORT_FILE).exists():
                raise EvaluationError(model, run)
            remember_evaluation(project, model)
            found[model] = _read(model, directory, reused=False)
    return [found[model] for model in models]
