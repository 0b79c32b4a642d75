"""Start-up to first answer, and resident memory once started.

Start-up is the time from launching the bot's processes (all at once) until a customer's question is
answered correctly: for our bot the guide's contact answer, which needs Rasa, the model and the action
server; for the stock bot any reply to "hello". Each bot is started alone, so neither competes with
the other for the CPU while it loads.
"""

from __future__ import annotations

from typing import Any, Dict

from bench.measure import load_average
from bench.servers import RunningBot


def measure(bot: RunningBot) -> Dict[str, Any]:
    """Waits for ``bot``'s first correct answer; returns the seconds since launch and its memory."""
    load_before = load_average()
    seconds = bot.wait_for_first_answer()
    return {"seconds": round(seconds, 1), "memory_after_start": bot.memory(), "load_average_at_launch": load_before}
