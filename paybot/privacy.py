"""Masking of personal data customers paste into the chat, before it is stored or logged.

Card numbers, phone numbers, bank account numbers, 주민등록번호 and passwords/PINs typed after a
keyword are masked in place: digits become ``*`` (the last four of card and account numbers stay, so a
customer and an agent can still tell which card was meant). The layout of the text is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, List, Pattern, Tuple

MASK = "*"

RESIDENT_NUMBER = "resident_number"
CARD_NUMBER = "card_number"
PHONE_NUMBER = "phone_number"
ACCOUNT_NUMBER = "account_number"
SECRET = "secret"

# 900101-1234567 (the 7th digit is 1-8); with or without the hyphen.
_RESIDENT = re.compile(r"(?<!\d)(\d{6})[-\s]?([1-8]\d{6})(?!\d)")
# 4-4-4-4 (or 4-6-5 Amex) with hyphens/spaces, or 15-16 digits in a row.
_CARD = re.compile(r"(?<!\d)(?:\d{4}[-\s]\d{4}[-\s]\d{4}[-\s]\d{4}|\d{4}[-\s]\d{6}[-\s]\d{5}|\d{15,16})(?!\d)")
# Mobile numbers 010/011/016-019, with or without separators, also +82 10 ....
_PHONE = re.compile(r"(?<!\d)(?:\+82[-\s]?|0)1[016789][-\s.]?\d{3,4}[-\s.]?\d{4}(?!\d)")
# Bank accounts: 3-4 groups of digits joined by hyphens, 10-14 digits in all; or 10-14 digits in a row.
_ACCOUNT = re.compile(r"(?<!\d)(?:\d{2,6}-){2,3}\d{1,7}(?!\d)|(?<!\d)\d{10,14}(?!\d)")
# A password or PIN typed after its keyword: "비밀번호 1234", "비번은 abcd12", "PIN: 0000". It must
# contain a digit, so "비밀번호변경하고싶어요" (no spaces) stays readable.
_SECRET = re.compile(
    r"((?:비밀\s*번호|비번|패스워드|password|pw|PIN|핀\s*번호|결제\s*비밀번호)\s*(?:은|는|이|가|:|=)?\s*)((?=[^\s,.!?]*\d)[^\s,.!?]{4,})",
    re.IGNORECASE,
)


def _digits(text: str) -> int:
    return sum(character.isdigit() for character in text)


def _mask_digits(text: str, keep_last: int = 0) -> str:
    """Replaces digits with ``*``, keeping the last ``keep_last`` digits."""
    total = _digits(text)
    seen = 0
    masked = []
    for character in text:
        if character.isdigit():
            seen += 1
            masked.append(character if seen > total - keep_last else MASK)
        else:
            masked.append(character)
    return "".join(masked)


@dataclass
class MaskResult:
    """A masked text and the kinds of personal data found in it."""

    text: str
    kinds: List[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """Whether anything was masked."""
        return bool(self.kinds)


def _account_like(match: re.Match) -> bool:
    return 10 <= _digits(match.group(0)) <= 14


_RULES: Tuple[Tuple[str, Pattern[str], Callable[[re.Match], str], Callable[[re.Match], bool]], ...] = (
    (RESIDENT_NUMBER, _RESIDENT, lambda m: _mask_digits(m.group(0)), lambda m: True),
    (CARD_NUMBER, _CARD, lambda m: _mask_digits(m.group(0), keep_last=4), lambda m: True),
    (PHONE_NUMBER, _PHONE, lambda m: _mask_digits(m.group(0), keep_last=4), lambda m: True),
    (ACCOUNT_NUMBER, _ACCOUNT, lambda m: _mask_digits(m.group(0), keep_last=4), _account_like),
    (SECRET, _SECRET, lambda m: m.group(1) + MASK * len(m.group(2)), lambda m: True),
)


def mask_personal_data(text: str) -> MaskResult:
    """Masks card, phone, account and resident registration numbers and typed passwords/PINs.

    Args:
        text: What the customer typed.

    Returns:
        The masked text (same length and layout) and the kinds of data found, in rule order.
    """
    kinds: List[str] = []
    for kind, pattern, replace, applies in _RULES:

        def substitute(
            match: re.Match,
            kind: str = kind,
            replace: Callable[[re.Match], str] = replace,
            applies: Callable[[re.Match], bool] = applies,
        ) -> str:
            if not applies(match):
                return match.group(0)
            if kind not in kinds:
                kinds.append(kind)
            return replace(match)

        text = pattern.sub(substitute, text)
    return MaskResult(text, kinds)


def mask(text: str) -> str:
    """Returns ``text`` with personal data masked (see :func:`mask_personal_data`)."""
    return mask_personal_data(text).text
