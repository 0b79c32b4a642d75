"""Examples that contradict each other: the same sentence under two intents, or nearly the same.

Used by ``add`` (is this new sentence safe?) and by ``check`` (is all the data consistent?).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from trainer.nlu_files import Example
from trainer.normalise import normalise
from trainer.similarity import NEAR_DUPLICATE_JACCARD, MorphemeSets, jaccard

SAME_TEXT = "same_text"
SAME_NORMALISED = "same_normalised"
IN_HOLDOUT = "in_holdout"


@dataclass(frozen=True)
class Clash:
    """An error: examples that must not coexist.

    Attributes:
        kind: ``same_text`` (identical under two intents), ``same_normalised`` (identical once
            spacing, punctuation, repeats and case are ignored) or ``in_holdout`` (a training
            example written exactly as one in the held-out split).
        examples: The examples involved, training examples first.
    """

    kind: str
    examples: Tuple[Example, ...]


@dataclass(frozen=True)
class Closeness:
    """A warning: two examples of different intents whose morphemes mostly overlap."""

    first: Example
    second: Example
    score: float


@dataclass
class ConflictReport:
    """What ``check`` found over all the data."""

    clashes: List[Clash] = field(default_factory=list)
    close_pairs: List[Closeness] = field(default_factory=list)
    repeated_in_intent: List[Tuple[Example, ...]] = field(default_factory=list)
    holdout_variants: List[Tuple[Example, Example]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.clashes


class ExampleIndex:
    """Examples looked up by exact text, by normalised text and by shared morphemes."""

    def __init__(self, examples: Iterable[Example], morphemes: MorphemeSets) -> None:
        """Indexes ``examples``; ``morphemes`` is the pipeline tokenizer's morpheme-set function."""
        self._morphemes = morphemes
        self.examples: List[Example] = []
        self._by_text: Dict[str, List[Example]] = defaultdict(list)
        self._by_normalised: Dict[str, List[Example]] = defaultdict(list)
        self._by_morpheme: Dict[str, List[int]] = defaultdict(list)
        for example in examples:
            self.add(example)

    def add(self, example: Example) -> None:
        """Adds one example (after it was written to its file)."""
        position = len(self.examples)
        self.examples.append(example)
        self._by_text[example.text].append(example)
        self._by_normalised[normalise(example.text)].append(example)
        for morpheme in self._morphemes(example.text):
            self._by_morpheme[morpheme].append(position)

    def with_text(self, text: str) -> List[Example]:
        """Examples written exactly as ``text``."""
        return list(self._by_text.get(text, []))

    def with_normalised(self, text: str) -> List[Example]:
        """Examples equal to ``text`` once normalised (see :mod:`trainer.normalise`)."""
        key = normalise(text)
        return list(self._by_normalised.get(key, [])) if key else []

    def closest(self, text: str, threshold: float = NEAR_DUPLICATE_JACCARD) -> List[Tuple[Example, float]]:
        """Examples whose morpheme-set Jaccard with ``text`` is at least ``threshold``, closest first."""
        return [(self.examples[position], score) for position, score in self.closest_positions(text, threshold)]

    def closest_positions(self, text: str, threshold: float = NEAR_DUPLICATE_JACCARD) -> List[Tuple[int, float]]:
        """Like :meth:`closest`, with positions in :attr:`examples` instead of examples."""
        wanted = self._morphemes(text)
        candidates: Set[int] = {position for morpheme in wanted for position in self._by_morpheme.get(morpheme, [])}
        scored = [(position, jaccard(wanted, self._morphemes(self.examples[position].text))) for position in candidates]
        return sorted(
            ((position, score) for position, score in scored if score >= threshold),
            key=lambda pair: (-pair[1], pair[0]),
        )


def clash_key(text: str) -> str:
    """What two texts must share to clash: the normalised text, or the text itself when nothing
    survives normalisation (an example that is only emoji or punctuation)."""
    return normalise(text) or text.strip()


def _clashes(examples: Sequence[Example]) -> List[Clash]:
    """Groups of examples with the same clash key spanning two or more intents."""
    groups: Dict[str, List[Example]] = defaultdict(list)
    for example in examples:
        groups[clash_key(example.text)].append(example)
    clashes = []
    for group in groups.values():
        if len({example.intent for example in group}) > 1:
            kind = SAME_TEXT if len({example.text for example in group}) == 1 else SAME_NORMALISED
            clashes.append(Clash(kind, tuple(group)))
    return clashes


def _held_out(examples: Sequence[Example], holdout: Sequence[Example], report: ConflictReport) -> None:
    """Training examples written exactly as a held-out one (errors) or only a spelling variant (warnings)."""
    by_text: Dict[str, List[Example]] = defaultdict(list)
    by_key: Dict[str, List[Example]] = defaultdict(list)
    for example in holdout:
        by_text[example.text].append(example)
        by_key[normalise(example.text)].append(example)
    for example in examples:
        if example.text in by_text:
            report.clashes.append(Clash(IN_HOLDOUT, (example, *by_text[example.text])))
            continue
        key = normalise(example.text)
        # Messy variants (네 / 네네네) are in the held-out split on purpose: only worth a look.
        report.holdout_variants.extend((example, variant) for variant in by_key.get(key, []) if key)


def _close_pairs(index: ExampleIndex, threshold: float, skip_keys: Set[str]) -> List[Closeness]:
    """Pairs of examples of different intents at or above ``threshold``, each pair once, closest first."""
    examples = index.examples
    pairs = []
    for position, example in enumerate(examples):
        for other_position, score in index.closest_positions(example.text, threshold):
            other = examples[other_position]
            if other.intent == example.intent or other_position <= position:
                continue
            if clash_key(example.text) in skip_keys and clash_key(other.text) in skip_keys:
                continue  # already reported as a clash
            pairs.append(Closeness(example, other, score))
    return sorted(pairs, key=lambda pair: (-pair.score, pair.first.intent, pair.first.text))


def find_conflicts(
    index: ExampleIndex, holdout: Sequence[Example], threshold: float = NEAR_DUPLICATE_JACCARD
) -> ConflictReport:
    """Finds clashes between intents, training examples leaked from the held-out split, and close pairs.

    Args:
        index: All training examples.
        holdout: The held-out examples (never to be trained on).
        threshold: Morpheme-set Jaccard from which two examples of different intents are reported as close.

    Returns:
        Errors (clashes) and warnings (close pairs, the same sentence twice in one intent,
        training examples that are spelling variants of held-out ones).
    """
    examples = index.examples
    report = ConflictReport(clashes=_clashes(examples))
    _held_out(examples, holdout, report)
    by_text_and_intent: Dict[Tuple[str, str], List[Example]] = defaultdict(list)
    for example in examples:
        by_text_and_intent[(example.intent, example.text)].append(example)
    report.repeated_in_intent = [tuple(group) for group in by_text_and_intent.values() if len(group) > 1]
    clashing_keys = {clash_key(example.text) for clash in report.clashes for example in clash.examples}
    report.close_pairs = _close_pairs(index, threshold, clashing_keys)
    return report
