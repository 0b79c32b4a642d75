"""Text lengths as Kakao counts them, and where a text too long for one bubble is cut. Pure functions, no I/O.

Lengths are counted in UTF-16 code units, as Kakao's JavaScript front end does: an emoji counts 2, a
Hangul syllable 1; this is never less than the number of characters, so the limits hold either way.
A text is cut at a paragraph, line or sentence end if it can be, and never inside a character or an
emoji sequence.
"""

from __future__ import annotations

import re
import unicodedata
from typing import List

# ``simpleText.text``: at most 1000 characters.
MAX_SIMPLE_TEXT = 1000
ELLIPSIS = "…"

# Where a text may be cut, best first: between paragraphs, between lines, after a sentence, at a space.
_CUT_PATTERNS = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"[.!?。！？…~][\"'”’)\]]*\s"),
    re.compile(r"\s"),
)
# Code points that belong to the character before them (or, for ZWJ, after): never cut before them.
_ZWJ = "\u200d"


def kakao_len(text: str) -> int:
    """Length as Kakao counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


def _fit(text: str, limit: int) -> int:
    """The largest ``n`` such that ``text[:n]`` is at most ``limit`` long as Kakao counts."""
    used = 0
    for index, character in enumerate(text):
        used += 2 if ord(character) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def _joins_previous(text: str, index: int) -> bool:
    """Whether cutting before ``text[index]`` would break a character or an emoji sequence apart."""
    if index <= 0 or index >= len(text):
        return False
    current, previous = text[index], text[index - 1]
    return (
        unicodedata.combining(current) != 0
        or unicodedata.category(current) in ("Mn", "Me", "Mc")
        or current == _ZWJ
        or previous == _ZWJ
        or 0xFE00 <= ord(current) <= 0xFE0F  # variation selectors (❤️)
        or 0x1F3FB <= ord(current) <= 0x1F3FF  # skin tones (👍🏽)
        or 0xE0020 <= ord(current) <= 0xE007F  # tag sequences (flags)
        or 0x1160 <= ord(current) <= 0x11FF  # conjoining Hangul vowels and final consonants
    )


def _cut_position(text: str, limit: int) -> int:
    """Where to cut ``text`` (longer than ``limit``) so the head fits and ends as naturally as possible."""
    fit = _fit(text, limit)
    shortest = fit // 2  # a cut earlier than this would leave a stub bubble
    for pattern in _CUT_PATTERNS:
        ends = [match.end() for match in pattern.finditer(text, 0, fit + 1) if shortest <= match.end() <= fit]
        if ends:
            return ends[-1]
    cut = fit
    while cut > 0 and _joins_previous(text, cut):
        cut -= 1
    return cut or fit


def split_text(text: str, limit: int = MAX_SIMPLE_TEXT) -> List[str]:
    """Splits ``text`` into pieces of at most ``limit``, at paragraph, line or sentence ends if possible.

    Args:
        text: Any text.
        limit: Longest piece, in Kakao's count.

    Returns:
        The stripped, non-empty pieces in order (empty for a blank text).
    """
    pieces: List[str] = []
    rest = text.strip()
    while kakao_len(rest) > limit:
        cut = _cut_position(rest, limit)
        head, rest = rest[:cut].strip(), rest[cut:].strip()
        if head:
            pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces


def truncate(text: str, limit: int) -> str:
    """Shortens ``text`` to ``limit`` (Kakao's count), ending in "…" when something was cut."""
    text = text.strip()
    if kakao_len(text) <= limit:
        return text
    cut = _fit(text, limit - kakao_len(ELLIPSIS))
    while cut > 0 and _joins_previous(text, cut):
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS
