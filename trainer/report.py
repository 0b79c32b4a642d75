"""``trainer report``: what the newest model does better or worse than the one before it.

Both models are scored on the held-out split (``tests/data/nlu_holdout.yml``) with ``rasa test nlu``;
the report shows macro-F1 and F1 per intent side by side, the held-out sentences that became wrong
(and right), and Rasa's confusion-matrix picture. It also shows what customers meet with each model (right
topic / asked to clarify / wrong topic) on the held-out split and the external set of real utterances. It
fails when an intent's F1 fell by more than ``MAX_F1_DROP``, or when the share of sentences answered with a
wrong topic rose by more than ``MAX_WRONG_RISE`` on either set (a model can keep every F1 and still give
more confident wrong answers to real customers).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from trainer.console import FAIL, OK, WARN, pad, quoted
from trainer.evaluation import Evaluation, EvaluationError, WrongPrediction, evaluate
from trainer.nlu_files import read_examples
from trainer.outcomes import SetScore, score_sets
from trainer.project import Project

# An intent whose held-out F1 falls by more than this makes the report fail.
MAX_F1_DROP = 0.05
# A rise of the wrong-topic share (held-out or external set) by more than this makes the report fail.
MAX_WRONG_RISE = 0.02
# Float noise allowance when comparing a drop with the limit.
_EPSILON = 1e-9
EXIT_OK, EXIT_DROP, EXIT_CANNOT_COMPARE = 0, 1, 2


@dataclass(frozen=True)
class IntentChange:
    """One intent's F1 before and after (``None`` when that model has no score for it)."""

    intent: str
    old: Optional[float]
    new: Optional[float]

    @property
    def delta(self) -> Optional[float]:
        """New minus old F1."""
        return None if self.old is None or self.new is None else self.new - self.old


@dataclass
class Comparison:
    """The newest model against the one before it."""

    old: Evaluation
    new: Evaluation
    max_drop: float
    changes: List[IntentChange] = field(default_factory=list)
    became_wrong: List[WrongPrediction] = field(default_factory=list)
    became_right: List[WrongPrediction] = field(default_factory=list)

    @property
    def dropped(self) -> List[IntentChange]:
        """Intents whose F1 fell by more than ``max_drop``."""
        return [
            change for change in self.changes
            if change.delta is not None and -change.delta > self.max_drop + _EPSILON
        ]


def compare(old: Evaluation, new: Evaluation, max_drop: float = MAX_F1_DROP) -> Comparison:
    """Lines up two evaluations intent by intent and sentence by sentence."""
    comparison = Comparison(old, new, max_drop)
    for intent in sorted(set(old.f1) | set(new.f1)):
        comparison.changes.append(IntentChange(intent, old.f1.get(intent), new.f1.get(intent)))
    old_wrong = {(error.text, error.intent) for error in old.errors}
    new_wrong = {(error.text, error.intent) for error in new.errors}
    comparison.became_wrong = [error for error in new.errors if (error.text, error.intent) not in old_wrong]
    comparison.became_right = [error for error in old.errors if (error.text, error.intent) not in new_wrong]
    return comparison


def _score(value: Optional[float]) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _model_line(project: Project, label: str, model: Path) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(model.stat().st_mtime))
    return f"{label} {project.relative(model)} ({stamp})"


def print_comparison(project: Project, comparison: Comparison) -> None:
    """Prints the report in Korean."""
    old, new = comparison.old, comparison.new
    delta = new.macro_f1 - old.macro_f1
    print(f"\nmacro-F1  {old.macro_f1:.3f} → {new.macro_f1:.3f}  ({delta:+.3f})\n")
    width = max([len("의도")] + [len(change.intent) for change in comparison.changes]) + 2
    print(f"  {pad('의도', width)} 이전    새 모델  변화")
    for change in comparison.changes:
        shift = "   -  " if change.delta is None else f"{change.delta:+.3f}"
        mark = ""
        if change in comparison.dropped:
            mark = f"  ▼ {comparison.max_drop:.2f} 넘게 떨어짐"
        elif change.delta is not None and change.delta > comparison.max_drop:
            mark = "  ▲"
        print(f"  {pad(change.intent, width)} {_score(change.old)}   {_score(change.new)}   {shift}{mark}")
    _print_sentences("새로 틀린 평가 문장", comparison.became_wrong, with_prediction=True)
    _print_sentences("새로 맞힌 평가 문장", comparison.became_right, with_prediction=False)
    print(f"\n혼동 행렬 그림 (새 모델): {project.relative(new.confusion_matrix)}")
    print(f"            (이전 모델): {project.relative(old.confusion_matrix)}")


def _print_sentences(title: str, predictions: List[WrongPrediction], with_prediction: bool) -> None:
    print(f"\n{title} {len(predictions)}개" + (":" if predictions else ""))
    for error in predictions:
        if with_prediction:
            print(f"  {quoted(error.text)} — 정답 {error.intent}, 새 모델은 {error.predicted} ({error.confidence:.2f})")
        else:
            print(f"  {quoted(error.text)} — {error.intent}")


