"""Kakao capacity: how much load one 2-core machine takes while customers still get their answers in time.

Kakao shows its error 5 s after sending; the channel answers every request within 4.5 s by answering
for the bot (an apology, "please wait") when the bot cannot. So the figure that counts is not the HTTP
time, which stays under 4.5 s by design, but the time until the customer has the bot's *real* answer:
an apology, a wait answer or an error counts as never. A level holds when the p95 of that time is under
4.5 s (at most 5 % of the customers do without their answer, and the rest get it in time); the capacity
is the largest level that holds, measured upwards until one does not.

- **Distinct customers**: N customers at once, each sending a short conversation, one message at a
  time, the next as soon as the answer came (a closed loop, no think time: harsher than people).
- **One customer bursting**: B messages of one customer at once (as a script or a stuck client sends);
  the channel answers them one after another. The servers run with ``KAKAO_MAX_QUEUED_PER_USER`` raised
  to the largest burst, to measure how many can be answered in time; in production the bound (5 by
  default) answers the rest with the guide's wait message at once.

Both for one Rasa process and for two (``rasa run`` on two ports sharing the SQLite tracker store, the
Redis lock store and the Kakao queues, requests alternating between them as a round-robin load balancer
sends them). Requests carry no callbackUrl: a late answer is an apology, the strictest case.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
import math
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import aiohttp

from bench import PROJECT_ROOT
from bench.e2e_bench import BENCH_REDIS_DB, redis_answers
from bench.load import PAYBOT_SCRIPT, percentile
from bench.measure import load_average
from bench.servers import RunningBot, paybot

logger = logging.getLogger(__name__)

# Kakao's limit is 5 s; the channel's promise, and the bar a level must clear, is 4.5 s.
PROMISE_S = 4.5
USER_LEVELS: Sequence[int] = (5, 10, 20, 40, 80, 160)
BURST_LEVELS: Sequence[int] = (25, 50, 100, 200)
MESSAGES_PER_CUSTOMER = 5
TOKEN = "bench-kakao-token"
REQUEST_EXAMPLE = PROJECT_ROOT / "tests" / "data" / "fixtures" / "kakao" / "request.example.json"


@dataclass
class KakaoLevel:
    """What one level measured: HTTP times, and the time to the real answer (inf when there was none)."""

    level: int
    messages: int
    seconds: float
    answered_p95_ms: Optional[float]
    http_p95_ms: float
    http_max_ms: float
    inline: int
    apologies: int
    busy: int
    errors: int
    holds: bool

    def as_dict(self) -> Dict[str, Any]:
        """The result as JSON-ready values."""
        return asdict(self)


class Skill:
    """Builds skill requests like Open Builder's, and classifies the answers."""

    def __init__(self) -> None:
        from paybot.guide import load_guide

        self._example = json.loads(REQUEST_EXAMPLE.read_text(encoding="utf-8"))
        guide = load_guide()
        self.apology = guide.message("technical_error").split("\n")[0]
        self.busy = guide.message("kakao_busy_wait")

    def request(self, utterance: str, user: str) -> Dict[str, Any]:
        """The example request with this utterance and user, without a callbackUrl."""
        payload = copy.deepcopy(self._example)
        payload["userRequest"]["utterance"] = utterance
        payload["userRequest"]["user"]["id"] = user
        payload["userRequest"]["user"]["properties"]["botUserKey"] = user
        payload["userRequest"].pop("callbackUrl", None)
        return payload

    def kind(self, body: Any) -> str:
        """inline (the bot's answer), apology, busy (the wait answer), or error."""
        try:
            text = body["template"]["outputs"][0]["simpleText"]["text"]
        except (KeyError, IndexError, TypeError):
            try:
                text = body["template"]["outputs"][0]["textCard"]["description"]
            except (KeyError, IndexError, TypeError):
                return "error"
        if text == self.busy:
            return "busy"
        if text.startswith(self.apology):
            return "apology"
        return "inline"


async def _post(session: aiohttp.ClientSession, url: str, payload: Dict[str, Any], skill: Skill,
                results: List[tuple]) -> None:
    started = time.perf_counter()
    try:
        async with session.post(url, params={"token": TOKEN}, json=payload) as reply:
            body = await reply.json(content_type=None)
            kind = skill.kind(body) if reply.status == 200 else "error"
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        kind = "error"
    results.append((time.perf_counter() - started, kind))


