"""``trainer retrain``: a new model in ``models/``, fine-tuned from the last one when Rasa allows it.

Rasa fine-tunes (``rasa train --finetune``) only when the configuration (apart from epochs) and the
domain are unchanged and no intent was added or emptied. Rather than second-guessing that, the
trainer asks Rasa: when Rasa refuses to fine-tune, it says why and trains from scratch.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Optional

from trainer.console import FAIL, OK, WARN, ProgressLine, seconds
from trainer.project import Project
from trainer.rasa_runner import RasaRun, log_path, run_rasa

# Starts the terminal's closing hint (the console, which publishes without a restart, leaves it out).
NEXT_STEP = "다음 단계:"

MODEL_PREFIX = "paybot"
# Rasa's messages when fine-tuning is not possible (FinetuningValidator, model loading).
_FINETUNE_REFUSED = re.compile(
    r"Cannot finetune|Finetuning is enabled but|minimum compatible Rasa Version|No model for finetuning",
    re.IGNORECASE,
)
_EPOCHS = re.compile(r"Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")
_COMPONENT = re.compile(r"Starting to train component '([^']+)'")
_VALIDATING = "Started validating domain and training data"


def new_model_name(project: Project) -> str:
    """``paybot-YYYYmmdd-HHMMSS`` (as ``make train`` names models), made unique in ``models/``."""
    base = f"{MODEL_PREFIX}-{time.strftime('%Y%m%d-%H%M%S')}"
    name, counter = base, 2
    while (project.models_dir / f"{name}.tar.gz").exists():
        name, counter = f"{base}-{counter}", counter + 1
    return name


class TrainingProgress:
    """Turns Rasa's training output into short Korean status lines."""

    def __init__(self, verbose: bool = False) -> None:
        """Shows Rasa's raw output too when ``verbose``."""
        self._line = ProgressLine()
        self._verbose = verbose
        self._component = ""

    def __call__(self, text: str) -> None:
        """Reads one piece of Rasa's output."""
        if self._verbose:
            self._line.done()
            print(f"    | {text}")
        if _VALIDATING in text:
            self._line.update("  · 데이터 확인 중 …")
            return
        component = _COMPONENT.search(text)
        if component:
            self._component = component.group(1)
            self._line.update(f"  · 학습 중: {self._component} …")
            return
        epochs = _EPOCHS.search(text)
        if epochs:
            done, total = int(epochs.group(1)), int(epochs.group(2))
            # Off a terminal, print every 10 % only.
            step = max(1, total // 10)
            if done and (done == total or done % step == 0):
                self._line.update(f"  · 학습 중: {self._component or '모델'} — 에포크 {done}/{total} ({done * 100 // total}%)")

    def done(self) -> None:
        """Ends the status line."""
        self._line.done()


def _train(project: Project, name: str, base: Optional[Path], epoch_fraction: float, verbose: bool) -> RasaRun:
    arguments = [
        "train", "--domain", "domain", "--data", "data", "--config", "config.yml",
        "--out", "models", "--fixed-model-name", name,
    ]
    if base is not None:
        arguments += ["--finetune", str(base), "--epoch-fraction", str(epoch_fraction)]
    progress = TrainingProgress(verbose)
    try:
        return run_rasa(project, arguments, log_path(project, "retrain"), on_line=progress)
    finally:
        progress.done()


def _finetune_refusal(run: RasaRun) -> Optional[str]:
    """Rasa's reason for not fine-tuning, when that is why the run failed."""
    match = _FINETUNE_REFUSED.search(run.output())
    if run.ok or not match:
        return None
    line = next((line for line in run.output().splitlines() if match.group(0) in line), match.group(0))
    return line.strip()


def retrain(project: Project, full: bool = False, epoch_fraction: float = 1.0, verbose: bool = False) -> int:
    """``trainer retrain``: trains a new model; returns 0 on success, 1 on failure.

    Args:
        project: The project to train.
        full: Train from scratch even if fine-tuning is possible.
        epoch_fraction: Share of the configured epochs used when fine-tuning (Rasa's ``--epoch-fraction``).
        verbose: Show Rasa's raw output as well.
    """
    base = None if full else project.newest_model()
    name = new_model_name(project)
    project.models_dir.mkdir(parents=True, exist_ok=True)
    if base is not None:
        print(f"마지막 모델 {project.relative(base)} 에서 이어서 학습(미세조정)합니다.", flush=True)
    else:
        reason = "--full 을 골랐어요" if full else "아직 모델이 없어요"
        print(f"처음부터 학습합니다 ({reason}).", flush=True)
    run = _train(project, name, base, epoch_fraction, verbose)
    finetuned = base is not None
    refusal = _finetune_refusal(run) if finetuned else None
    if refusal:
        print(f"{WARN} Rasa가 미세조정을 거절했어요: 설정(config.yml)이나 도메인이 마지막 모델과 다르거나 의도가 새로 생겼어요.")
        print(f"   (Rasa: {refusal})")
        print("처음부터 학습합니다.", flush=True)
        run = _train(project, name, None, epoch_fraction, verbose)
        finetuned = False
    model = project.models_dir / f"{name}.tar.gz"
    if not run.ok or not model.exists():
        print(f"{FAIL} 학습에 실패했어요 (전체 기록: {project.relative(run.log)}). 마지막 부분:")
        for line in run.tail().splitlines():
            print(f"    {line}")
        return 1
    how = "미세조정" if finetuned else "처음부터 학습"
    print(f"{OK} 새 모델: {project.relative(model)} ({how}, {seconds(run.seconds)})")
    print(f"{NEXT_STEP} python -m trainer report 로 이전 모델과 비교하세요. 봇은 다시 시작하면 새 모델을 써요.")
    return 0
