"""``python -m trainer``: the command line trainers use (``add``, ``check``, ``retrain``, ``report``, ``inbox``)."""

from __future__ import annotations

import argparse
import io
import sys
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

from paybot.settings import PROJECT_ROOT, get_settings
from trainer.adding import Teacher, print_outcome
from trainer.check import run_check
from trainer.console import FAIL, pad
from trainer.inbox import run_inbox
from trainer.nlu_files import NluFileError
from trainer.project import Project
from trainer.report import MAX_F1_DROP, run_report
from trainer.retrain import retrain
from trainer.tracker_messages import tracker_url

DESCRIPTION = """봇에게 새 표현을 가르치는 도구 (docs/trainer.md 참고).

순서: add 로 예문 추가 → check 로 검사 → retrain 으로 학습 → report 로 이전 모델과 비교.
inbox 는 실제 고객이 보낸, 봇이 못 알아들은 메시지를 보여주고 의도를 붙이게 해줘요."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m trainer", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", type=Path, default=PROJECT_ROOT,
                        help="봇 프로젝트 폴더 (기본: 이 저장소)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="명령")

    add = commands.add_parser("add", help="의도에 예문(문장)을 추가해요",
                              description="의도에 예문을 추가해요. 문제가 있는 문장이 하나라도 있으면 아무것도 추가하지 않아요.")
    add.add_argument("intent", metavar="의도", help="예: refund (목록: python -m trainer intents)")
    add.add_argument("sentences", metavar="문장", nargs="+", help="추가할 문장 (여러 개는 따옴표로 하나씩)")

    commands.add_parser("intents", help="의도 목록과 예문 수를 보여줘요")

    check = commands.add_parser("check", help="rasa data validate + 의도 간 충돌 검사")
    check.add_argument("--all", action="store_true", help="경고를 빠짐없이 보여줘요")
    check.add_argument("--verbose", action="store_true", help="Rasa 경고도 하나하나 보여줘요")

    retrain = commands.add_parser("retrain", help="새 모델을 학습해요 (가능하면 마지막 모델에서 미세조정)")
    retrain.add_argument("--full", action="store_true", help="미세조정 대신 처음부터 학습해요")
    retrain.add_argument("--epoch-fraction", type=float, default=1.0,
                         help="미세조정할 때 설정된 에포크 중 쓸 비율 (Rasa의 --epoch-fraction, 기본 1.0)")
    retrain.add_argument("--verbose", action="store_true", help="Rasa 출력도 그대로 보여줘요")

    report = commands.add_parser("report", help="새 모델과 이전 모델을 평가용 문장으로 비교해요")
    report.add_argument("--new", type=Path, help="평가할 모델 (기본: models/ 의 가장 새 모델)")
    report.add_argument("--old", type=Path, help="비교할 모델 (기본: 그 바로 전 모델)")
    report.add_argument("--max-drop", type=float, default=MAX_F1_DROP,
                        help="이보다 F1이 더 떨어진 의도가 있으면 실패로 끝나요 (기본 0.05)")

    inbox = commands.add_parser("inbox", help="봇이 못 알아들은 고객 메시지에 의도를 붙여요")
    inbox.add_argument("--db-url", help="대화 기록 DB의 SQLAlchemy URL (기본: TRACKER_STORE_URL 설정)")
    inbox.add_argument("--threshold", type=float, help="이 확신도 미만이면 확인 대상 (기본: LOW_CONFIDENCE_THRESHOLD)")
    inbox.add_argument("--list", action="store_true", help="목록만 보여주고 끝내요")
    inbox.add_argument("--include-form-answers", action="store_true",
                       help="질문 양식(form)에 답한 메시지도 보여줘요")
    return parser


def _use_utf8_output() -> None:
    """Korean output even where the locale says ASCII (cron, minimal containers)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if isinstance(stream, io.TextIOWrapper) and encoding != "utf8":
            stream.reconfigure(encoding="utf-8")


def _list_intents(project: Project) -> int:
    teacher = Teacher(project)
    counts = Counter(example.intent for example in teacher.index.examples)
    width = max(len(intent) for intent in teacher.intents) + 2
    for number, intent in enumerate(teacher.intents, start=1):
        path = teacher.file_for(intent)
        where = project.relative(path) if path else "(예문 파일 없음)"
        print(f"{number:>3} {pad(intent, width)} 예문 {counts[intent]:>3}개  {where}")
    return 0


def _add(project: Project, intent: str, sentences: Sequence[str]) -> int:
    try:
        outcome = Teacher(project).add(intent, sentences)
    except NluFileError as error:
        print(f"{FAIL} 추가하지 않았어요. {error}")
        return 1
    print_outcome(outcome, project)
    if outcome.refused:
        return 1
    print("다음 단계: python -m trainer check 로 검사한 뒤 python -m trainer retrain 으로 다시 학습하세요.")
    return 0


def _inbox(project: Project, args: argparse.Namespace) -> int:
    settings = get_settings()
    url = tracker_url(args.db_url or settings.tracker_store_url, project.root)
    threshold = settings.low_confidence_threshold if args.threshold is None else args.threshold
    return run_inbox(Teacher(project), url, threshold, sys.stdin, list_only=args.list,
                     include_form_answers=args.include_form_answers)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs one trainer command; returns the process exit code.

    Exit codes: 0 done; 1 refused or failed (``add`` refused, ``check`` found errors, an intent's
    F1 fell in ``report``, training failed, tracker store unreadable); 2 wrong usage or nothing to compare.
    """
    _use_utf8_output()
    args = _parser().parse_args(argv)
    project = Project(args.project.resolve())
    if not project.nlu_dir.is_dir():
        print(f"{FAIL} {project.root} 에 data/nlu 폴더가 없어요. --project 를 확인하세요.")
        return 2
    if args.command == "intents":
        return _list_intents(project)
    if args.command == "add":
        return _add(project, args.intent, args.sentences)
    if args.command == "check":
        return run_check(project, show_all=args.all, verbose=args.verbose)
    if args.command == "retrain":
        return retrain(project, full=args.full, epoch_fraction=args.epoch_fraction, verbose=args.verbose)
    if args.command == "report":
        new, old = (path.resolve() if path else None for path in (args.new, args.old))
        return run_report(project, new=new, old=old, max_drop=args.max_drop)
    return _inbox(project, args)
