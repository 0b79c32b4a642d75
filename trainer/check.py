"""``trainer check``: Rasa's own data validation, then the clashes between intents over all examples."""

from __future__ import annotations

import re
from typing import Iterable, List, Sequence, Tuple

from trainer.conflicts import (
    IN_HOLDOUT,
    SAME_NORMALISED,
    SAME_TEXT,
    Clash,
    ConflictReport,
    ExampleIndex,
    find_conflicts,
)
from trainer.console import FAIL, OK, WARN, pad, quoted, seconds
from trainer.nlu_files import Example, read_all_examples, read_examples
from trainer.project import Project
from trainer.rasa_runner import log_path, run_rasa
from trainer.similarity import NEAR_DUPLICATE_JACCARD, MorphemeSets

# Warnings of each kind listed before "... and N more" (all with --all).
SHOWN_PER_KIND = 10
_RASA_WARNING = re.compile(r"UserWarning: (.+)")

_CLASH_TITLES = {
    SAME_TEXT: "같은 문장이 두 의도에 있어요",
    SAME_NORMALISED: "띄어쓰기·문장부호·반복 글자·대소문자만 다른 문장이 두 의도에 있어요",
    IN_HOLDOUT: "평가용(tests/data/nlu_holdout.yml) 문장이 학습 데이터에 그대로 있어요",
}


def _where(project: Project, example: Example) -> str:
    return f"{project.relative(example.path)} {example.line}번째 줄"


def _rasa_warnings(output: str) -> List[str]:
    return [match.group(1).strip() for match in _RASA_WARNING.finditer(output)]


def validate_with_rasa(project: Project, verbose: bool) -> bool:
    """Runs ``rasa data validate`` on the project and prints a short verdict; True when it passed."""
    print("[1/2] Rasa 형식 검사 (rasa data validate) …", flush=True)
    run = run_rasa(
        project,
        ["data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml"],
        log_path(project, "check"),
    )
    warnings = _rasa_warnings(run.output())
    log = project.relative(run.log)
    if run.ok:
        print(f"  {OK} 통과 ({seconds(run.seconds)}). Rasa 경고 {len(warnings)}건 — 대부분 개발자용이에요 (전체 기록: {log})")
        for warning in warnings if verbose else []:
            print(f"    {WARN} {warning}")
        return True
    print(f"  {FAIL} Rasa가 데이터나 도메인에서 오류를 찾았어요 (전체 기록: {log}):")
    for line in run.tail().splitlines():
        print(f"    {line}")
    return False


def _print_clash(project: Project, number: int, clash: Clash) -> None:
    print(f"    {number}) {_CLASH_TITLES[clash.kind]}:")
    width = max(len(example.intent) for example in clash.examples) + 2
    for example in clash.examples:
        print(f"         {pad(example.intent, width)}{quoted(example.text)}  {_where(project, example)}")


def _limited(items: Sequence, show_all: bool) -> Tuple[Sequence, int]:
    if show_all or len(items) <= SHOWN_PER_KIND:
        return items, 0
    return items[:SHOWN_PER_KIND], len(items) - SHOWN_PER_KIND


def _print_warnings(project: Project, report: ConflictReport, show_all: bool) -> None:
    if not (report.close_pairs or report.holdout_variants or report.repeated_in_intent):
        return
    print(f"  {WARN} 살펴볼 것 (오류는 아니에요)")
    if report.close_pairs:
        print(
            f"    의도가 다른데 아주 비슷한 예문 {len(report.close_pairs)}쌍 "
            f"(형태소 {NEAR_DUPLICATE_JACCARD:.0%} 이상 겹침 — 봇이 헷갈릴 수 있어요):"
        )
        shown, more = _limited(report.close_pairs, show_all)
        for pair in shown:
            print(f"      {pair.score:.0%}  {pair.first.intent} {quoted(pair.first.text)} ({_where(project, pair.first)})")
            print(f"           {pair.second.intent} {quoted(pair.second.text)} ({_where(project, pair.second)})")
        if more:
            print(f"      … 그 밖에 {more}쌍 (전부 보려면 --all)")
    if report.holdout_variants:
        print(f"    평가용 문장과 띄어쓰기·반복 글자 정도만 다른 학습 예문 {len(report.holdout_variants)}개:")
        shown, more = _limited(report.holdout_variants, show_all)
        for example, variant in shown:
            print(f"      {quoted(example.text)} ({_where(project, example)}) ↔ 평가용 {quoted(variant.text)}")
        if more:
            print(f"      … 그 밖에 {more}개 (전부 보려면 --all)")
    if report.repeated_in_intent:
        print(f"    같은 의도에 두 번 이상 들어간 문장 {len(report.repeated_in_intent)}개:")
        shown, more = _limited(report.repeated_in_intent, show_all)
        for group in shown:
            places = ", ".join(_where(project, example) for example in group)
            print(f"      {group[0].intent} {quoted(group[0].text)}: {places}")
        if more:
            print(f"      … 그 밖에 {more}개 (전부 보려면 --all)")


def conflict_report(project: Project) -> Tuple[ConflictReport, List[Example]]:
    """Finds clashes over all of ``data/nlu`` (and against the held-out split)."""
    examples = read_all_examples(project.nlu_dir)
    holdout = read_examples(project.holdout_path) if project.holdout_path.exists() else []
    index = ExampleIndex(examples, MorphemeSets(project.analyzer_name()))
    return find_conflicts(index, holdout), examples


def _intent_count(examples: Iterable[Example]) -> int:
    return len({example.intent for example in examples})


def check_conflicts(project: Project, show_all: bool) -> bool:
    """Prints the cross-intent conflict report; True when there is no error."""
    print("[2/2] 의도 간 충돌 검사 …", flush=True)
    report, examples = conflict_report(project)
    if report.clashes:
        print(f"  {FAIL} 오류 {len(report.clashes)}건 — 고쳐야 해요:")
        for number, clash in enumerate(report.clashes, start=1):
            _print_clash(project, number, clash)
    _print_warnings(project, report, show_all)
    mark = OK if report.ok else FAIL
    print(f"  {mark} 예문 {len(examples):,}개 · 의도 {_intent_count(examples)}개를 검사했어요.")
    return report.ok


def run_check(project: Project, show_all: bool = False, verbose: bool = False) -> int:
    """``trainer check``: returns 0 when both checks pass, 1 otherwise."""
    rasa_ok = validate_with_rasa(project, verbose)
    conflicts_ok = check_conflicts(project, show_all)
    if rasa_ok and conflicts_ok:
        print(f"결과: {OK} 통과. 다음 단계: python -m trainer retrain")
        return 0
    failed = [name for name, ok in (("Rasa 형식 검사", rasa_ok), ("의도 간 충돌 검사", conflicts_ok)) if not ok]
    print(f"결과: {FAIL} 실패 ({', '.join(failed)}). 위 내용을 고친 뒤 다시 실행하세요.")
    return 1
