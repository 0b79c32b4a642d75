"""The one way examples get into the data: check each new sentence, then append them all or none.

``add`` and the inbox's labelling both go through :class:`Teacher`. A sentence is refused when the
intent is unknown, when it is already there, when another intent has it (also once spacing,
punctuation, repeated characters and case are ignored) or when the held-out split has it; it is
added with a warning when another intent's example is very close by the pipeline's tokenizer.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, TextIO

from trainer.conflicts import ExampleIndex
from trainer.console import FAIL, NOTE, OK, WARN, quoted
from trainer.nlu_files import Example, append_examples, intent_files, read_all_examples, read_examples
from trainer.project import FALLBACK_INTENT, Project
from trainer.similarity import NEAR_DUPLICATE_JACCARD, MorphemeSets

# At most this many close examples of other intents are shown per new sentence.
MAX_CLOSE_SHOWN = 3


@dataclass(frozen=True)
class Finding:
    """Something to tell the trainer about one sentence."""

    sentence: str
    message: str


@dataclass
class AddOutcome:
    """What happened to one ``add``: written lines, or the reasons nothing was written.

    Attributes:
        intent: The intent asked for.
        problem: Why the whole request was refused (unknown intent ...), or ``None``.
        path: The file the sentences went (or would go) to.
        accepted: The sentences that passed every check.
        added: The sentences written (``accepted`` when nothing was refused, else none).
        first_line: The line number of the first written sentence.
        refusals: Sentences that stopped the request, with the reason.
        warnings: Sentences added although they are close to another intent's examples.
        notes: Harmless remarks (a spacing variant of an example of the same intent).
    """

    intent: str
    problem: Optional[str] = None
    path: Optional[Path] = None
    accepted: List[str] = field(default_factory=list)
    added: List[str] = field(default_factory=list)
    first_line: Optional[int] = None
    refusals: List[Finding] = field(default_factory=list)
    warnings: List[Finding] = field(default_factory=list)
    notes: List[Finding] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """Nothing was written because of a problem with the intent or a sentence."""
        return bool(self.problem or self.refusals)


def clean_sentence(sentence: str) -> str:
    """The sentence without surrounding whitespace (what gets written)."""
    return sentence.strip()


def _shape_problem(sentence: str) -> Optional[str]:
    """Why ``sentence`` cannot be an example line at all, or ``None``."""
    if not sentence:
        return "빈 문장이에요."
    if "\n" in sentence or "\r" in sentence:
        return "한 줄로 써 주세요 (줄바꿈이 들어 있어요)."
    if any(ord(character) < 32 or 0x7F <= ord(character) < 0xA0 for character in sentence):
        return "보이지 않는 제어 문자가 들어 있어요. 문장을 다시 입력해 주세요."
    return None


class Teacher:
    """Knows every example of a project and adds new ones safely.

    Args:
        project: The project whose ``data/nlu`` is read and written.
    """

    def __init__(self, project: Project) -> None:
        """Reads the intents, every example and the held-out split once."""
        self.project = project
        self.intents: List[str] = [name for name in project.intents() if name != FALLBACK_INTENT]
        examples = read_all_examples(project.nlu_dir)
        self._files: Dict[str, Path] = intent_files(examples)
        morphemes = MorphemeSets(project.analyzer_name())
        self.index = ExampleIndex(examples, morphemes)
        holdout = read_examples(project.holdout_path) if project.holdout_path.exists() else []
        self._holdout = ExampleIndex(holdout, morphemes)

    def where(self, example: Example) -> str:
        """``data/nlu/payments.yml 12번째 줄``."""
        return f"{self.project.relative(example.path)} {example.line}번째 줄"

    def file_for(self, intent: str) -> Optional[Path]:
        """The file new examples of ``intent`` go to."""
        return self._files.get(intent)

    def intent_problem(self, intent: str) -> Optional[str]:
        """Why examples cannot be added to ``intent``, or ``None`` when they can."""
        if intent == FALLBACK_INTENT:
            return f"'{FALLBACK_INTENT}'은 Rasa가 자동으로 붙이는 의도라 예문을 넣을 수 없어요."
        if intent not in self.intents:
            close = difflib.get_close_matches(intent, self.intents, n=1, cutoff=0.6)
            hint = f" 혹시 '{close[0]}'인가요?" if close else ""
            return f"'{intent}'라는 의도는 없어요.{hint} 의도 목록: python -m trainer intents"
        if intent not in self._files:
            return (
                f"'{intent}' 의도는 도메인에는 있지만 data/nlu/ 에 예문이 하나도 없어요. "
                "개발자에게 예문 파일을 만들어 달라고 하세요."
            )
        return None

    def _refusal(self, intent: str, sentence: str) -> Optional[str]:
        same_here = [example for example in self.index.with_text(sentence) if example.intent == intent]
        if same_here:
            return f"이미 있는 문장이에요 ({intent} 의도, {self.where(same_here[0])})."
        same_elsewhere = [example for example in self.index.with_text(sentence) if example.intent != intent]
        if same_elsewhere:
            other = same_elsewhere[0]
            return (
                f"{other.intent} 의도에 똑같은 문장이 있어요 ({self.where(other)}). "
                "한 문장은 한 의도에만 넣을 수 있어요."
            )
        variants = [example for example in self.index.with_normalised(sentence) if example.intent != intent]
        if variants:
            other = variants[0]
            return (
                f"{other.intent} 의도에 띄어쓰기·문장부호·반복 글자·대소문자만 다른 예문이 있어요: "
                f"{quoted(other.text)} ({self.where(other)}). 봇이 둘을 구별할 수 없어요."
            )
        in_holdout = self._holdout.with_text(sentence)
        if in_holdout:
            return (
                f"평가용 문장과 똑같아요 ({self.where(in_holdout[0])}). 평가용 문장으로 학습하면 "
                "report 점수를 믿을 수 없게 돼요."
            )
        return None

    def _remarks(self, intent: str, sentence: str, outcome: AddOutcome) -> None:
        for other, score in [
            (example, score) for example, score in self.index.closest(sentence, NEAR_DUPLICATE_JACCARD)
            if example.intent != intent
        ][:MAX_CLOSE_SHOWN]:
            outcome.warnings.append(Finding(sentence, (
                f"{other.intent} 의도의 예문과 아주 비슷해요 (형태소 {score:.0%} 겹침): {quoted(other.text)} "
                f"({self.where(other)}). 정말 {intent} 의도가 맞는지 확인하세요."
            )))
        for variant in self._holdout.with_normalised(sentence)[:1]:
            outcome.warnings.append(Finding(sentence, (
                f"평가용 문장과 띄어쓰기·반복 글자 정도만 달라요: {quoted(variant.text)} ({self.where(variant)}). "
                "평가 점수가 실제보다 좋게 나올 수 있어요."
            )))
        for variant in [example for example in self.index.with_normalised(sentence) if example.intent == intent][:1]:
            outcome.notes.append(Finding(sentence, (
                f"같은 의도에 띄어쓰기·문장부호만 다른 예문이 이미 있어요: {quoted(variant.text)} "
                f"({self.where(variant)}). 이런 변형도 도움이 되니 그대로 추가해요."
            )))

    def review(self, intent: str, sentences: Sequence[str]) -> AddOutcome:
        """Checks ``sentences`` for ``intent`` without writing anything."""
        outcome = AddOutcome(intent, problem=self.intent_problem(intent), path=self.file_for(intent))
        if outcome.problem:
            return outcome
        accepted: List[str] = []
        for raw in sentences:
            sentence = clean_sentence(raw)
            reason = _shape_problem(sentence)
            if reason is None and sentence in accepted:
                reason = "같은 명령에 두 번 들어 있어요."
            reason = reason or self._refusal(intent, sentence)
            if reason:
                outcome.refusals.append(Finding(sentence, reason))
                continue
            accepted.append(sentence)
            self._remarks(intent, sentence, outcome)
        outcome.accepted = accepted
        return outcome

    def add(self, intent: str, sentences: Sequence[str]) -> AddOutcome:
        """Checks ``sentences`` and, when none is refused, appends them all to ``intent``'s file.

        Args:
            intent: An intent of the domain that has an examples block.
            sentences: What the trainer typed, one example each.

        Returns:
            The outcome; ``refused`` tells whether the file was left untouched.

        Raises:
            NluFileError: The file could not be changed without touching more than the new lines.
        """
        outcome = self.review(intent, sentences)
        if outcome.refused or outcome.path is None:
            return outcome
        outcome.first_line = append_examples(outcome.path, intent, outcome.accepted)
        outcome.added = list(outcome.accepted)
        for offset, sentence in enumerate(outcome.added):
            self.index.add(Example(intent, sentence, outcome.path, (outcome.first_line or 0) + offset))
        return outcome


def print_outcome(outcome: AddOutcome, project: Project, stream: Optional[TextIO] = None) -> None:
    """Tells the trainer, in Korean, what was added or why nothing was."""
    out = stream or sys.stdout
    if outcome.problem:
        print(f"{FAIL} 추가하지 않았어요. {outcome.problem}", file=out)
        return
    if outcome.refused:
        print(f"{FAIL} 추가하지 않았어요 ({outcome.intent} 의도). 아래 문장을 고치거나 빼고 다시 실행하세요.", file=out)
        for finding in outcome.refusals:
            print(f"  {FAIL} {quoted(finding.sentence)}", file=out)
            print(f"     {finding.message}", file=out)
        if outcome.accepted:
            print(f"  {NOTE} 문제없는 문장: " + ", ".join(quoted(sentence) for sentence in outcome.accepted), file=out)
        return
    if outcome.path is None or outcome.first_line is None:
        print(f"{NOTE} 추가할 문장이 없어요.", file=out)
        return
    last_line = outcome.first_line + len(outcome.added) - 1
    lines = f"{outcome.first_line}번째 줄" if len(outcome.added) == 1 else f"{outcome.first_line}~{last_line}번째 줄"
    print(
        f"{OK} {outcome.intent} 의도에 {len(outcome.added)}문장을 추가했어요 → "
        f"{project.relative(outcome.path)} {lines}",
        file=out,
    )
    for sentence in outcome.added:
        print(f"  + {sentence}", file=out)
    for finding in outcome.warnings:
        print(f"  {WARN} 주의 {quoted(finding.sentence)}: {finding.message}", file=out)
    for finding in outcome.notes:
        print(f"  {NOTE} 참고 {quoted(finding.sentence)}: {finding.message}", file=out)
