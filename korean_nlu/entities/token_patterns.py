"""spaCy ``Matcher`` patterns that propose a character window per entity type.

They only propose windows: the normaliser decides what inside a window is the entity and what
its value is. The words come from :mod:`korean_nlu.entities.lexicon`, the same list the
normaliser's regexes are built from, so a word the normaliser knows is one the patterns know.
Patterns read the lower-cased token text (``LOWER``); a lexicon word with a space is one glued
token or two tokens.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List

from korean_nlu.entities import lexicon
from korean_nlu.entities.entity_types import (
    ENTITY_AMOUNT,
    ENTITY_ERROR_CODE,
    ENTITY_METHOD,
    ENTITY_WHEN,
)

TokenPattern = List[Dict[str, Any]]


def _any(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` as one token holds them (lexicon.glued, lower-cased)."""
    return "|".join(re.escape(word) for word in lexicon.glued(words))


_PARTICLE = rf"(?:{_any(lexicon.GLUED_PARTICLES)})?"
_SYMBOLS = "".join(lexicon.CURRENCY_SYMBOLS)
_BEFORE = rf"(?:[{_SYMBOLS}]|{_any(lexicon.CURRENCY_CODES_BEFORE)})"
_AFTER = rf"(?:{_any((lexicon.WON,) + lexicon.CURRENCY_WORDS_AFTER)})"
_SINO = lexicon.SINO_CHARS
_PAY_WORD = rf"^(?:{_any(lexicon.PAYMENT_WORDS_AFTER_AMOUNT)})"
_AMOUNT_WORD = _any(lexicon.AMOUNT_WORDS_BEFORE_AMOUNT)

# A number token without currency, in a run of them: "2만" of "2만" "5천원", "3" of "3" "만" "원",
# and the "," of "30" "," "000" "원" as a morpheme analyser splits "30,000원".
_NUMBER_TOKEN_OPTIONAL: Dict[str, Any] = {
    "LOWER": {"REGEX": rf"^{_BEFORE}?(?:\d[\d,.]*|[{lexicon.SINO_CHARS}])+$|^[,.]$"},
    "OP": "?",
}

# Matcher key of the amount pattern over part-of-speech tags (Mecab / Sejong tag set).
TAGGED_AMOUNT = "amount_from_tags"
_TAGGED_NUMBER_PART: Dict[str, Any] = {
    "TAG": {"IN": ["SN", "NR", "SC", "SY"]},
    "LOWER": {"REGEX": rf"^(?:\d+|[,.]|[{lexicon.SINO_CHARS}]+)$"},
    "OP": "?",
}
# A number (SN digits or NR numeral) then up to seven more number parts, then 원 as a unit noun
# (NNBC), so that a subject particle 이 (JKS) or the verb 원하다 is never part of an amount.
TAGGED_AMOUNT_PATTERN: TokenPattern = (
    [{"TAG": {"IN": ["SN", "NR"]}, "LOWER": {"REGEX": rf"^(?:\d+|[{lexicon.SINO_CHARS}]+)$"}}]
    + [_TAGGED_NUMBER_PART] * 7
    + [{"TAG": "NNBC", "LOWER": lexicon.WON}]
)

_AMOUNT_PATTERNS: List[TokenPattern] = [
    # "3만원", "30,000원을", "삼만" "원", "3" "만" "원", "2만" "5천원": up to seven number
    # tokens (a fixed bound: "+" would make a run of numbers quadratic) and a currency token.
    [_NUMBER_TOKEN_OPTIONAL] * 6
    + [
        {"LOWER": {"REGEX": rf"^{_BEFORE}?(?:\d[\d,.]*|[{_SINO}])+{_AFTER}?{_PARTICLE}$"}},
        {"LOWER": {"REGEX": rf"^{_AFTER}{_PARTICLE}$"}, "OP": "?"},
    ],
    # "₩" "30,000" / "krw" "30000"
    [
        {"LOWER": {"IN": list(lexicon.CURRENCY_SYMBOLS + lexicon.CURRENCY_CODES_BEFORE)}},
        {"LOWER": {"REGEX": r"^\d[\d,.]*$"}},
    ],
    # "30000" ("이") "결제", "30000" "빠져나갔어요": a bare number is only an amount next to a
    # payment word.
    [
        {"LOWER": {"REGEX": rf"^\d[\d,]*{_PARTICLE}$"}},
        {"LOWER": {"IN": list(lexicon.PARTICLES_BEFORE_PAYMENT_WORD)}, "OP": "?"},
        {"LOWER": {"REGEX": _PAY_WORD}},
    ],
    # "결제금액은" "30000", "송금" "30000": or after an amount word.
    [
        {"LOWER": {"REGEX": rf"(?:{_AMOUNT_WORD})(?:은|는|이|가|[:：=])?$"}},
        {"LOWER": {"IN": ["은", "는", "이", "가", ":", "：", "="]}, "OP": "?"},
        {"LOWER": {"REGEX": rf"^\d[\d,]*{_PARTICLE}$"}},
    ],
]


