"""Follow-up questions of the support guide (``followups:``) and the retrieval that finds them.

After the bot answers a topic, customers ask narrower questions ("신분증도 필요해요?", "취소 가능해요?").
The guide lists, per topic, short answers with the ways customers ask for them; this module finds the
entry nearest to what the customer typed, so an operator adds one by editing the guide, without
retraining::

    followups = parse_followups(raw_guide.get("followups"), source="content/guide.yml")
    index = FollowupIndex(followups)                           # build once per guide version
    hits = index.search("송금취소가능해요", topics={"transfer_issue", GENERAL_TOPIC})
    if hits and hits[0].score >= ANSWER_THRESHOLD: ...

Retrieval is lexical and built for messy Korean: each question variant (and the entry's label) is a
document in two TF-IDF spaces, one over Mecab morphemes (particles, endings and punctuation dropped)
and one over character 2-3-grams of the text with spaces and symbols removed, so "송금취소가능해요",
"송금 취소 가능헤요" and "송금 취소 가능해요" meet. A query's score for a variant is the weighted mean of
its two cosine similarities, so it lies in [0, 1] and means the same for every query; an entry
scores its best variant. Words the guide never uses still count in the query's length, so a message
that merely shares a common ending with a question ("...해요") stays low.

Pure logic, no I/O: the caller reads the guide file.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from korean_nlu.analyzers import AlignedMorpheme, AnalyzerError, KoreanAnalyzer, get_analyzer

logger = logging.getLogger(__name__)

# Topic of follow-ups that fit after any topic; callers add it to ``topics`` when they want them.
GENERAL_TOPIC = "general"
# Longest button title; the same limit as ``paybot.guide.MAX_LABEL_CHARS`` (a test checks they agree).
# Kept here rather than imported so that the guide loader can import this module without a cycle.
MAX_LABEL_CHARS = 14
# Fields an entry may have; anything else is a typo ("question:") and is rejected.
FIELDS: tuple[str, ...] = ("topic", "key", "label", "questions", "answer")

# Default score thresholds (see tests/unit/paybot/test_followups.py for the distributions they come from):
# at or above ANSWER_THRESHOLD the bot answers with the best entry; between SUGGEST_THRESHOLD and it,
# the bot offers the best entries' labels as buttons; below SUGGEST_THRESHOLD it ignores follow-ups.
ANSWER_THRESHOLD = 0.45
SUGGEST_THRESHOLD = 0.25

# Only this much of a message is searched: a question is short, and the cost grows with the length.
MAX_QUERY_CHARS = 200
# Share of the morpheme similarity in the score; the rest is the character n-gram similarity.
MORPHEME_WEIGHT = 0.4
# Character n-gram sizes over the text with spaces and symbols removed.
CHAR_NGRAM_SIZES: tuple[int, ...] = (2, 3)
# Mecab tag prefixes whose morphemes carry no meaning for retrieval: particles (J), endings (E),
# derivational suffixes such as 하다/되다 (XS), the copula 이다 (VCP), auxiliaries (VX) and
# punctuation/symbols (SF, SP, SS, SE, SO, SW, SY). Foreign words (SL: ARS, PIN) and numbers (SN) stay.
SKIPPED_TAG_PREFIXES: tuple[str, ...] = ("J", "E", "XS", "VCP", "VX", "SF", "SP", "SS", "SE", "SO", "SW", "SY")

# Unicode blocks of lone jamo (compatibility jamo become conjoining jamo under NFKC).
_JAMO_BLOCKS: tuple[tuple[str, str], ...] = (
    ("\u1100", "\u11ff"),
    ("\u3130", "\u318f"),
    ("\ua960", "\ua97f"),
    ("\ud7b0", "\ud7ff"),
)
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

Tokenise = Callable[[str], list[str]]


@dataclass(frozen=True)
class Followup:
    """One follow-up answer of the guide.

    Attributes:
        topic: The topic intent it follows (e.g. ``"transfer_issue"``), or ``"general"``.
        key: Unique snake_case id, e.g. ``"transfer_cancel"``.
        label: Short button title (at most 14 characters).
        questions: Ways customers ask for it; what the search matches against.
        answer: The reply template; may contain guide placeholders such as ``{phone}``.
    """

    topic: str
    key: str
    label: str
    questions: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class FollowupHit:
    """A follow-up found for a message.

    Attributes:
        followup: The entry.
        score: Similarity in [0, 1] of the message to the entry's closest question; the same scale for
            every message, so fixed thresholds apply.
    """

    followup: Followup
    score: float


def parse_followups(
    raw: object,
    source: str = "guide",
    *,
    topics: Collection[str] | None = None,
    placeholders: Collection[str] | None = None,
) -> tuple[Followup, ...]:
    """Validates the guide's ``followups`` list.

    Args:
        raw: The YAML value under ``followups``; ``None`` (no follow-ups yet) gives an empty tuple.
        source: Names the file in error messages.
        topics: If given, the topic names an entry may use besides ``"general"``.
        placeholders: If given, the only ``{name}`` placeholders an answer may use.

    Returns:
        The entries in file order.

    Raises:
        ValueError: Naming the offending entry and field, e.g.
            ``"content/guide.yml: followups[3].label: longer than 14 characters"``.
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"{source}: followups: must be a list of entries")
    followups: list[Followup] = []
    first_index_of_key: dict[str, int] = {}
    for index, item in enumerate(raw):
        where = f"{source}: followups[{index}]"
        followup = _parse_entry(item, where, topics, placeholders)
        if followup.key in first_index_of_key:
            raise ValueError(
                f"{where}.key: '{followup.key}' is already used by followups[{first_index_of_key[followup.key]}]"
            )
        first_index_of_key[followup.key] = index
        followups.append(followup)
    return tuple(followups)