def _pick_models(project: Project, new: Optional[Path], old: Optional[Path]) -> Tuple[Optional[Path], Optional[Path]]:
    models = project.models()
    if new is None:
        new = models[-1] if models else None
    if old is None and new is not None:
        newest = new
        earlier = [
            model for model in models
            if model.resolve() != newest.resolve() and model.stat().st_mtime <= newest.stat().st_mtime
        ]
        old = earlier[-1] if earlier else None
    return new, old


def wrong_rises(before: Sequence[SetScore], after: Sequence[SetScore],
                limit: float = MAX_WRONG_RISE) -> List[Tuple[str, float, float]]:
    """``(set, wrong share before, after)`` for each set whose wrong-topic share rose by more than ``limit``."""
    return [
        (old.name, old.share("wrong"), new.share("wrong"))
        for old, new in zip(before, after, strict=False)
        if new.share("wrong") - old.share("wrong") > limit + _EPSILON
    ]


def _print_outcomes(project: Project, new: Path, old: Path) -> List[Tuple[str, float, float]]:
    """What customers meet with each model, on the held-out split and the external set of real utterances.

    Returns:
        :func:`wrong_rises` of the two models (nothing when the project has no external set).
    """
    if not project.external_path.exists():
        return []
    sets = [project.holdout_path, project.external_path]
    print("\n고객이 만나는 결과 (맞는 답 / 되묻기 / 다른 주제로 답, macro-F1은 되묻기를 틀린 것으로 셈):")
    scores = {}
    for label, model in (("이전 모델", old), ("새 모델  ", new)):
        scores[model] = score_sets(model, sets)
        for score in scores[model]:
            print(f"  {label}  {score.name:20s} {score.share('right'):6.1%} / {score.share('asked'):6.1%} / "
                  f"{score.share('wrong'):6.1%}   F1 {score.macro_f1:.3f}")
    return wrong_rises(scores[old], scores[new])


def run_report(
    project: Project, new: Optional[Path] = None, old: Optional[Path] = None, max_drop: float = MAX_F1_DROP
) -> int:
    """``trainer report``: 0 when no intent's F1 fell by more than ``max_drop``, 1 when one did, 2 when it cannot compare.

    Args:
        project: The project (its ``models/`` and held-out split).
        new: The model to judge (default: the newest in ``models/``).
        old: The model to compare with (default: the one trained before ``new``).
        max_drop: The largest acceptable fall of an intent's F1.
    """
    for given in (new, old):
        if given is not None and not given.is_file():
            print(f"{FAIL} 모델 파일이 없어요: {given}")
            return EXIT_CANNOT_COMPARE
    new, old = _pick_models(project, new, old)
    if new is None or old is None:
        print(f"{FAIL} 비교할 모델이 두 개 필요해요 (models/ 에 {len(project.models())}개). "
              "python -m trainer retrain 으로 새 모델을 만든 뒤 다시 실행하세요.")
        return EXIT_CANNOT_COMPARE
    if not project.holdout_path.exists():
        print(f"{FAIL} 평가용 문장 파일이 없어요: {project.relative(project.holdout_path)}")
        return EXIT_CANNOT_COMPARE
    holdout = read_examples(project.holdout_path)
    print(_model_line(project, "새 모델:  ", new))
    print(_model_line(project, "이전 모델:", old))
    print(f"평가 문장: {project.relative(project.holdout_path)} "
          f"({len(holdout)}문장, {len({example.intent for example in holdout})}개 의도, 학습에 안 쓴 문장)")
    try:
        old_evaluation, new_evaluation = evaluate(project, [old, new])
    except EvaluationError as error:
        print(f"{FAIL} {error.model.name} 평가에 실패했어요 (전체 기록: {project.relative(error.run.log)}):")
        for line in error.run.tail().splitlines():
            print(f"    {line}")
        return EXIT_CANNOT_COMPARE
    comparison = compare(old_evaluation, new_evaluation, max_drop)
    print_comparison(project, comparison)
    more_wrong = _print_outcomes(project, new, old)
    if comparison.dropped:
        names = ", ".join(f"{change.intent} ({change.delta:+.3f})" for change in comparison.dropped)
        print(f"\n결과: {FAIL} F1이 {max_drop:.2f} 넘게 떨어진 의도가 있어요: {names}")
        print("   새로 틀린 문장을 보고, 최근에 넣은 예문이 다른 의도와 헷갈리지 않는지 확인하세요.")
        return EXIT_DROP
    if more_wrong:
        names = ", ".join(f"{name} {before:.1%} → {after:.1%}" for name, before, after in more_wrong)
        print(f"\n결과: {FAIL} 다른 주제로 답하는 문장이 {MAX_WRONG_RISE:.0%}p 넘게 늘었어요: {names}")
        print("   고객이 엉뚱한 답을 더 자주 받게 돼요. 최근에 넣은 예문이 다른 의도와 헷갈리지 않는지 확인하세요.")
        return EXIT_DROP
    if comparison.became_wrong:
        print(f"\n결과: {OK} 크게 떨어진 의도는 없어요 ({WARN} 새로 틀린 문장 {len(comparison.became_wrong)}개는 살펴보세요).")
    else:
        print(f"\n결과: {OK} 크게 떨어진 의도는 없어요.")
    return EXIT_OK