def _method_patterns() -> List[TokenPattern]:
    """The method patterns: one token of any glued method word, two tokens per spaced word, and
    the phone words with their payment word."""
    single: List[str] = []
    spaced: List[TokenPattern] = []
    phone: List[TokenPattern] = []
    phone_words: List[str] = []
    pay_words = _any(lexicon.METHOD_PAYMENT_WORDS + lexicon.METHOD_PAYMENT_LATIN_WORDS)
    for method in lexicon.PAYMENT_METHODS:
        words = method.words + method.standalone_words + method.latin_words
        if method.latin_plural:
            words += tuple(f"{word}s" for word in method.latin_words)
        if method.needs_payment_word:
            phone_words.extend(words)
            continue
        single.extend(lexicon.glued(words))
        for word in words:
            parts = word.lower().split(" ")
            if len(parts) == 2:
                last: Dict[str, Any] = {"LOWER": {"REGEX": rf"^{re.escape(parts[1])}{_PARTICLE}$"}}
                spaced.append([{"LOWER": parts[0]}, last])
    particles = _any(lexicon.METHOD_PARTICLES)
    small = re.escape(lexicon.SMALL_PAYMENT)
    # 휴대폰 only with a payment word: "휴대폰결제", "핸드폰" "(으로)" "(소액)" "결제"
    phone_word = _any(phone_words)
    phone.append(
        [{"LOWER": {"REGEX": rf"^(?:{phone_word})(?:{particles})?(?:{small})?(?:{pay_words})"}}]
    )
    phone_tail: TokenPattern = [
        {"LOWER": {"IN": list(lexicon.METHOD_PARTICLES)}, "OP": "?"},
        {"LOWER": lexicon.SMALL_PAYMENT, "OP": "?"},
        {"LOWER": {"REGEX": rf"^(?:{small})?(?:{pay_words})"}},
    ]
    phone.append([{"LOWER": {"REGEX": rf"^(?:{phone_word})(?:{particles})?$"}}] + phone_tail)
    for word in phone_words:
        parts = word.lower().split(" ")
        if len(parts) == 2:
            last = {"LOWER": {"REGEX": rf"^{re.escape(parts[1])}(?:{particles})?$"}}
            phone.append([{"LOWER": parts[0]}, last] + phone_tail)
    unique = sorted(dict.fromkeys(single), key=len, reverse=True)
    glued_words = "|".join(re.escape(word) for word in unique)
    return [[{"LOWER": {"REGEX": rf"^(?:{glued_words}){_PARTICLE}$"}}]] + spaced + phone


_PARTS = _any(lexicon.PARTS_OF_DAY)
_DAY, _WEEK, _MONTH = lexicon.DAY, lexicon.WEEK, lexicon.MONTH
_LAST = lexicon.LAST_WORDS + (lexicon.BEFORE_LAST,)
_COUNT_UNITS = _any((_DAY, _WEEK, _WEEK + _DAY, _MONTH, lexicon.MONTHS, "분"))
_SINO_COUNT = rf"\d{{1,3}}|[{lexicon.COUNT_SINO_CHARS}]{{1,3}}"
_DAY_WORDS = _any(
    (lexicon.JUST_NOW, lexicon.A_MOMENT_AGO)
    + lexicon.TODAY_WORDS
    + lexicon.YESTERDAY_WORDS
    + tuple(lexicon.LAST_NIGHT_STEM + part for part in lexicon.LAST_NIGHT_PARTS)
    + (lexicon.DAY_BEFORE_YESTERDAY, lexicon.DAY_BEFORE_YESTERDAY_SHORT)
    + tuple(last + unit for last in _LAST for unit in (_WEEK, _MONTH))
    + (lexicon.TODAY_LATIN, lexicon.YESTERDAY_LATIN)
)
_WEEKDAY = rf"[{lexicon.WEEKDAYS}](?:{_any(lexicon.WEEKDAY_SUFFIXES)})"
_COUNT_WORDS = _any(
    tuple(lexicon.NATIVE_COUNTS) + tuple(word.split(" ")[0] for word in lexicon.A_FEW_MINUTES)
)
_NATIVE_DAYS = _any(tuple(lexicon.NATIVE_DAYS) + (lexicon.SOME_DAYS,))
_AGO = lexicon.AGO
_DAY_STEMS = lexicon.TODAY_WORDS + lexicon.YESTERDAY_WORDS + (
    lexicon.DAY_BEFORE_YESTERDAY_SHORT,
    lexicon.DAY_BEFORE_YESTERDAY,
    lexicon.LAST_NIGHT_STEM,
)
_LAST_LATIN, _WEEK_LATIN = lexicon.LAST_WEEK_LATIN.split(" ")
_MONTH_LATIN = lexicon.LAST_MONTH_LATIN.split(" ")[1]

