"""Every setting of the bot, read in one place from environment variables.

Each setting has a documented default so that ``make run`` works with nothing configured.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_float(name: str, default: float) -> float:
    """Reads a float from the environment, falling back to ``default`` when unset or invalid."""
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    """The bot's settings; see README "Settings" for each variable."""

    # GUIDE_PATH: the operator-editable support guide (YAML).
    guide_path: Path = field(
        default_factory=lambda: Path(
            os.environ.get("GUIDE_PATH", str(PROJECT_ROOT / "content" / "guide.yml"))
        )
    )
    # MAX_MESSAGE_CHARS: longer customer messages get a polite "please shorten" before NLU runs.
    max_message_chars: int = field(default_factory=lambda: int(_env_float("MAX_MESSAGE_CHARS", 1000)))
    # LOW_CONFIDENCE_THRESHOLD: below this NLU confidence a message counts as unclear.
    low_confidence_threshold: float = field(
        default_factory=lambda: _env_float("LOW_CONFIDENCE_THRESHOLD", 0.5)
    )


def get_settings() -> Settings:
    """Returns the settings as they are in the environment now."""
    return Settings()
