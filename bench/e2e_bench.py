"""End to end over REST: latency and throughput of our bot against a stock ``rasa init`` bot.

All bots run at the same time on this machine (an idle bot costs no CPU), so their runs can be
interleaved: at every concurrency level each bot takes its turn, and the levels the targets are about (1 and 20
users) are measured again with the order rotated. Background load from other users of the machine then hits every bot alike, and the
ratios, which are what the targets are about, stay meaningful.

- 1 user: one customer at a time, three conversations of 20 messages (60 answers per repetition);
- N users: N customers at once, one 20-message conversation each, no think time (closed loop);
- messages/s is the number of answers divided by the time the level took; every answer is checked
  (HTTP 200, a reply, and for our bot not the apology it gives when something failed);
- CPU per message: CPU time the bot's processes used during the 20-user runs, per answer;
- afterwards, every customer message sent to our bot must be in its tracker store once, in order.

Subjects: ``stock``; ``paybot`` as ``make run`` serves it (one Rasa process, SQLite, in-memory lock
store); and, when Redis answers, ``paybot-2w``: the same with two Sanic workers (two Rasa processes on
one port) and the Redis lock store, to show whether a second Rasa process pays on 2 cores.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import sqlite3
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, ContextManager, Dict, List, Optional, Sequence

from bench import load, profiling, startup_bench
from bench.load import LevelResult
from bench.measure import load_average
from bench.servers import RunningBot, paybot, stock

logger = logging.getLogger(__name__)

LEVELS: Sequence[int] = (1, 5, 10, 20)
MESSAGES_PER_CONVERSATION = 20
SINGLE_USER_CONVERSATIONS = 3
TARGET_USERS = 20
# The levels the targets are about are measured this many times; the others (for the plot) once.
REPEATS = 2
# Redis database for the two-worker subject's locks (apart from the tests' databases).
BENCH_REDIS_DB = "7"


@dataclass
class Subject:
    """A bot to measure: how to start it, what it is asked, and how its answers are checked."""

    name: str
    start: Callable[[], ContextManager[RunningBot]]
    script: Sequence[str]
    is_correct: Callable[[List[dict]], bool]


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    """Whether a Redis server answers PING on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def subjects(our_model: Path, stock_project: Path, stock_model: Path, workdir: Path,
             two_workers: bool = True) -> List[Subject]:
    """The bots to compare; the two-worker variant only when Redis is there."""
    from paybot.guide import load_guide

    ours_ok = load.paybot_reply_is_answer(load_guide().message("technical_error"))
    found = [
        Subject("stock", lambda: stock(stock_project, stock_model, workdir / "stock"), load.STOCK_SCRIPT,
                load.reply_is_nonempty),
        Subject("paybot", lambda: paybot(our_model, workdir / "paybot"), load.PAYBOT_SCRIPT, ours_ok),
    ]
    if two_workers and redis_answers():
        env = {"SANIC_WORKERS": "2", "LOCK_STORE_TYPE": "redis", "REDIS_HOST": "127.0.0.1",
               "REDIS_PORT": "6379", "REDIS_DB": BENCH_REDIS_DB}
        found.append(Subject("paybot-2w", lambda: paybot(our_model, workdir / "paybot-2w", extra_env=env),
                             load.PAYBOT_SCRIPT, ours_ok))
    elif two_workers:
        logger.warning("Redis is not reachable on 127.0.0.1:6379: the two-worker variant is skipped.")
    return found


def _level(bot: RunningBot, subject: Subject, users: int, sent: Optional[Dict[str, List[str]]] = None) -> LevelResult:
    conversations = SINGLE_USER_CONVERSATIONS if users == 1 else 1
    return asyncio.run(
        load.run_level(bot.webhook_urls, subject.script, users, MESSAGES_PER_CONVERSATION, subject.is_correct,
                       conversations_per_user=conversations, sent=sent)
    )


def stored_messages_check(tracker_db: Path, sent: Dict[str, List[str]]) -> Dict[str, int]:
    """Customer messages missing from our bot's SQLite tracker store, stored twice, or out of order."""
    wrong = 0
    with sqlite3.connect(tracker_db) as database:
        for sender, texts in sent.items():
            rows = database.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
            ).fetchall()
            stored = [json.loads(data)["text"] for (data,) in rows]
            wrong += sum(1 for a, b in zip(stored, texts, strict=False) if a != b) + abs(len(stored) - len(texts))
    return {"conversations": len(sent), "messages": sum(map(len, sent.values())), "lost_or_duplicated": wrong}