_WHEN_PATTERNS: List[TokenPattern] = [
    [{"LOWER": {"REGEX": rf"^(?:{_DAY_WORDS}|{_WEEKDAY})(?:{_PARTS})?(?:{_AGO})?{_PARTICLE}$"}}],
    # "오늘" "아침", "어제" "밤"
    [
        {"LOWER": {"IN": list(_DAY_STEMS)}},
        {"LOWER": {"REGEX": rf"^(?:{_PARTS}){_PARTICLE}$"}},
    ],
    # "3일전", "삼일" "전", "3" "일" "전", "이틀" "전", "일주일" "전", "2주" "전", "한" "달" "전"
    [
        {"LOWER": {"REGEX": rf"^(?:{_SINO_COUNT}|{_COUNT_WORDS})$"}, "OP": "?"},
        {
            "LOWER": {
                "REGEX": rf"^(?:{_SINO_COUNT})?(?:{_COUNT_UNITS})?$|^(?:{_NATIVE_DAYS})$"
            },
            "OP": "?",
        },
        {"LOWER": {"REGEX": rf"^(?:{_SINO_COUNT})?(?:{_COUNT_UNITS})?{_AGO}"}},
    ],
    [
        {"LOWER": {"IN": list(_LAST)}},
        {"LOWER": {"REGEX": rf"^(?:{_any((_WEEK, _MONTH, lexicon.WEEKEND))}){_PARTICLE}$"}},
    ],
    [
        {"LOWER": _LAST_LATIN},
        {"LOWER": {"IN": [_WEEK_LATIN, _MONTH_LATIN]}},
    ],
    [{"LOWER": {"REGEX": r"^\d{1,3}$"}}, {"LOWER": {"REGEX": r"^days?$"}}, {"LOWER": "ago"}],
    # "11월" "3일" / "11" "월" "3" "일"
    [
        {"LOWER": {"REGEX": r"^\d{4}년?$"}, "OP": "?"},
        {"LOWER": "년", "OP": "?"},
        {"LOWER": {"REGEX": r"^\d{1,2}(?:월)?$"}},
        {"LOWER": "월", "OP": "?"},
        {"LOWER": {"REGEX": rf"^\d{{1,2}}(?:일)?{_PARTICLE}$"}},
        {"LOWER": {"REGEX": rf"^일{_PARTICLE}$"}, "OP": "?"},
    ],
]

_ERROR = _any(lexicon.ERROR_WORDS + lexicon.ERROR_LATIN_WORDS)
_CODE_WORD = _any(lexicon.CODE_WORDS + lexicon.CODE_LATIN_WORDS)
_ERROR_CODE_PATTERNS: List[TokenPattern] = [
    # "오류코드" "503", "에러" "코드:" "PAY-001", "error" "code" "E1023", "에러" "5001"
    [
        {"LOWER": {"REGEX": rf"^(?:{_ERROR})(?:{_CODE_WORD})?[:：#]?$"}},
        {"LOWER": {"REGEX": rf"^(?:{_CODE_WORD})?[:：#]?$"}, "OP": "?"},
        {"LOWER": {"REGEX": r"^(?:[a-z]{1,6}[-_]?)?\d{2,8}$"}},
    ],
    # "503" "오류", "E1023" "에러"
    [
        {"LOWER": {"REGEX": r"^(?:[a-z]{1,6}[-_]?)?\d{2,8}(?:번)?$"}},
        {"LOWER": {"REGEX": rf"^(?:{_ERROR})"}},
    ],
    # "E1023", "PAY-001", or split by a morpheme analyser: "PAY" "-" "001"
    [{"LOWER": {"REGEX": r"^[a-z]{1,4}[-_]?\d{3,8}$"}}],
    [
        {"LOWER": {"REGEX": r"^[a-z]{1,6}$"}},
        {"LOWER": {"IN": ["-", "_"]}, "OP": "?"},
        {"LOWER": {"REGEX": r"^\d{3,8}$"}},
    ],
]

# Token patterns per entity type.
TOKEN_PATTERNS: Dict[str, List[TokenPattern]] = {
    ENTITY_AMOUNT: _AMOUNT_PATTERNS,
    ENTITY_METHOD: _method_patterns(),
    ENTITY_WHEN: _WHEN_PATTERNS,
    ENTITY_ERROR_CODE: _ERROR_CODE_PATTERNS,
}
