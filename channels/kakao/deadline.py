"""When a Kakao request arrived, and whether a turn can still start and finish before its deadline.

Kakao shows its error 5 s after it sent the request, whatever the server was doing meanwhile; so the
channel's budget counts from the earliest moment this process saw the request, not from when its
handler got to run (on a busy event loop that can be seconds later: 150 messages of one customer at once
had their answers up to 4.8 s after they were sent when the budget counted from the handler).
All times are ``time.monotonic()`` seconds (Sanic's own clock; uvloop's ``loop.time()`` is another).
"""

from __future__ import annotations

import time
from typing import Any

# Weight of the newest turn in the running estimate of how long one turn takes.
ESTIMATE_WEIGHT = 0.2
# The estimate a process starts from, before it has timed a turn.
FIRST_ESTIMATE_S = 0.2


def arrival_time(request: Any) -> float:
    """When the request's bytes reached this process (``time.monotonic()``).

    Sanic 21.12 records, on each connection's protocol, when it last received data (``_time``, set in
    ``data_received`` as the request's bytes are read, before the request is parsed or waits for the
    event loop to get to its handler). Without it (another server, a test), now.
    """
    now = time.monotonic()
    try:
        received = float(request.protocol._time)
    except (AttributeError, TypeError, ValueError):
        return now
    # Only a time within the last minute and not in the future is taken (the attribute is Sanic's own).
    return received if now - 60.0 < received <= now else now


class TurnEstimate:
    """A running estimate of how long the bot takes for one turn now (its load included).

    Used to skip, rather than start, a turn that could not finish before its deadline. The estimate is
    capped (``cap_s``) so that a burst of slow turns can never make the channel skip fresh requests.
    """

    def __init__(self, cap_s: float) -> None:
        self.cap_s = max(cap_s, 0.0)
        self._seconds = min(FIRST_ESTIMATE_S, self.cap_s)

    @property
    def seconds(self) -> float:
        """The estimate, in seconds, at most ``cap_s``."""
        return min(self._seconds, self.cap_s)

    def record(self, seconds: float) -> None:
        """Adds the duration of a turn that just ran."""
        self._seconds += ESTIMATE_WEIGHT * (max(seconds, 0.0) - self._seconds)
