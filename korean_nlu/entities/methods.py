"""Payment methods, canonical: 카드, 계좌, 페이머니, QR, 바코드, 포인트, 휴대폰.

휴대폰 is only a method when a payment word goes with it ("휴대폰결제", "핸드폰으로 결제"), so that
span includes the payment word. The words come from :data:`lexicon.PAYMENT_METHODS`.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from korean_nlu.entities.entity_types import ENTITY_METHOD
from korean_nlu.entities.lexicon import (
    METHOD_PARTICLES,
    METHOD_PAYMENT_LATIN_WORDS,
    METHOD_PAYMENT_WORDS,
    PAYMENT_METHODS,
    SMALL_PAYMENT,
    MethodWords,
    alternation,
)
from korean_nlu.entities.spans import longest_value, make_entity

_PAY_WORD = (
    rf"(?:{alternation(METHOD_PAYMENT_WORDS)}"
    rf"|(?i:{alternation(METHOD_PAYMENT_LATIN_WORDS)})(?![A-Za-z]))"
)


def _method_pattern(method: MethodWords) -> str:
    """The raw-text regex of one payment method's words (see the lexicon's conventions)."""
    alternatives = []
    if method.words:
        alternatives.append(alternation(method.words))
    alternatives.extend(rf"(?<![가-힣]){alternation([word])}" for word in method.standalone_words)
    if method.latin_words:
        plural = "s?" if method.latin_plural else ""
        alternatives.append(
            rf"(?<![A-Za-z])(?i:{alternation(method.latin_words)}){plural}(?![A-Za-z])"
        )
    pattern = "|".join(alternatives)
    if method.needs_payment_word:
        pattern = (
            rf"(?:{pattern})\s?(?:{alternation(METHOD_PARTICLES)})?\s?"
            rf"(?:{alternation([SMALL_PAYMENT])}\s?)?{_PAY_WORD}"
        )
    return pattern


# (canonical method, surface regex); the longest surface wins, so 계좌이체 beats 계좌.
_METHOD_RES: Tuple[Tuple[str, "re.Pattern[str]"], ...] = tuple(
    (method.canonical, re.compile(_method_pattern(method))) for method in PAYMENT_METHODS
)
CANONICAL_METHODS: Tuple[str, ...] = tuple(method.canonical for method in PAYMENT_METHODS)


def find_methods(text: str) -> List[Dict[str, Any]]:
    """Finds payment-method mentions in raw text.

    Args:
        text: The message.

    Returns:
        ``method`` entity dicts with the canonical method as value, possibly overlapping.
    """
    return [
        make_entity(ENTITY_METHOD, canonical, text, match.start(), match.end())
        for canonical, pattern in _METHOD_RES
        for match in pattern.finditer(text)
    ]


def normalise_method(text: str) -> Optional[str]:
    """Maps a payment-method mention to its canonical name.

    Args:
        text: A span such as "신용카드로", "계좌이체", "pay money", "큐알", "barcode",
            "핸드폰 결제". A bare "휴대폰" is not a method (it is usually the phone itself).

    Returns:
        One of :data:`CANONICAL_METHODS`, taken from the longest mention in ``text``, or None.
    """
    return longest_value(find_methods(text) if isinstance(text, str) else [])
