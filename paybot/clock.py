"""The moment the bot answers for: the real clock, or a frozen one for tests and demos.

A frozen clock is a file named by ``PAYBOT_CLOCK_FILE`` holding a Seoul local time such as
``2026-12-25 11:00``; it is read at every call, so a test can move the bot's clock between
conversations without restarting it. An unreadable or malformed file falls back to the real clock.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from paybot.business_hours import SEOUL
from paybot.settings import get_settings

logger = logging.getLogger(__name__)

_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_local_time(text: str, timezone: str = SEOUL) -> datetime | None:
    """Reads "YYYY-MM-DD HH:MM" (or with ``T`` / seconds) as an aware local time, else ``None``."""
    stripped = text.strip()
    for pattern in _FORMATS:
        try:
            return datetime.strptime(stripped, pattern).replace(tzinfo=ZoneInfo(timezone))
        except ValueError:
            continue
    return None


def frozen_now(timezone: str = SEOUL) -> datetime | None:
    """The frozen moment when ``PAYBOT_CLOCK_FILE`` names a readable time, else ``None``."""
    clock_file = get_settings().clock_file
    if not clock_file:
        return None
    try:
        frozen = parse_local_time(Path(clock_file).read_text(encoding="utf-8"), timezone)
    except OSError:
        frozen = None
    if frozen is None:
        logger.warning("PAYBOT_CLOCK_FILE %s holds no time like 2026-12-25 11:00; using the real clock.", clock_file)
    return frozen


def now(timezone: str = SEOUL) -> datetime:
    """Returns the current moment in ``timezone``, or the frozen one when ``PAYBOT_CLOCK_FILE`` is set."""
    return frozen_now(timezone) or datetime.now(ZoneInfo(timezone))
