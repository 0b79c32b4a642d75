"""How `retrain` and `check` react to what Rasa says, with a stand-in for the `rasa` command.

Real training, fine-tuning and validation run in test_trainer_loop.py; the cases here (Rasa refusing
to fine-tune, a failed training, a failed validation) would each cost a minute of real training.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import List

import pytest

import trainer.rasa_runner
from tests.support.trainer_support import copy_project, run_trainer
from trainer.project import Project

# Prints what Rasa 3.6 prints at the same points (the refusal is Rasa's FinetuningValidator message).
FAKE_RASA = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path

    arguments = sys.argv[1:]
    with open("rasa-calls.txt", "a", encoding="utf-8") as calls:
        calls.write(" ".join(arguments) + "\\n")
    mode = os.environ.get("FAKE_RASA", "")
    if arguments[:2] == ["data", "validate"]:
        if mode == "invalid":
            print("\\x1b[91mInvalidDomain: Intent 'refund' is listed twice in the domain.\\x1b[0m")
            sys.exit(1)
        sys.exit(0)
    print("2026-11-25 10:00:00 INFO rasa.cli.train  - Started validating domain and training data...", flush=True)
    if "--finetune" in arguments and mode == "refuse-finetune":
        print("\\x1b[91mInvalidConfigException: Cannot finetune because more than just the 'epoch' keys have "
              "been changed in the configuration. Please revert your configuration.\\x1b[0m")
        sys.exit(1)
    if mode == "fail":
        print("YamlValidationException: Failed to validate 'data/nlu/refunds.yml'.")
        sys.exit(1)
    print("2026-11-25 10:00:01 INFO rasa.engine.training.hooks  - Starting to train component 'DIETClassifier'.")
    for epoch in range(11):
        sys.stderr.write(f"\\rEpochs: {epoch * 10:3d}%|####| {epoch}/10 [00:01<00:01, 1.00it/s, t_loss=1.0]")
        sys.stderr.flush()
    out, name = arguments[arguments.index("--out") + 1], arguments[arguments.index("--fixed-model-name") + 1]
    Path(out, name + ".tar.gz").write_bytes(b"model")
    print(f"\\nYour Rasa model is trained and saved at '{out}/{name}.tar.gz'.")
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A project copy whose `rasa` is the stand-in above."""
    script = tmp_path / "fake_rasa.py"
    script.write_text(FAKE_RASA, encoding="utf-8")
    monkeypatch.setattr(trainer.rasa_runner, "rasa_command", lambda *arguments: [sys.executable, str(script), *arguments])
    return copy_project(tmp_path / "project")


def rasa_calls(project: Project) -> List[str]:
    """The argument lists the stand-in was called with."""
    return (project.root / "rasa-calls.txt").read_text(encoding="utf-8").splitlines()


def test_first_training_is_full_and_shows_progress(project: Project, capsys: pytest.CaptureFixture) -> None:
    """No model yet: a full training, Korean progress with epochs, the new model's name."""
    code, out = run_trainer(capsys, project, "retrain")

    assert code == 0
    assert "처음부터 학습합니다 (아직 모델이 없어요)." in out
    assert "학습 중: DIETClassifier — 에포크 5/10 (50%)" in out
    models = project.models()
    assert len(models) == 1 and models[0].name.startswith("paybot-")
    assert f"✔ 새 모델: models/{models[0].name} (처음부터 학습" in out
    assert "--finetune" not in rasa_calls(project)[0]


def test_next_training_fine_tunes_the_newest_model(project: Project, capsys: pytest.CaptureFixture) -> None:
    """With a model there, Rasa is asked to fine-tune exactly that one."""
    run_trainer(capsys, project, "retrain")
    first = project.newest_model()

    code, out = run_trainer(capsys, project, "retrain", "--epoch-fraction", "0.5")

    assert code == 0
    assert f"--finetune {first} --epoch-fraction 0.5" in rasa_calls(project)[-1]
    assert "(미세조정," in out
    assert len(project.models()) == 2


def test_refused_fine_tuning_falls_back_to_full_training(
    project: Project, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa's "Cannot finetune" is explained in Korean, then the model is trained from scratch."""
    run_trainer(capsys, project, "retrain")
    monkeypatch.setenv("FAKE_RASA", "refuse-finetune")

    code, out = run_trainer(capsys, project, "retrain")

    assert code == 0
    assert "⚠ Rasa가 미세조정을 거절했어요" in out
    assert "Cannot finetune because more than just the 'epoch' keys" in out
    assert "(처음부터 학습," in out
    assert "--finetune" not in rasa_calls(project)[-1]
    assert len(project.models()) == 2


def test_failed_training_says_so_and_quotes_rasa(
    project: Project, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any other failure is not retried: exit 1 with the end of Rasa's output and where the log is."""
    monkeypatch.setenv("FAKE_RASA", "fail")

    code, out = run_trainer(capsys, project, "retrain")

    assert code == 1
    assert "✖ 학습에 실패했어요 (전체 기록: results/trainer/logs/retrain-" in out
    assert "YamlValidationException: Failed to validate 'data/nlu/refunds.yml'." in out
    assert project.models() == []


@pytest.mark.live
def test_check_fails_when_rasa_validation_fails(
    project: Project, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A domain error from `rasa data validate` fails `check`, and the conflict report still runs."""
    monkeypatch.setenv("FAKE_RASA", "invalid")

    code, out = run_trainer(capsys, project, "check")

    assert code == 1
    assert "✖ Rasa가 데이터나 도메인에서 오류를 찾았어요" in out
    assert "InvalidDomain: Intent 'refund' is listed twice in the domain." in out
    assert "[2/2] 의도 간 충돌 검사" in out
    assert "결과: ✖ 실패 (Rasa 형식 검사)" in out
