"""Entities in Korean customer messages: amounts, payment methods, times and error codes.

One vocabulary, two finders:

* :mod:`.lexicon` - the words, the one list both finders read;
* the normaliser, pure Python with no Rasa or spaCy: :mod:`.amounts`, :mod:`.methods`,
  :mod:`.times`, :mod:`.error_codes`, each a raw-text finder and a span normaliser, put
  together by :mod:`.normaliser`; :mod:`.spans` decides between overlapping entities;
* the Rasa component :class:`korean_nlu.entities.extractor.KoreanEntityExtractor`, whose spaCy
  token patterns (:mod:`.token_patterns`) propose windows that the normaliser fills in.

This package re-exports the normaliser only, so importing it needs neither Rasa nor spaCy.
"""

from korean_nlu.entities.amounts import parse_korean_amount
from korean_nlu.entities.entity_types import (
    ALL_ENTITY_TYPES,
    DAYS_AGO_KEY,
    ENTITY_AMOUNT,
    ENTITY_ERROR_CODE,
    ENTITY_METHOD,
    ENTITY_WHEN,
)
from korean_nlu.entities.error_codes import normalise_error_code
from korean_nlu.entities.methods import CANONICAL_METHODS, normalise_method
from korean_nlu.entities.normaliser import find_entities, normalise_entity
from korean_nlu.entities.spans import resolve_overlaps
from korean_nlu.entities.times import normalise_when

__all__ = [
    "ALL_ENTITY_TYPES",
    "CANONICAL_METHODS",
    "DAYS_AGO_KEY",
    "ENTITY_AMOUNT",
    "ENTITY_ERROR_CODE",
    "ENTITY_METHOD",
    "ENTITY_WHEN",
    "find_entities",
    "normalise_entity",
    "normalise_error_code",
    "normalise_method",
    "normalise_when",
    "parse_korean_amount",
    "resolve_overlaps",
]
