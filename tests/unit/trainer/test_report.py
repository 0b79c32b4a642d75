"""`python -m trainer report` verdicts, on stored `rasa test nlu` results (real models: test_trainer_loop.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from tests.support.trainer_support import copy_project, run_trainer
from trainer.evaluation import Evaluation, WrongPrediction, evaluation_dir, remember_evaluation
from trainer.outcomes import Decision, SetScore
from trainer.project import FALLBACK_INTENT, Project
from trainer.report import compare, wrong_rises

Scores = Dict[str, Tuple[float, int]]


def stored_model(project: Project, name: str, age_s: int, scores: Scores, errors: List[Dict]) -> Path:
    """A model file with the results `rasa test nlu` would have written for it, as `report` stores them."""
    project.models_dir.mkdir(exist_ok=True)
    model = project.models_dir / f"{name}.tar.gz"
    model.write_bytes(name.encode())
    moment = 1_800_000_000 - age_s
    os.utime(model, (moment, moment))
    directory = evaluation_dir(project, model)
    directory.mkdir(parents=True)
    report = {intent: {"precision": f1, "recall": f1, "f1-score": f1, "support": support}
              for intent, (f1, support) in scores.items()}
    report["accuracy"] = 0.9
    report["macro avg"] = {"f1-score": sum(f1 for f1, _ in scores.values()) / len(scores), "support": 20}
    (directory / "intent_report.json").write_text(json.dumps(report), encoding="utf-8")
    (directory / "intent_errors.json").write_text(json.dumps(errors), encoding="utf-8")
    (directory / "intent_confusion_matrix.png").write_bytes(b"\x89PNG")
    remember_evaluation(project, model)
    return model


def error(text: str, intent: str, predicted: str, confidence: float = 0.6) -> Dict:
    """One entry of Rasa's intent_errors.json."""
    return {"text": text, "intent": intent, "intent_prediction": {"name": predicted, "confidence": confidence}}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A throw-away copy of the project with an empty models/."""
    return copy_project(tmp_path / "project")


def test_an_intent_that_fell_fails_the_report(project: Project, capsys: pytest.CaptureFixture) -> None:
    """refund 0.95 → 0.87: exit 1, the drop marked, the sentence that became wrong listed, the picture named."""
    stored_model(project, "paybot-old", 60, {"refund": (0.95, 10), "greet": (0.90, 10)},
                 [error("안녕하신가", "greet", "goodbye")])
    new = stored_model(project, "paybot-new", 0, {"refund": (0.87, 10), "greet": (1.0, 10)},
                       [error("돈 언제 돌아와요", "refund", "transfer_issue", 0.71)])

    code, out = run_trainer(capsys, project, "report")

    assert code == 1
    assert "macro-F1  0.925 → 0.935  (+0.010)" in out
    assert "refund" in out and "-0.080  ▼ 0.05 넘게 떨어짐" in out
    assert "새로 틀린 평가 문장 1개:" in out
    assert '"돈 언제 돌아와요" — 정답 refund, 새 모델은 transfer_issue (0.71)' in out
    assert '새로 맞힌 평가 문장 1개:\n  "안녕하신가" — greet' in out
    assert f"혼동 행렬 그림 (새 모델): {project.relative(evaluation_dir(project, new))}/intent_confusion_matrix.png" in out
    assert "결과: ✖ F1이 0.05 넘게 떨어진 의도가 있어요: refund (-0.080)" in out


def test_a_fall_of_exactly_the_limit_passes(project: Project, capsys: pytest.CaptureFixture) -> None:
    """"More than 0.05" means 0.05 itself is still fine."""
    stored_model(project, "paybot-old", 60, {"refund": (0.95, 10)}, [])
    stored_model(project, "paybot-new", 0, {"refund": (0.90, 10)}, [])

    code, out = run_trainer(capsys, project, "report")

    assert code == 0
    assert "결과: ✔ 크게 떨어진 의도는 없어요." in out


def test_limit_and_models_can_be_chosen(project: Project, capsys: pytest.CaptureFixture) -> None:
    """--old/--new pick the models (here the older one judged against the newer), --max-drop the limit."""
    old = stored_model(project, "paybot-old", 60, {"refund": (0.80, 10)}, [])
    new = stored_model(project, "paybot-new", 0, {"refund": (0.95, 10)}, [])

    code, _ = run_trainer(capsys, project, "report", "--new", str(old), "--old", str(new))
    assert code == 1
    code, _ = run_trainer(capsys, project, "report", "--new", str(old), "--old", str(new), "--max-drop", "0.2")
    assert code == 0


def test_one_model_is_not_enough(project: Project, capsys: pytest.CaptureFixture) -> None:
    """Exit 2 and what to do, when there is nothing to compare with."""
    stored_model(project, "paybot-only", 0, {"refund": (0.9, 10)}, [])

    code, out = run_trainer(capsys, project, "report")

    assert code == 2
    assert "비교할 모델이 두 개 필요해요 (models/ 에 1개)" in out


def test_comparison_lines_up_intents_that_only_one_model_knows() -> None:
    """An intent new to the held-out split shows '-' for the old model and never counts as a fall."""
    old = Evaluation(Path("old"), Path("old-dir"), 0.9, f1={"refund": 0.9}, support={"refund": 10})
    new = Evaluation(Path("new"), Path("new-dir"), 0.9, f1={"refund": 0.9, "ask_hours": 0.2},
                     support={"refund": 10, "ask_hours": 5},
                     errors=[WrongPrediction("몇 시까지 해요", "ask_hours", "ask_contact", 0.5)])

    comparison = compare(old, new)

    assert [(change.intent, change.old, change.new) for change in comparison.changes] == [
        ("ask_hours", None, 0.2), ("refund", 0.9, 0.9)]
    assert comparison.dropped == []
    assert [wrong.text for wrong in comparison.became_wrong] == ["몇 시까지 해요"]


def _scores(name: str, wrong: int, asked: int = 0, total: int = 100) -> SetScore:
    """A set of ``total`` sentences of which ``wrong`` got another topic and ``asked`` the clarification."""
    decisions = [Decision(f"{name} {n}", "refund", "refund", "refund", 0.99) for n in range(total - wrong - asked)]
    decisions += [Decision(f"wrong {n}", "refund", "payment_failure", "payment_failure", 0.99) for n in range(wrong)]
    decisions += [Decision(f"asked {n}", "refund", FALLBACK_INTENT, "refund", 0.4) for n in range(asked)]
    return SetScore(name, decisions)


def test_more_confident_wrong_answers_fail_the_report_even_with_every_f1_kept() -> None:
    """External set 7 % → 10 % wrong: the customers' outcome the F1 check misses; 7 % → 9 % is within the limit."""
    before = [_scores("holdout", 1), _scores("external", 7)]
    assert wrong_rises(before, [_scores("holdout", 1), _scores("external", 10)]) == [("external", 0.07, 0.10)]
    assert wrong_rises(before, [_scores("holdout", 2), _scores("external", 9)]) == []
    # More clarifications instead of wrong answers is not a rise in wrong answers.
    assert wrong_rises(before, [_scores("holdout", 1), _scores("external", 5, asked=10)]) == []
