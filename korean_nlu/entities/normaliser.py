"""Every entity type at once: find them all in a message, or read one span as one type.

Nothing in the normaliser needs Rasa or spaCy: every function takes a string and returns plain
data, so the rules can be tested on their own and reused by actions (for example to re-read a
slot value). The values per type are described in :mod:`.amounts`, :mod:`.methods`,
:mod:`.times` and :mod:`.error_codes`.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional

from korean_nlu.entities.amounts import find_amounts, parse_korean_amount
from korean_nlu.entities.entity_types import (
    ALL_ENTITY_TYPES,
    DAYS_AGO_KEY,
    ENTITY_AMOUNT,
    ENTITY_ERROR_CODE,
    ENTITY_METHOD,
    ENTITY_WHEN,
)
from korean_nlu.entities.error_codes import find_error_codes, normalise_error_code
from korean_nlu.entities.methods import find_methods, normalise_method
from korean_nlu.entities.spans import resolve_overlaps
from korean_nlu.entities.times import find_whens, normalise_when

_FINDERS: Dict[str, Callable[[str], List[Dict[str, Any]]]] = {
    ENTITY_AMOUNT: find_amounts,
    ENTITY_METHOD: find_methods,
    ENTITY_WHEN: find_whens,
    ENTITY_ERROR_CODE: find_error_codes,
}


def normalise_entity(entity_type: str, text: str) -> Optional[Dict[str, Any]]:
    """Normalises a whole span as one entity of the given type.

    Args:
        entity_type: One of :data:`ALL_ENTITY_TYPES`.
        text: The span.

    Returns:
        ``{"value": ...}`` (plus ``days_ago`` for ``when``), or None when the span is not one.
    """
    if entity_type == ENTITY_AMOUNT:
        amount = parse_korean_amount(text)
        return {"value": amount} if amount is not None else None
    if entity_type == ENTITY_METHOD:
        method = normalise_method(text)
        return {"value": method} if method is not None else None
    if entity_type == ENTITY_WHEN:
        when = normalise_when(text)
        return {"value": when[0], DAYS_AGO_KEY: when[1]} if when is not None else None
    if entity_type == ENTITY_ERROR_CODE:
        code = normalise_error_code(text)
        return {"value": code} if code is not None else None
    return None


def find_entities(text: str, entity_types: Optional[Iterable[str]] = None) -> List[Dict[str, Any]]:
    """Finds every amount, method, time and error code in a raw message.

    Args:
        text: The message as the customer typed it.
        entity_types: Restricts the search to these types; all of them by default.

    Returns:
        Rasa-style entity dicts ``{"entity", "value", "start", "end", "text"}`` (``when`` entities
        also carry ``days_ago``) sorted by ``start``, with ``text[start:end] == entity["text"]``.
        Overlaps are resolved in favour of the longest span, then error_code > when > amount >
        method.
    """
    if not isinstance(text, str) or not text:
        return []
    types = ALL_ENTITY_TYPES if entity_types is None else tuple(entity_types)
    candidates: List[Dict[str, Any]] = []
    for entity_type in types:
        finder = _FINDERS.get(entity_type)
        if finder is not None:
            candidates.extend(finder(text))
    return resolve_overlaps(candidates)