def _median_result(results: List[LevelResult]) -> Dict[str, Any]:
    """The per-level figures over the repetitions: medians, errors added up."""
    merged: Dict[str, Any] = {"users": results[0].users, "repetitions": len(results)}
    for key in ("messages_per_s", "p50_ms", "p95_ms", "p99_ms"):
        merged[key] = round(statistics.median(getattr(result, key) for result in results), 1)
    merged["messages"] = sum(result.messages for result in results)
    merged["errors"] = sum(result.errors for result in results)
    merged["runs"] = [result.as_dict() for result in results]
    return merged


def run(
    our_model: Path,
    stock_project: Path,
    stock_model: Path,
    workdir: Path,
    levels: Sequence[int] = LEVELS,
    repeats: int = REPEATS,
    two_workers: bool = True,
    profile_dir: Optional[Path] = None,
) -> Dict[str, Any]:
    """Starts every subject (one at a time, timing its start-up), then runs the interleaved sweep."""
    chosen = subjects(our_model, stock_project, stock_model, workdir, two_workers)
    results: Dict[str, Any] = {"levels": list(levels), "repeats": repeats, "subjects": {}}
    with contextlib.ExitStack() as stack:
        bots: Dict[str, RunningBot] = {}
        for subject in chosen:
            bot = stack.enter_context(subject.start())
            bots[subject.name] = bot
            results["subjects"][subject.name] = {"startup": startup_bench.measure(bot)}
            logger.info("%s answered %.1f s after launch", subject.name,
                        results["subjects"][subject.name]["startup"]["seconds"])
        for subject in chosen:  # warm-up: first requests load lazily built parts
            _level(bots[subject.name], subject, 2)

        runs: Dict[str, Dict[int, List[LevelResult]]] = {s.name: {n: [] for n in levels} for s in chosen}
        levels = list(levels)
        cpu: Dict[str, Dict[str, List[float]]] = {s.name: {} for s in chosen}
        sent: Dict[str, Dict[str, List[str]]] = {s.name: {} for s in chosen}
        loads: List[float] = []
        for repeat in range(repeats):
            order = chosen[repeat % len(chosen):] + chosen[:repeat % len(chosen)]
            for users in levels if repeat == 0 else [n for n in levels if n in (1, TARGET_USERS)]:
                for subject in order:
                    bot = bots[subject.name]
                    before = bot.cpu_seconds()
                    result = _level(bot, subject, users, sent[subject.name])
                    after = bot.cpu_seconds()
                    runs[subject.name][users].append(result)
                    if users == TARGET_USERS:
                        for role in after:
                            per_message = (after[role] - before.get(role, 0.0)) / max(result.messages, 1)
                            cpu[subject.name].setdefault(role, []).append(per_message * 1000)
                    logger.info("%-10s %3d users: %6.1f msg/s p50 %6.0f ms errors %d", subject.name, users,
                                result.messages_per_s, result.p50_ms, result.errors)
                    loads.append(load_average() or 0.0)
        for subject in chosen:
            entry = results["subjects"][subject.name]
            entry["levels"] = {str(users): _median_result(runs[subject.name][users]) for users in levels}
            entry["cpu_ms_per_message_at_20_users"] = {
                role: round(statistics.median(values), 1) for role, values in cpu[subject.name].items()
            }
            entry["memory_after_load"] = bots[subject.name].memory()
            tracker_db = bots[subject.name].env.get("TRACKER_DB")
            if subject.name != "stock" and tracker_db:
                entry["stored_messages"] = stored_messages_check(Path(tracker_db), sent[subject.name])
        results["load_average_during_sweep"] = {"min": min(loads), "max": max(loads),
                                                 "median": statistics.median(loads)}
        if profile_dir is not None:
            results["profiles"] = _profile(bots["paybot"], chosen[1], profile_dir)
    return results


def _profile(bot: RunningBot, subject: Subject, out_dir: Path) -> Dict[str, Any]:
    """Records our bot's servers with py-spy during one extra 20-user run, and summarises."""
    seconds = 20
    pids = {role: pids[-1] for role, pids in bot.pids().items()}
    recorders = profiling.start(pids, seconds, out_dir)

    async def keep_busy() -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end:
            await load.run_level(bot.webhook_urls, subject.script, TARGET_USERS, MESSAGES_PER_CONVERSATION,
                                 subject.is_correct)

    asyncio.run(keep_busy())
    for recorder in recorders:
        recorder.wait(timeout=120)
    summaries = {}
    for role in pids:
        path = out_dir / f"profile-{role}.txt"
        if path.exists():
            summaries[role] = {**profiling.summarise(path), "top_self": profiling.top_functions(path, 15),
                               "file": str(path)}
    return summaries
