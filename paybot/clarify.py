"""Choosing the topics to offer when the bot is unsure what the customer meant."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence, Tuple

# Offered when the NLU ranking names fewer topics than ``limit``.
DEFAULT_TOPICS = ("request_human",)


def likely_topics(
    intent_ranking: Sequence[Dict[str, Any]],
    labels: Mapping[str, str],
    limit: int = 3,
) -> List[Tuple[str, str]]:
    """Returns up to ``limit`` ``(intent, label)`` pairs, likeliest first.

    Only intents with a guide label (topics the bot can answer) are offered; the hand-off topic
    fills the list when the ranking has too few, so the customer always has a way forward.

    Args:
        intent_ranking: The NLU ranking of the unclear message (``name`` and ``confidence``).
        labels: Guide topic labels by intent.
        limit: How many topics to offer.
    """
    chosen: List[Tuple[str, str]] = []
    for ranked in intent_ranking:
        intent = ranked.get("name")
        if isinstance(intent, str) and intent in labels and intent != "out_of_scope" and intent not in dict(chosen):
            chosen.append((intent, labels[intent]))
        if len(chosen) == limit - 1:
            break
    for intent in DEFAULT_TOPICS:
        if intent in labels and intent not in dict(chosen) and len(chosen) < limit:
            chosen.append((intent, labels[intent]))
    return chosen
