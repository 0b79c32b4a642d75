"""Error codes, upper-cased: "E1023", "503", "PAY-001".

The span covers the code, not the cue word before it ("오류코드 503" -> span "503"). The cue
words come from :mod:`korean_nlu.entities.lexicon`.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from korean_nlu.entities.entity_types import ENTITY_ERROR_CODE
from korean_nlu.entities.lexicon import (
    CODE_LATIN_WORDS,
    CODE_WORD,
    CODE_WORDS,
    ERROR_LATIN_WORDS,
    ERROR_WORDS,
    alternation,
)
from korean_nlu.entities.spans import longest_value, make_entity

_CODE = r"[A-Za-z]{1,6}[-_]?\d{2,8}|\d{2,8}"
_ERROR_CUE = rf"(?:{alternation(ERROR_WORDS)}|(?i:{alternation(ERROR_LATIN_WORDS)})(?![A-Za-z]))"
_CODE_CUE = rf"(?:{alternation(CODE_WORDS)}|(?i:{alternation(CODE_LATIN_WORDS)}))"
_ERROR_CODE_RES: Tuple["re.Pattern[str]", ...] = (
    # "오류코드 503", "에러 코드: PAY-001", "에러 5001", "error code E1023", "코드: 503"
    re.compile(
        rf"(?:{_ERROR_CUE}\s?(?:{_CODE_CUE}\s?)?|(?<![가-힣A-Za-z]){CODE_WORD}\s?(?=[:：#]))"
        rf"(?:(?:[:：#=]|(?:는|은|가|이|로|번))\s?)?"
        rf"(?P<code>{_CODE})(?![A-Za-z0-9]|\s?[원만천억])"
    ),
    # "503 오류", "E1023 에러"
    re.compile(
        rf"(?<![A-Za-z0-9\-_.,/])(?P<code>{_CODE})(?![A-Za-z0-9]|[-_.,])\s?(?:번\s?)?{_ERROR_CUE}"
    ),
    # A code with letters needs no cue: "E1023", "PAY-001", "err_503" (not "KRW30000").
    re.compile(
        r"(?<![A-Za-z0-9\-_])(?!(?i:krw|won))(?P<code>[A-Za-z]{1,4}[-_]?\d{3,8})(?![A-Za-z0-9])"
    ),
)


def find_error_codes(text: str) -> List[Dict[str, Any]]:
    """Finds error codes in raw text; the span is the code without its cue word.

    Args:
        text: The message.

    Returns:
        ``error_code`` entity dicts with the upper-cased code as value, possibly overlapping.
    """
    return [
        make_entity(
            ENTITY_ERROR_CODE,
            match.group("code").upper(),
            text,
            match.start("code"),
            match.end("code"),
        )
        for pattern in _ERROR_CODE_RES
        for match in pattern.finditer(text)
    ]


def normalise_error_code(text: str) -> Optional[str]:
    """Extracts the error code from a span such as "오류코드 503" or "e1023".

    Args:
        text: The span; a bare code ("503", "PAY-001") counts as a code too.

    Returns:
        The code, upper-cased, or None.
    """
    if not isinstance(text, str):
        return None
    value = longest_value(find_error_codes(text))
    if value is None and re.fullmatch(rf"\s*(?:{_CODE})\s*", text):
        value = text.strip().upper()
    return value