def _parse_entry(
    item: object,
    where: str,
    topics: Collection[str] | None,
    placeholders: Collection[str] | None,
) -> Followup:
    """Validates one entry; ``where`` prefixes every error message."""
    if not isinstance(item, dict):
        raise ValueError(f"{where}: must be a mapping with {', '.join(FIELDS)}")
    unknown = sorted(str(name) for name in item if name not in FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field '{unknown[0]}' (allowed: {', '.join(FIELDS)})")
    topic = _name(item, "topic", where)
    if topics is not None and topic != GENERAL_TOPIC and topic not in topics:
        raise ValueError(f"{where}.topic: unknown topic '{topic}' (use a topic intent or '{GENERAL_TOPIC}')")
    key = _name(item, "key", where)
    label = _text(item, "label", where)
    if len(label) > MAX_LABEL_CHARS:
        raise ValueError(f"{where}.label: '{label}' is longer than {MAX_LABEL_CHARS} characters")
    answer = _text(item, "answer", where)
    if placeholders is not None:
        for name in _PLACEHOLDER.findall(answer):
            if name not in placeholders:
                raise ValueError(f"{where}.answer: placeholder {{{name}}} cannot be used here")
    return Followup(topic=topic, key=key, label=label, questions=_questions(item, where), answer=answer)


def _text(item: Mapping[str, Any], field_name: str, where: str) -> str:
    value = item.get(field_name)
    if value is None:
        raise ValueError(f"{where}.{field_name}: missing")
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}.{field_name}: must be non-empty text")
    return value.strip()


def _name(item: Mapping[str, Any], field_name: str, where: str) -> str:
    value = _text(item, field_name, where)
    if not _NAME.fullmatch(value):
        raise ValueError(f"{where}.{field_name}: '{value}' must be snake_case (a-z, 0-9, _)")
    return value


def _questions(item: Mapping[str, Any], where: str) -> tuple[str, ...]:
    value = item.get("questions")
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}.questions: must be a list of one or more questions")
    questions: list[str] = []
    for index, question in enumerate(value):
        if not isinstance(question, str) or not question.strip():
            raise ValueError(f"{where}.questions[{index}]: must be non-empty text")
        if question.strip() not in questions:
            questions.append(question.strip())
    return tuple(questions)


class FollowupIndex:
    """Finds the follow-ups closest to a message; built once, then read-only and thread-safe."""

    def __init__(self, followups: Sequence[Followup], analyzer: KoreanAnalyzer | None = None) -> None:
        """Indexes every question variant and label of ``followups``.

        Args:
            followups: The guide's entries.
            analyzer: Morphological analyser; defaults to the process-wide Mecab one. Without Mecab on
                the machine, whitespace words are used instead (character n-grams work either way).
        """
        self._followups: tuple[Followup, ...] = tuple(followups)
        self._morphemes = _morpheme_tokeniser(analyzer)
        owners: list[int] = []
        morpheme_docs: list[list[str]] = []
        char_docs: list[list[str]] = []
        for number, followup in enumerate(self._followups):
            for text in (*followup.questions, followup.label):
                owners.append(number)
                morpheme_docs.append(self._morphemes(text))
                char_docs.append(char_ngrams(text))
        self._owners: tuple[int, ...] = tuple(owners)
        self._morpheme_space = _TfidfSpace(morpheme_docs, owners)
        self._char_space = _TfidfSpace(char_docs, owners)
        by_topic: dict[str, list[int]] = defaultdict(list)
        for number, followup in enumerate(self._followups):
            by_topic[followup.topic].append(number)
        self._by_topic: Mapping[str, tuple[int, ...]] = {name: tuple(ids) for name, ids in by_topic.items()}

    @property
    def followups(self) -> tuple[Followup, ...]:
        """The indexed entries in guide order."""
        return self._followups

    def search(self, text: str, topics: Collection[str] | None = None, limit: int = 3) -> list[FollowupHit]:
        """Returns the entries closest to ``text``, best first.

        Args:
            text: The customer's message; empty, symbol-only or very long text is fine (only the first
                ``MAX_QUERY_CHARS`` characters are searched).
            topics: Topics to search (include ``"general"`` for the entries that fit any topic); ``None``
                searches all.
            limit: At most this many hits.

        Returns:
            Up to ``limit`` hits with a score above 0, highest score first; ties keep guide order.
        """
        if not isinstance(text, str) or limit <= 0 or not self._followups:
            return []
        query = text[:MAX_QUERY_CHARS]
        char_scores = self._char_space.cosines(char_ngrams(query))
        morpheme_scores = self._morpheme_space.cosines(self._morphemes(query))
        if not char_scores and not morpheme_scores:
            return []
        char_weight = 1.0 - MORPHEME_WEIGHT
        best: dict[int, float] = {}
        for doc in char_scores.keys() | morpheme_scores.keys():
            score = MORPHEME_WEIGHT * morpheme_scores.get(doc, 0.0) + char_weight * char_scores.get(doc, 0.0)
            owner = self._owners[doc]
            if score > best.get(owner, 0.0):
                best[owner] = score
        if topics is not None:
            allowed = {number for topic in topics for number in self._by_topic.get(topic, ())}
            best = {number: score for number, score in best.items() if number in allowed}
        ranked = sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
        return [FollowupHit(self._followups[number], min(1.0, score)) for number, score in ranked]