def _summarise(level: int, results: List[tuple], seconds: float) -> KakaoLevel:
    http = [elapsed for elapsed, _ in results]
    # Nearest rank: an unanswered message (inf) within the top 5 % does not spoil the p95.
    answered = sorted(elapsed if kind == "inline" else math.inf for elapsed, kind in results)
    p95 = answered[max(math.ceil(0.95 * len(answered)) - 1, 0)]
    kinds = [kind for _, kind in results]
    return KakaoLevel(
        level=level,
        messages=len(results),
        seconds=round(seconds, 2),
        answered_p95_ms=None if math.isinf(p95) else round(p95 * 1000, 1),
        http_p95_ms=round(percentile(http, 0.95) * 1000, 1),
        http_max_ms=round(max(http) * 1000, 1),
        inline=kinds.count("inline"),
        apologies=kinds.count("apology"),
        busy=kinds.count("busy"),
        errors=kinds.count("error"),
        holds=not math.isinf(p95) and p95 < PROMISE_S,
    )


def _session() -> aiohttp.ClientSession:
    # A new connection per message, as Kakao's servers send them (and so each goes to any free server).
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True),
                                 timeout=aiohttp.ClientTimeout(total=30))


async def distinct_customers(urls: Sequence[str], customers: int, skill: Skill) -> KakaoLevel:
    """``customers`` at once, each a short conversation, closed loop, alternating over ``urls``."""
    results: List[tuple] = []
    servers = itertools.cycle(urls)

    async def customer(session: aiohttp.ClientSession) -> None:
        user = f"bench-{uuid.uuid4().hex}"
        for text in PAYBOT_SCRIPT[:MESSAGES_PER_CUSTOMER]:
            await _post(session, next(servers), skill.request(text, user), skill, results)

    async with _session() as session:
        started = time.perf_counter()
        await asyncio.gather(*(customer(session) for _ in range(customers)))
        return _summarise(customers, results, time.perf_counter() - started)


async def one_customer_burst(urls: Sequence[str], size: int, skill: Skill) -> KakaoLevel:
    """``size`` messages of one customer at once, alternating over ``urls``."""
    results: List[tuple] = []
    user = f"bench-burst-{uuid.uuid4().hex}"
    servers = itertools.cycle(urls)
    async with _session() as session:
        started = time.perf_counter()
        await asyncio.gather(*(
            _post(session, next(servers), skill.request(PAYBOT_SCRIPT[index % len(PAYBOT_SCRIPT)], user), skill,
                  results)
            for index in range(size)
        ))
        return _summarise(size, results, time.perf_counter() - started)


def _sweep(name: str, levels: Sequence[int], measure: Any) -> Dict[str, Any]:
    """Measures levels upwards until one does not hold; the capacity is the last that held."""
    found: List[Dict[str, Any]] = []
    capacity = 0
    for level in levels:
        result = asyncio.run(measure(level))
        found.append(result.as_dict())
        logger.info("kakao %-22s %4d: answered p95 %s ms, HTTP p95 %.0f max %.0f ms, inline %d apology %d "
                    "busy %d errors %d (load %s)", name, level,
                    "-" if result.answered_p95_ms is None else f"{result.answered_p95_ms:.0f}",
                    result.http_p95_ms, result.http_max_ms, result.inline, result.apologies, result.busy,
                    result.errors, load_average())
        if not result.holds:
            break
        capacity = level
    return {"capacity": capacity, "levels": found, "all_measured_held": capacity == levels[-1]}


def _measure_bot(bot: RunningBot, skill: Skill) -> Dict[str, Any]:
    urls = [url.replace("/webhooks/rest/webhook", "/webhooks/kakao/webhook") for url in bot.webhook_urls]
    asyncio.run(distinct_customers(urls, 4, skill))  # warm-up
    return {
        "distinct_customers": _sweep("customers", USER_LEVELS,
                                     lambda level: distinct_customers(urls, level, skill)),
        "one_customer_burst": _sweep("one customer bursting", BURST_LEVELS,
                                     lambda level: one_customer_burst(urls, level, skill)),
    }


def run(our_model: Path, workdir: Path, processes: Sequence[int] = (1, 2)) -> Dict[str, Any]:
    """Runs the sweeps for one Rasa process and, when Redis answers, for two."""
    skill = Skill()
    env = {"KAKAO_SKILL_TOKEN": TOKEN, "KAKAO_BOT_ID": "", "KAKAO_MAX_QUEUED_PER_USER": str(max(BURST_LEVELS))}
    results: Dict[str, Any] = {"promise_s": PROMISE_S, "messages_per_customer": MESSAGES_PER_CUSTOMER,
                               "subjects": {}}
    for count in processes:
        extra = dict(env)
        if count > 1:
            if not redis_answers():
                logger.warning("Redis is not reachable on 127.0.0.1:6379: the %d-process Kakao run is skipped.", count)
                continue
            extra.update({"LOCK_STORE_TYPE": "redis", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379",
                          "REDIS_DB": BENCH_REDIS_DB})
        with paybot(our_model, workdir / f"kakao-{count}", rasa_servers=count, extra_env=extra) as bot:
            bot.wait_for_first_answer()
            loads_before = load_average()
            measured = _measure_bot(bot, skill)
            measured["load_average"] = {"start": loads_before, "end": load_average()}
            results["subjects"][f"{count}-process"] = measured
    return results
