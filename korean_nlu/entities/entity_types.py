"""The entity types the finders know, and the extra key that ``when`` entities carry."""

from __future__ import annotations

from typing import Tuple

ENTITY_AMOUNT = "amount"
ENTITY_METHOD = "method"
ENTITY_WHEN = "when"
ENTITY_ERROR_CODE = "error_code"
ALL_ENTITY_TYPES: Tuple[str, ...] = (
    ENTITY_AMOUNT,
    ENTITY_METHOD,
    ENTITY_WHEN,
    ENTITY_ERROR_CODE,
)

# Extra key of `when` entities: whole days between the event and today, or None.
DAYS_AGO_KEY = "days_ago"
