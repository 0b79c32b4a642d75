"""What the customer can read to an agent: prefilled from the conversation, then asked for."""

from __future__ import annotations

from typing import Dict, Optional

SKIPPED = "skipped"


def prefill_feature(topic_label: Optional[str], method: Optional[str]) -> Optional[str]:
    """Describes the feature in use from the problem topic and payment method, e.g. '결제 오류 (카드)'."""
    if topic_label and method:
        return f"{topic_label} ({method})"
    return topic_label or method


def summary_values(
    when: Optional[str], feature: Optional[str], error: Optional[str]
) -> Dict[str, Optional[str]]:
    """Maps skipped or empty answers to None, which the guide shows as its 'unknown' text."""

    def shown(value: Optional[str]) -> Optional[str]:
        if value is None or value == SKIPPED or not str(value).strip():
            return None
        return str(value).strip()

    return {"when": shown(when), "feature": shown(feature), "error": shown(error)}
