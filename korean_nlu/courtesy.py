"""Greetings, fillers and thanks around a customer's problem, which should not decide its intent.

Customers on the phone and in chat open with "아 네, 안녕하세요. 저기요," and close with "확인 부탁드립니다
감사합니다"; the model then reads the whole message as a greeting or a thank-you. ``courtesy_bounds``
finds where such a lead-in ends and such a closing starts, so the tokenizer can leave them out of the
features when there is a real message between them. A message that is only courtesy ("안녕하세요",
"감사합니다", "안녕하세요 문의 좀 할게요") keeps everything: there is nothing else to read.
"""

from __future__ import annotations

import re
from typing import Tuple

# Text left between the lead-in and the closing must have at least this many letters or digits.
MIN_CONTENT_CHARS = 4

_SEPARATORS = r"[\s,.!?~^…ㅎㅋ]*"
_LEAD_UNITS = (
    r"아+|어+|음+|으+|흠+|저기요?|여보세요|네+|예+|넵|넹|저+(?=\s)|그+(?=\s)",
    r"안녕하세요+|안녕하십니까|안녕|하이|방가|반갑습니다|반가워요",
    r"수고\s*(하십니다|하세요|많으십니다|많으세요)|실례\s*합니다|좋은\s*(아침|오후|저녁)(이에요|입니다)?",
    r"다름이\s*아니(라|고)|다름\s*아니라",
    r"(문의|질문)\s*(좀\s*)?(드릴게요|드립니다|드려요|드리려고요|할게요|하려고요|하려구요|있어요|있습니다|있는데요|있어서요)",
    r"(궁금한|여쭤볼)\s*(게|것이|점이|거)\s*(좀\s*)?있(어요|는데요|습니다|어서요)",
)
_TAIL_UNITS = (
    r"감사(합니다|해요|드립니다|합니당)|고맙(습니다|습니당)|고마워요?|땡큐|ㄳ|ㄱㅅ",
    r"수고(하세요|하십시오|많으세요|많으십니다)",
    r"(확인\s*)?(좀\s*)?부탁(드립니다|드려요|드릴게요|해요|합니다|드림)",
)
# A unit ends where a word ends: "아" of "아니요" is no filler.
_LEAD = re.compile(rf"(?:{'|'.join(_LEAD_UNITS)})(?![가-힣A-Za-z0-9]){_SEPARATORS}")
_TAIL = re.compile(rf"{_SEPARATORS}(?:{'|'.join(_TAIL_UNITS)}){_SEPARATORS}$")
_CONTENT = re.compile(r"[0-9A-Za-z가-힣]")


def _content_chars(text: str) -> int:
    """Letters (Hangul syllables, Latin) and digits in ``text``."""
    return len(_CONTENT.findall(text))


def courtesy_bounds(text: str) -> Tuple[int, int]:
    """Returns ``(start, end)``: the part of ``text`` between a courtesy lead-in and closing.

    Units are taken off one at a time, each only while enough content remains, so a message made
    only of courtesy keeps its last unit. Offsets index into ``text`` unchanged.
    """
    start, end = 0, len(text)
    while True:
        match = _LEAD.match(text, start, end)
        if not match or match.end() == start or _content_chars(text[match.end():end]) < MIN_CONTENT_CHARS:
            break
        start = match.end()
    while True:
        match = _TAIL.search(text, start, end)
        if not match or match.start() == end or _content_chars(text[start:match.start()]) < MIN_CONTENT_CHARS:
            break
        end = match.start()
    return start, end
