"""``trainer inbox``: label what real customers said that the bot did not understand.

Messages that hit nlu_fallback or scored below ``LOW_CONFIDENCE_THRESHOLD`` are shown newest first,
grouped by the likeliest intent, personal data masked. For each, the trainer types an intent (number
or name), ``o`` for out of scope, ``s`` to skip or ``q`` to stop; a label goes through the same
checks and the same file writing as ``trainer add``. Input is read line by line from standard input,
so a session can also be scripted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import List, Optional, TextIO

from paybot.privacy import mask
from trainer.adding import Teacher, print_outcome
from trainer.console import FAIL, NOTE, OK, WARN, display_width, pad, quoted
from trainer.nlu_files import NluFileError
from trainer.project import OUT_OF_SCOPE_INTENT
from trainer.tracker_messages import (
    InboxScan,
    TrackerStoreError,
    UnclearMessage,
    describe_url,
    group_by_guess,
    scan_tracker_store,
)

SKIP, OUT_OF_SCOPE, QUIT = "s", "o", "q"
PROMPT = f"  → 의도 번호나 이름 / {OUT_OF_SCOPE} 범위 밖 / {SKIP} 건너뛰기 / {QUIT} 그만: "
# Intents shown per line in the numbered list.
_INTENTS_PER_LINE = 4


@dataclass
class InboxTally:
    """What a labelling session did."""

    labelled: int = 0
    out_of_scope: int = 0
    skipped: int = 0
    refused: int = 0


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def _describe(message: UnclearMessage) -> str:
    decided = "폴백(nlu_fallback)" if message.fallback else f"{message.intent} {message.confidence:.2f}"
    guesses = ", ".join(f"{name} {confidence:.2f}" for name, confidence in message.ranking[:3])
    times = f" · {message.times}번 받음" if message.times > 1 else ""
    return f"{_when(message.timestamp)} · 봇의 판단: {decided} · 후보: {guesses or '-'}{times}"


def print_intents(intents: List[str]) -> None:
    """The numbered intent list the trainer picks from."""
    labels = [f"{number:>2} {name}" for number, name in enumerate(intents, start=1)]
    width = max(display_width(label) for label in labels) + 2
    for start in range(0, len(labels), _INTENTS_PER_LINE):
        print("  " + "".join(pad(label, width) for label in labels[start:start + _INTENTS_PER_LINE]).rstrip())


def print_listing(scan: InboxScan, threshold: float, source: str) -> List[UnclearMessage]:
    """Prints the messages grouped by likeliest intent; returns them in the order shown."""
    print(f"대화 기록: {source}")
    print(f"기준: 폴백이거나 확신도 {threshold:g} 미만인 고객 메시지 (개인정보는 가려서 보여주고 저장해요)")
    skipped = []
    if scan.already_examples:
        skipped.append(f"이미 예문에 있는 {scan.already_examples}건")
    if scan.form_answers:
        skipped.append(f"질문 양식(form)에 답한 {scan.form_answers}건")
    if skipped:
        print(f"{NOTE} 뺀 것: {', '.join(skipped)}")
    if not scan.messages:
        print(f"{OK} 확인할 메시지가 없어요.")
        return []
    print(f"확인할 메시지 {len(scan.messages)}건 (최근 것부터, 봇이 짐작한 의도별로)\n")
    ordered: List[UnclearMessage] = []
    for guess, messages in group_by_guess(scan.messages):
        print(f"── 짐작: {guess} ({len(messages)}건) ──")
        for message in messages:
            ordered.append(message)
            print(f"  [{len(ordered)}] {quoted(message.text)}")
            print(f"       {_describe(message)}")
    return ordered


def _read_choice(stdin: TextIO) -> Optional[str]:
    print(PROMPT, end="", flush=True)
    line = stdin.readline()
    if not line:
        print()
        return None  # end of input: stop like "q"
    choice = line.strip()
    if not stdin.isatty():
        print(choice)  # a terminal echoes what is typed; echo scripted answers the same way
    return choice


def _resolve(choice: str, intents: List[str]) -> Optional[str]:
    """The intent a typed number (as listed) or name (any case) stands for."""
    if choice.isdigit() and 1 <= int(choice) <= len(intents):
        return intents[int(choice) - 1]
    return next((intent for intent in intents if intent.lower() == choice.lower()), None)


def label_interactively(teacher: Teacher, messages: List[UnclearMessage], stdin: TextIO) -> InboxTally:
    """Asks the trainer about each message and adds labelled ones through ``teacher``.

    Args:
        teacher: Checks and writes examples (the ``add`` path).
        messages: The messages in the order they were listed.
        stdin: Where answers come from, one per line.

    Returns:
        How many were labelled, marked out of scope, skipped or refused.
    """
    tally = InboxTally()
    print("\n의도 목록:")
    print_intents(teacher.intents)
    for position, message in enumerate(messages, start=1):
        print(f"\n[{position}/{len(messages)}] {quoted(message.text)}")
        print(f"  {_describe(message)}")
        intent: Optional[str] = None
        while intent is None:
            choice = _read_choice(stdin)
            if choice is None or choice.lower() == QUIT:
                _print_tally(tally, len(messages) - position + 1)
                return tally
            if choice.lower() in (SKIP, ""):
                tally.skipped += 1
                break
            intent = OUT_OF_SCOPE_INTENT if choice.lower() == OUT_OF_SCOPE else _resolve(choice, teacher.intents)
            if intent is None:
                print(f"  {WARN} '{choice}'은(는) 없는 의도예요. 번호(1~{len(teacher.intents)})나 이름을 입력하세요.")
        if intent is None:
            continue
        try:
            outcome = teacher.add(intent, [message.text])
        except NluFileError as error:
            print(f"  {FAIL} 추가하지 않았어요. {error}")
            tally.refused += 1
            continue
        print_outcome(outcome, teacher.project)
        if outcome.refused:
            tally.refused += 1
        elif intent == OUT_OF_SCOPE_INTENT:
            tally.out_of_scope += 1
        else:
            tally.labelled += 1
    _print_tally(tally, 0)
    return tally


def _print_tally(tally: InboxTally, left: int) -> None:
    parts = [f"의도 지정 {tally.labelled}건", f"범위 밖 {tally.out_of_scope}건", f"건너뜀 {tally.skipped}건"]
    if tally.refused:
        parts.append(f"추가 거절 {tally.refused}건")
    if left:
        parts.append(f"남은 것 {left}건 (다음에 다시 보여요)")
    print(f"\n정리: {' · '.join(parts)}")
    if tally.labelled or tally.out_of_scope:
        print("다음 단계: python -m trainer check → python -m trainer retrain → python -m trainer report")


def run_inbox(
    teacher: Teacher, url: str, threshold: float, stdin: TextIO,
    list_only: bool = False, include_form_answers: bool = False,
) -> int:
    """``trainer inbox``: lists unclear customer messages and labels them; 0 on success, 1 when unreadable.

    Args:
        teacher: The ``add`` path for the project being taught.
        url: SQLAlchemy URL of the tracker store.
        threshold: Confidence below which a message counts as unclear.
        stdin: Where the trainer's answers come from.
        list_only: Only list the messages.
        include_form_answers: Also list answers to a form's questions.
    """
    known = [example.text for example in teacher.index.examples]
    try:
        scan = scan_tracker_store(url, threshold, mask, known, include_form_answers)
    except TrackerStoreError as error:
        print(f"{FAIL} {error}")
        print("   TRACKER_STORE_URL(또는 TRACKER_DB) 설정이나 --db-url 을 확인하세요.")
        return 1
    ordered = print_listing(scan, threshold, describe_url(url))
    if ordered and not list_only:
        label_interactively(teacher, ordered, stdin)
    return 0
