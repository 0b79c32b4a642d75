"""A bounded loopback soak test: many concurrent conversations against a freshly started bot.

Usage: python scripts/soak.py [--conversations 50] [--messages 20]
Starts the action server and Rasa (trained model, SQLite tracker store in a temporary folder), runs the
conversations over REST on 127.0.0.1 only, and reports errors (must be 0), lost events (must be 0),
p50/p99 latency and the Rasa process's resident memory before and after. Exits 1 when anything was
lost or failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Tuple

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.live_servers import LiveBot, live_bot  # noqa: E402

MESSAGES = [
    "안녕하세요", "결제가 안 돼요", "아니요", "괜찮아요", "고객센터 번호 알려주세요", "상담 시간이 어떻게 돼요",
    "환불 언제 돼요", "네 해결됐어요", "5", "친절해요", "송금 잘못 보냈어요 ㅠㅠ", "아니요", "네", "어제요",
    "계좌 송금", "없었어요", "약관 보고 싶어요", "감사합니다", "사람이세요?", "안녕히 계세요",
]


def resident_memory_mb(pid: int) -> float:
    """The resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def conversation(session: aiohttp.ClientSession, url: str, sender: str, count: int) -> Tuple[List[float], int]:
    """Sends ``count`` messages in order; returns latencies and the number of failed requests."""
    latencies, errors = [], 0
    for index in range(count):
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": MESSAGES[index % len(MESSAGES)]}) as reply:
                body = await reply.json()
                if reply.status != 200 or not body:
                    errors += 1
        except (aiohttp.ClientError, asyncio.TimeoutError):
            errors += 1
        latencies.append(time.perf_counter() - started)
    return latencies, errors


async def soak(bot: LiveBot, conversations: int, messages: int) -> Tuple[List[float], int]:
    """Runs every conversation concurrently."""
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        url = f"{bot.rasa_url}/webhooks/rest/webhook"
        results = await asyncio.gather(
            *(conversation(session, url, f"soak-{index}", messages) for index in range(conversations))
        )
    return [latency for latencies, _ in results for latency in latencies], sum(errors for _, errors in results)


def lost_events(bot: LiveBot, conversations: int, messages: int) -> int:
    """Customer messages missing from the tracker store, or stored twice or out of order."""
    lost = 0
    with sqlite3.connect(bot.tracker_db) as database:
        for index in range(conversations):
            rows = database.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (f"soak-{index}",)
            ).fetchall()
            stored = [json.loads(data)["text"] for (data,) in rows]
            expected = [MESSAGES[i % len(MESSAGES)] for i in range(messages)]
            lost += sum(1 for a, b in zip(stored, expected, strict=False) if a != b) + abs(len(stored) - len(expected))
    return lost


def main() -> int:
    """Runs the soak and prints its report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir, live_bot(Path(workdir)) as bot:
        rasa_pid = _rasa_pid(bot)
        memory_before = resident_memory_mb(rasa_pid)
        started = time.perf_counter()
        latencies, errors = asyncio.run(soak(bot, args.conversations, args.messages))
        elapsed = time.perf_counter() - started
        memory_after = resident_memory_mb(rasa_pid)
        lost = lost_events(bot, args.conversations, args.messages)

    quantiles = statistics.quantiles(latencies, n=100)
    print(f"{args.conversations} conversations x {args.messages} messages in {elapsed:.1f} s "
          f"({len(latencies) / elapsed:.1f} messages/s)")
    print(f"errors: {errors}   lost events: {lost}")
    print(f"latency p50 {quantiles[49] * 1000:.0f} ms   p99 {quantiles[98] * 1000:.0f} ms")
    print(f"Rasa resident memory: {memory_before:.0f} MB before, {memory_after:.0f} MB after")
    return 0 if errors == 0 and lost == 0 else 1


def _rasa_pid(bot: LiveBot) -> int:
    import subprocess

    port = bot.rasa_url.rsplit(":", 1)[1]
    output = subprocess.run(["pgrep", "-f", f"rasa run --model .* --port {port}"], capture_output=True, text=True)
    return int(output.stdout.split()[0])


if __name__ == "__main__":
    sys.exit(main())
