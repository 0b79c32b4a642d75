"""How close two sentences are, seen through the pipeline's own Korean tokenizer.

Sentences are compared as sets of morphemes (Mecab unless config.yml picks another analyser), the
units the bot's featurizers really see, so "환불 언제 돼요" and "환불은 언제 되나요" share most of
theirs while their characters differ.
"""

from __future__ import annotations

from typing import Callable, Dict, FrozenSet, List

from korean_nlu.analyzers import AlignedMorpheme, get_analyzer
from trainer.normalise import normalise

# Morpheme-set Jaccard at or above which two examples of different intents are "very close".
NEAR_DUPLICATE_JACCARD = 0.8

MorphemeSet = FrozenSet[str]


# Morpheme sets already computed in this process, per analyser: the same sentences come back often.
_SEEN: Dict[str, Dict[str, MorphemeSet]] = {}


class MorphemeSets:
    """Turns sentences into sets of normalised morphemes, remembering each sentence's set."""

    def __init__(self, analyzer: str) -> None:
        """Uses the process-wide analyser called ``analyzer`` ("mecab" or "okt")."""
        self._analyse: Callable[[str], List[AlignedMorpheme]] = get_analyzer(analyzer).analyse
        self._cache = _SEEN.setdefault(analyzer, {})

    def __call__(self, text: str) -> MorphemeSet:
        """The morphemes of ``text``, normalised; punctuation and emoji morphemes are left out."""
        if text not in self._cache:
            morphemes = (normalise(morpheme.text) for morpheme in self._analyse(text))
            self._cache[text] = frozenset(morpheme for morpheme in morphemes if morpheme)
        return self._cache[text]


def jaccard(first: MorphemeSet, second: MorphemeSet) -> float:
    """Shared morphemes over all morphemes of the two sets; 0 when either is empty."""
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)
