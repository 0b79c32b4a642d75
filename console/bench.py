"""``make console-bench``: the dashboard and search queries on a generated store of 100,000 conversations.

Writes the store once (``--db``, default ``results/console-bench/tracker.db``, git-ignored) and times each
query several times: the figures a support lead waits for when the dashboard opens.

    python -m console.bench [--conversations 100000] [--db PATH | --url postgresql://...] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, List, Optional

import sqlalchemy as sa

from console.conversations import search_conversations
from console.filters import KST, Period, Search
from console.sample_store import random_samples, write_store
from console.signals import Signals
from console.stats import compute_dashboard
from paybot.guide import load_guide
from paybot.settings import PROJECT_ROOT, get_settings
from rasa_runtime.tracker_store import ensure_timestamp_index

START = 1_790_000_000.0  # 2026-09-21, KST
DAYS = 90


def _time(label: str, repeat: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        timings.append(time.perf_counter() - began)
    median = statistics.median(timings)
    print(f"  {label:<44} median {median:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in timings)})")
    return median


def main(argv: Optional[List[str]] = None) -> int:
    """Generates the store when it is missing or smaller, then prints the timings."""
    parser = argparse.ArgumentParser(prog="python -m console.bench")
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=PROJECT_ROOT / "results" / "console-bench" / "tracker.db")
    parser.add_argument("--url", help="a database URL instead of --db (e.g. an empty PostgreSQL database)")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args(argv)
    url = arguments.url or f"sqlite:///{arguments.db}"
    if not arguments.url:
        arguments.db.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    guide = load_guide(get_settings().guide_path)
    with engine.connect() as connection:
        exists = sa.inspect(connection).has_table("events")
        stored = connection.execute(sa.text("SELECT COUNT(DISTINCT sender_id) FROM events")).scalar() if exists else 0
    if exists:
        ensure_timestamp_index(engine)
    if stored != arguments.conversations:
        if exists:
            with engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE events"))
        began = time.perf_counter()
        count = write_store(engine, random_samples(arguments.conversations, START, DAYS), guide)
        ensure_timestamp_index(engine)  # as the bot's store has it
        print(f"Wrote {arguments.conversations:,} conversations ({count:,} events) in {time.perf_counter() - began:.0f} s.")
    signals = Signals.for_guide(guide)
    topics = list(guide.labels)
    print(f"{arguments.conversations:,} conversations over {DAYS} days in {engine.url.render_as_string(hide_password=True)}:")
    _time("dashboard, all channels, every day", arguments.repeat,
          lambda: compute_dashboard(engine, signals, Period(), "", topics))
    _time("dashboard, KakaoTalk, every day", arguments.repeat,
          lambda: compute_dashboard(engine, signals, Period(), "kakao", topics))
    last_day = (datetime.fromtimestamp(START, KST) + timedelta(days=DAYS - 1)).date()
    _time("dashboard, all channels, one day", arguments.repeat,
          lambda: compute_dashboard(engine, signals, Period(last_day, last_day), "", topics))
    _time("dashboard, all channels, last 7 days", arguments.repeat,
          lambda: compute_dashboard(engine, signals, Period(last_day - timedelta(days=6), last_day), "", topics))
    _time("search: handed off, first page", arguments.repeat,
          lambda: search_conversations(engine, signals, Search(handed_off=True)))
    _time("search: text '환불', first page", arguments.repeat,
          lambda: search_conversations(engine, signals, Search(text="환불")))
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
