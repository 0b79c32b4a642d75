"""Reading a 1-5 satisfaction rating from what the customer typed or tapped."""

from __future__ import annotations

import re
from typing import Optional

MIN_RATING = 1
MAX_RATING = 5

_STARS = re.compile(r"[⭐★]")
_DIGIT = re.compile(r"(?<!\d)([1-5])(?!\d)")
_KOREAN_NUMBERS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "넷": 4, "네": 4, "다섯": 5}
_KOREAN_SCORE = re.compile(r"(다섯|하나|둘|셋|넷|한|두|세|네|일|이|삼|사|오)\s*점")


def parse_rating(text: str) -> Optional[int]:
    """Returns the rating 1-5 in ``text`` ("5", "4점", "⭐⭐⭐", "오점", "3/5"), or None.

    A lone digit outside 1-5 or a longer number (an amount, a phone number) is not a rating.
    """
    stripped = (text or "").strip()
    if not stripped:
        return None
    stars = len(_STARS.findall(stripped))
    digits = _DIGIT.findall(stripped)
    if digits:
        return int(digits[0])
    if MIN_RATING <= stars <= MAX_RATING:
        return stars
    spoken = _KOREAN_SCORE.search(stripped)
    if spoken:
        return _KOREAN_NUMBERS[spoken.group(1)]
    return None
