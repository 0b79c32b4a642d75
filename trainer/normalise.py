"""Normalised form of a sentence, for spotting the same sentence written differently.

Two sentences count as the same when they differ only in spacing, punctuation and symbols (emoji
included), repeated characters (ㅠㅠㅠ, 요오오) and case: customers drop spaces (결제가안돼요) and
stretch words, and a training example that differs only like that from another intent's example is
a contradiction, not a new phrasing.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode categories dropped entirely: punctuation (P*), symbols incl. emoji (S*), separators (Z*),
# control and format characters (C*: zero-width joiners, BOM ...).
_DROPPED_CATEGORIES = ("P", "S", "Z", "C")
# Emoji variation selectors are combining marks, not symbols.
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f]")
# A character repeated two or more times in a row; digits are left alone (100원 is not 10원).
_REPEATS = re.compile(r"([^\d])\1+")
# Hangul compatibility jamo (ㅋ, ㅠ, ㅇ ...): NFKC would turn them into conjoining jamo.
_COMPATIBILITY_JAMO = range(0x3130, 0x3190)


def _compatibility_fold(text: str) -> str:
    """NFKC per character (full-width Ａ → A, ① → 1), leaving Hangul compatibility jamo alone."""
    return "".join(
        character if ord(character) in _COMPATIBILITY_JAMO else unicodedata.normalize("NFKC", character)
        for character in text
    )


def normalise(text: str) -> str:
    """Returns the comparison key of ``text``.

    Args:
        text: A sentence as a customer or trainer wrote it.

    Returns:
        ``text`` composed (NFC), compatibility-folded, case-folded, without whitespace,
        punctuation or symbols, and with runs of the same character cut to one:
        ``"결제가 안 돼요!!"`` and ``"결제가안돼요"`` both give ``"결제가안돼요"``.
    """
    folded = _compatibility_fold(unicodedata.normalize("NFC", text)).casefold()
    folded = _VARIATION_SELECTORS.sub("", folded)
    kept = "".join(
        character for character in folded if not unicodedata.category(character).startswith(_DROPPED_CATEGORIES)
    )
    return _REPEATS.sub(r"\1", unicodedata.normalize("NFC", kept))
