"""A training started from the console: ``trainer retrain`` then ``trainer report``, in the background.

The commands are the trainer's own (``python -m trainer --project ROOT retrain`` / ``report``), so the
console trains and judges exactly as a trainer at the terminal would. Their Korean output is kept line by
line; retrain's epoch lines ("에포크 12/40 (30%)") give the progress bar. One training at a time.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence

from trainer.retrain import NEXT_STEP

logger = logging.getLogger(__name__)
# retrain's progress line and its last line naming the model.
_PERCENT = re.compile(r"\((\d{1,3})%\)")
_NEW_MODEL = re.compile(r"새 모델: (\S+\.tar\.gz)")
# trainer report's exit codes (trainer/report.py): no drop, an F1 fell too far, cannot compare.
REPORT_OK, REPORT_DROP, REPORT_CANNOT_COMPARE = 0, 1, 2
MAX_LINES = 400
# Of a failed command's standard error, the last lines shown on the page.
ERROR_LINES_SHOWN = 5
TRAINING, EVALUATING, FINISHED, FAILED = "training", "evaluating", "finished", "failed"
STAGE_LABELS = {TRAINING: "학습 중", EVALUATING: "이전 모델과 비교 중", FINISHED: "끝났어요", FAILED: "실패했어요"}


def trainer_command(project_root: Path, *arguments: str) -> List[str]:
    """``python -m trainer --project ROOT ...`` with this Python."""
    return [sys.executable, "-m", "trainer", "--project", str(project_root), *arguments]


@dataclass
class TrainingJob:
    """The state of one training, read by the page while it runs."""

    started_by: str
    started_at: float = field(default_factory=time.time)
    stage: str = TRAINING
    percent: int = 0
    lines: List[str] = field(default_factory=list)
    report: List[str] = field(default_factory=list)
    report_code: Optional[int] = None
    model: Optional[str] = None
    finished_at: Optional[float] = None

    @property
    def running(self) -> bool:
        """Still training or evaluating."""
        return self.stage in (TRAINING, EVALUATING)

    @property
    def stage_label(self) -> str:
        """The stage in Korean."""
        return STAGE_LABELS[self.stage]

    @property
    def report_passed(self) -> bool:
        """The report found no intent whose F1 fell beyond the limit."""
        return self.report_code == REPORT_OK


def _run(command: Sequence[str], into: List[str], on_line: Optional[Callable[[str], None]] = None) -> int:
    """Runs ``command``, appending each line it prints (``\r`` and ``\n`` both end one) to ``into``.

    Only standard output is shown: the trainer prints its Korean lines there, while TensorFlow's and
    Python's warnings go to standard error, which is written to the console's log instead (its last lines
    also shown when the command fails).
    """
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, bufsize=1)
        assert process.stdout is not None
        for chunk in process.stdout:
            for line in chunk.replace("\r", "\n").split("\n"):
                if line.strip():
                    into.append(line.rstrip())
                    del into[:-MAX_LINES]
                    if on_line is not None:
                        on_line(line)
        code = process.wait()
        errors.seek(0)
        error_lines = [line.rstrip() for line in errors if line.strip()]
    if error_lines:
        logger.info("%s wrote to standard error:\n%s", command[-1], "\n".join(error_lines[-MAX_LINES:]))
    if code != 0 and error_lines:
        into.extend(f"  {line}" for line in error_lines[-ERROR_LINES_SHOWN:])
        into.append("✖ 자세한 내용은 콘솔 로그(logs/console.log)에 있어요.")
    return code


class Trainer:
    """Starts trainings one at a time and keeps the latest one for the page."""

    def __init__(self, project_root: Path, retrain: Optional[List[str]] = None, report: Optional[List[str]] = None) -> None:
        """Args: the project, and (for tests) other commands instead of the trainer's retrain and report."""
        self.project_root = project_root
        self._retrain = retrain or trainer_command(project_root, "retrain")
        self._report = report or trainer_command(project_root, "report")
        self._lock = threading.Lock()
        self.job: Optional[TrainingJob] = None

    def start(self, user: str) -> Optional[TrainingJob]:
        """Starts a training for ``user``; ``None`` when one is already running."""
        with self._lock:
            if self.job is not None and self.job.running:
                return None
            self.job = TrainingJob(user)
            threading.Thread(target=self._work, args=(self.job,), daemon=True).start()
            return self.job

    def _work(self, job: TrainingJob) -> None:
        def progress(line: str) -> None:
            found = _PERCENT.search(line)
            if found:
                job.percent = min(99, int(found.group(1)))
            model = _NEW_MODEL.search(line)
            if model:
                job.model = model.group(1)

        try:
            code = _run(self._retrain, job.lines, progress)
            # The terminal's "restart the bot" hint: from the console a model is published without a restart.
            job.lines[:] = [line for line in job.lines if not line.startswith(NEXT_STEP)]
            if code != 0 or job.model is None:
                job.stage = FAILED
                return
            job.percent, job.stage = 100, EVALUATING
            job.report_code = _run(self._report, job.report)
            job.stage = FINISHED
        except OSError as error:
            job.lines.append(f"✖ 학습을 시작할 수 없었어요: {error}")
            job.stage = FAILED
        finally:
            job.finished_at = time.time()
