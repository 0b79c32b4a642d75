"""Entity dicts over character spans, and the rule that decides between overlapping ones."""

from __future__ import annotations

import bisect
from typing import Any, Dict, List, Optional, Sequence

from korean_nlu.entities.entity_types import (
    ENTITY_AMOUNT,
    ENTITY_ERROR_CODE,
    ENTITY_METHOD,
    ENTITY_WHEN,
)

# When two candidates of equal length overlap, the lower rank wins: "에러 5001 결제" is an error
# code before it is an amount, "3일 전" a time before anything else.
_TYPE_RANK: Dict[str, int] = {
    ENTITY_ERROR_CODE: 0,
    ENTITY_WHEN: 1,
    ENTITY_AMOUNT: 2,
    ENTITY_METHOD: 3,
}


def make_entity(entity_type: str, value: Any, text: str, start: int, end: int) -> Dict[str, Any]:
    """Builds a Rasa-style entity dict over ``text[start:end]``.

    Args:
        entity_type: One of the entity types.
        value: The normalised value.
        text: The whole message.
        start: Where the span starts in ``text``.
        end: Where the span ends in ``text``.

    Returns:
        ``{"entity", "value", "start", "end", "text"}``.
    """
    return {
        "entity": entity_type,
        "value": value,
        "start": start,
        "end": end,
        "text": text[start:end],
    }


def resolve_overlaps(candidates: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Keeps a set of non-overlapping entities: longest first, then by type rank, then leftmost.

    Args:
        candidates: Entity dicts with ``start``, ``end`` and ``entity``. A candidate may carry an
            int ``rank`` (default 0) saying how much the caller trusts where it came from: every
            candidate of a lower rank is placed before any of a higher rank. It is dropped from
            the result.

    Returns:
        The kept entities sorted by ``start``.
    """
    ordered = sorted(
        (candidate for candidate in candidates if candidate["end"] > candidate["start"]),
        key=lambda candidate: (
            candidate.get("rank", 0),
            candidate["start"] - candidate["end"],
            _TYPE_RANK.get(candidate["entity"], len(_TYPE_RANK)),
            candidate["start"],
        ),
    )
    starts: List[int] = []
    kept: List[Dict[str, Any]] = []
    for candidate in ordered:
        position = bisect.bisect_left(starts, candidate["start"])
        if position > 0 and kept[position - 1]["end"] > candidate["start"]:
            continue
        if position < len(kept) and kept[position]["start"] < candidate["end"]:
            continue
        starts.insert(position, candidate["start"])
        kept.insert(position, {key: value for key, value in candidate.items() if key != "rank"})
    return kept


def longest(entities: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The entity with the longest span (the leftmost among equals), or None."""
    kept = resolve_overlaps(entities)
    if not kept:
        return None
    return max(kept, key=lambda entity: (entity["end"] - entity["start"], -entity["start"]))


def longest_value(entities: List[Dict[str, Any]]) -> Optional[Any]:
    """The value of :func:`longest`."""
    best = longest(entities)
    return best["value"] if best is not None else None
