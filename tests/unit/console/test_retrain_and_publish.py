"""Training from the console (the job runner, with stand-in commands: no model is trained here) and publishing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from console.publish import PublishError, publications, publish
from console.retrain_job import FAILED, FINISHED, TRAINING, Trainer
from console.store import connect
from paybot.launch import free_port

# Stand-ins that print what `trainer retrain` and `trainer report` print, with their exit codes.
RETRAIN_OUTPUT = (
    "print('마지막 모델 models/old.tar.gz 에서 이어서 학습(미세조정)합니다.', flush=True)\n"
    "print('  · 학습 중: DIETClassifier — 에포크 5/10 (50%)', flush=True)\n"
    "import time; time.sleep(0.3)\n"
    "print('  · 학습 중: DIETClassifier — 에포크 10/10 (100%)', flush=True)\n"
    "print('✔ 새 모델: models/paybot-20261203-120000.tar.gz (미세조정, 3초)', flush=True)\n"
    "print('다음 단계: python -m trainer report 로 이전 모델과 비교하세요. 봇은 다시 시작하면 새 모델을 써요.', flush=True)\n"
)


def _wait(trainer: Trainer) -> None:
    deadline = time.monotonic() + 30
    while trainer.job is not None and trainer.job.running:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_training_reports_progress_then_the_report(tmp_path: Path) -> None:
    """Epoch lines move the bar; the new model is named; a report that found a drop means 'not passed'."""
    report = "print('결과: ✖ F1이 0.05 넘게 떨어진 의도가 있어요: refund (-0.080)'); raise SystemExit(1)"
    trainer = Trainer(tmp_path, [sys.executable, "-c", RETRAIN_OUTPUT], [sys.executable, "-c", report])
    job = trainer.start("minji")
    assert job is not None and trainer.start("jisu") is None  # one training at a time
    seen = set()
    deadline = time.monotonic() + 30
    while job.running and time.monotonic() < deadline:
        seen.add((job.stage, job.percent))
        time.sleep(0.02)
    assert job.stage == FINISHED and job.model == "models/paybot-20261203-120000.tar.gz"
    assert (TRAINING, 50) in seen and job.percent == 100
    assert "DIETClassifier — 에포크 5/10 (50%)" in "\n".join(job.lines)
    # The terminal's "restart the bot to use it" hint is wrong here: the console publishes without a restart.
    assert not any("다시 시작하면" in line for line in job.lines)
    assert job.report_code == 1 and not job.report_passed and "refund (-0.080)" in job.report[0]


def test_a_failed_training_is_shown_as_failed(tmp_path: Path) -> None:
    """A retrain that exits with an error never runs the report."""
    trainer = Trainer(tmp_path, [sys.executable, "-c", "print('✖ 학습에 실패했어요'); raise SystemExit(1)"],
                      [sys.executable, "-c", "raise SystemExit('must not run')"])
    trainer.start("minji")
    _wait(trainer)
    assert trainer.job is not None and trainer.job.stage == FAILED and trainer.job.report == []
    assert trainer.job.stage_label == "실패했어요"


@pytest.fixture
def model(tmp_path: Path) -> Path:
    """A file in place of a model (nothing loads it here)."""
    path = tmp_path / "paybot-20261203-120000.tar.gz"
    path.write_bytes(b"not really a model")
    return path


def test_publishing_needs_the_api_token(tmp_path: Path, model: Path) -> None:
    """Without RASA_API_TOKEN nothing is sent and the reason is given."""
    db = connect(tmp_path / "console.db")
    with pytest.raises(PublishError, match="RASA_API_TOKEN이 설정되지 않아서"):
        publish(db, ["http://127.0.0.1:5005"], "", model, "boss", None)
    assert publications(db) == []


def test_a_server_that_does_not_answer_is_named_and_nothing_is_logged(tmp_path: Path, model: Path) -> None:
    """A Rasa server that is down: the message names it, and the publication is not recorded."""
    db = connect(tmp_path / "console.db")
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(PublishError, match=f"{url} 서버에 연결할 수 없어요"):
        publish(db, [url], "token", model, "boss", None)
    assert publications(db) == []


def test_tensorflow_noise_stays_off_the_report(tmp_path: Path) -> None:
    """What the trainer prints is shown; TensorFlow's and Python's warnings on standard error are not
    (they go to the console's log), unless the command failed, when its last lines explain why."""
    noisy = ("import sys; print('I tensorflow/core/util/port.cc:110] oneDNN custom operations are on', file=sys.stderr); "
             "print('UserWarning: Slot auto-fill has been removed', file=sys.stderr); "
             "print('결과: ✔ 크게 떨어진 의도는 없어요.')")
    trainer = Trainer(tmp_path, [sys.executable, "-c", RETRAIN_OUTPUT], [sys.executable, "-c", noisy])
    job = trainer.start("minji")
    assert job is not None
    deadline = time.monotonic() + 30
    while job.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert job.report == ["결과: ✔ 크게 떨어진 의도는 없어요."] and job.report_passed

    failing = "import sys; print('Traceback: rasa could not load the model', file=sys.stderr); raise SystemExit(3)"
    trainer = Trainer(tmp_path, [sys.executable, "-c", failing], [sys.executable, "-c", noisy])
    job = trainer.start("minji")
    assert job is not None
    deadline = time.monotonic() + 30
    while job.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert job.stage == FAILED and any("could not load the model" in line for line in job.lines)