def char_ngrams(text: str, sizes: Iterable[int] = CHAR_NGRAM_SIZES) -> list[str]:
    """Returns the character n-grams of ``text`` with everything but letters and digits removed.

    ``"송금 취소!"`` and ``"송금취소"`` give the same n-grams. A single remaining character is its own
    feature, so a one-syllable message still matches.
    """
    compact = "".join(character for character in _normalise(text) if _is_word_character(character))
    if len(compact) == 1:
        return [compact]
    return [compact[start : start + size] for size in sizes for start in range(len(compact) - size + 1)]


def _is_word_character(character: str) -> bool:
    """Letters and digits, except lone jamo: "ㅋㅋ", "ㅠㅠ" and "ㅇㅇ" are tone, not topic."""
    return character.isalnum() and not any(first <= character <= last for first, last in _JAMO_BLOCKS)


def _normalise(text: str) -> str:
    """Folds full-width forms and case ("ＡＲＳ", "ars" → "ars")."""
    return unicodedata.normalize("NFKC", text).lower()


def _morpheme_tokeniser(analyzer: KoreanAnalyzer | None) -> Tokenise:
    """Returns a function giving the meaningful morphemes of a text, lower-cased."""
    if analyzer is None:
        try:
            analyzer = get_analyzer()
        except AnalyzerError as error:
            logger.warning("Follow-up search uses whitespace words instead of morphemes: %s", error)
            return lambda text: _normalise(text).split()
    chosen = analyzer

    def tokenise(text: str) -> list[str]:
        return [_normalise(morpheme.text) for morpheme in chosen.analyse(text) if _is_meaningful(morpheme)]

    return tokenise


def _is_meaningful(morpheme: AlignedMorpheme) -> bool:
    """Whether a morpheme says what the message is about (compound tags like "VV+EC" use their first)."""
    tag = morpheme.tag.split("+", 1)[0]
    return not tag.startswith(SKIPPED_TAG_PREFIXES) and any(_is_word_character(c) for c in morpheme.text)


class _TfidfSpace:
    """TF-IDF vectors (sublinear tf, smoothed idf, L2-normalised) with an inverted index for cosines.

    Document frequency counts entries, not variants: the word every variant of an entry repeats
    ("점심" in each way of asking about lunch) is that entry's key word and must not weigh less than
    a phrase two unrelated variants happen to share.
    """

    def __init__(self, documents: Sequence[Sequence[str]], owners: Sequence[int]) -> None:
        entry_features: dict[int, set[str]] = defaultdict(set)
        for owner, features in zip(owners, documents, strict=True):
            entry_features[owner].update(features)
        count = len(entry_features)
        document_frequency: Counter[str] = Counter()
        for owned in entry_features.values():
            document_frequency.update(owned)
        self._idf: dict[str, float] = {
            feature: math.log((1 + count) / (1 + frequency)) + 1.0 for feature, frequency in document_frequency.items()
        }
        # A feature no document has weighs like the rarest possible one: it makes the query longer.
        self._unseen_idf = math.log(1 + count) + 1.0
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, features in enumerate(documents):
            for feature, weight in self._vector(features).items():
                postings[feature].append((doc, weight))
        self._postings: Mapping[str, tuple[tuple[int, float], ...]] = {
            feature: tuple(entries) for feature, entries in postings.items()
        }

    def _vector(self, features: Sequence[str]) -> dict[str, float]:
        weights = {
            feature: (1.0 + math.log(frequency)) * self._idf.get(feature, self._unseen_idf)
            for feature, frequency in Counter(features).items()
        }
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        return {feature: weight / norm for feature, weight in weights.items()} if norm else {}

    def cosines(self, features: Sequence[str]) -> dict[int, float]:
        """Returns the cosine similarity of ``features`` to every document sharing one of them."""
        scores: dict[int, float] = defaultdict(float)
        for feature, query_weight in self._vector(features).items():
            for doc, doc_weight in self._postings.get(feature, ()):
                scores[doc] += query_weight * doc_weight
        return scores
