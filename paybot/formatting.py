"""Formatting of values shown to customers."""

from __future__ import annotations

import math
import re
from typing import Optional

# Larger amounts are not a payment anyone asks the chat about; they are shown as not given.
MAX_WON = 10**12
_DIGITS_WITH_COMMAS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")


def format_won(amount: int) -> str:
    """Formats an amount of won the way Korean apps show it: 30000 -> '30,000원'."""
    return f"{int(amount):,}원"


def won_text(amount: object) -> Optional[str]:
    """An amount as "30,000원", or ``None`` when it is not a plausible amount; never raises.

    Takes what the entity extractor or a slot holds: an int, a finite float, or digits as text
    ("30000", "30,000", "30000.0"). Anything else (words, lists, NaN, infinity, zero, negative or
    absurdly large numbers) is not shown, so a malformed value costs the acknowledgement, not the turn.
    """
    if isinstance(amount, bool):
        return None
    value: Optional[float] = None
    if isinstance(amount, int):
        value = float(amount) if abs(amount) <= MAX_WON else None
    elif isinstance(amount, float):
        value = amount
    elif isinstance(amount, str):
        text = amount.strip()
        if len(text) <= 20 and _DIGITS_WITH_COMMAS.fullmatch(text.split(".", 1)[0]) and (
            "." not in text or text.split(".", 1)[1].isdigit()
        ):
            value = float(text.replace(",", ""))
    if value is None or not math.isfinite(value) or not 0 < value <= MAX_WON:
        return None
    return format_won(int(value))
