"""The benchmark's outputs: JSON results, the short table with every figure beside its baseline, the plot."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bench import PLOT_PATH, RESULTS_DIR

Row = Tuple[str, str, str, str, str]

# Issue 7's targets, as ratios of our figure to the baseline measured in the same run.
SINGLE_USER_P50_MAX_RATIO = 1.0
THROUGHPUT_MIN_RATIO = 3.0
STARTUP_MAX_RATIO = 1.0


def write_json(results: Dict[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    """Writes each topic to ``<topic>.json`` and everything to ``bench-<time>.json`` and ``latest.json``."""
    results_dir.mkdir(parents=True, exist_ok=True)
    for topic, value in results.items():
        if isinstance(value, dict):
            (results_dir / f"{topic}.json").write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    text = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    stamped = results_dir / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    stamped.write_text(text)
    (results_dir / "latest.json").write_text(text)
    return stamped


def _ratio(ours: Optional[float], baseline: Optional[float]) -> Optional[float]:
    if ours is None or not baseline:
        return None
    return ours / baseline


def _fmt(value: Optional[float], digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _verdict(ok: Optional[bool]) -> str:
    return "" if ok is None else ("met" if ok else "MISSED")


def rows(results: Dict[str, Any]) -> List[Row]:
    """The table: (figure, ours, baseline, ratio, target and verdict)."""
    table: List[Row] = []
    tokenizer = results.get("tokenizer")
    if tokenizer:
        baseline = tokenizer["baseline"]
        for analyzer in tokenizer["analyzers"]:
            if "error" in analyzer:
                table.append((f"tokenizer {analyzer['analyzer']}", "unavailable", "", "", analyzer["error"][:40]))
                continue
            speed = analyzer["sentences_per_s"]
            table.append((
                f"tokenizer {analyzer['analyzer']}: sentences/s (alignment failures)",
                f"{speed:,.0f} ({analyzer['alignment_failures']})",
                f"{baseline['sentences_per_s']:,.0f} whitespace",
                f"{_fmt(_ratio(speed, baseline['sentences_per_s']), 2)}x", "",
            ))
        table.append((
            "whitespace tokenizer: all-Hangul words dropped",
            "", f"{baseline['all_hangul_words_dropped']:,} of {baseline['all_hangul_words']:,}", "", "",
        ))
    nlu = results.get("nlu")
    if nlu:
        scores = nlu["macro_f1"]
        for split in ("clean", "spaceless"):
            ours, white = scores["mecab"][split], scores["whitespace"][split]
            table.append((
                f"NLU macro-F1, held-out {split} (okt {scores.get('okt', {}).get(split, float('nan')):.3f})",
                f"{ours:.3f}", f"{white:.3f} whitespace", f"{ours - white:+.3f}",
                f"> whitespace: {_verdict(ours > white)}",
            ))
    e2e = results.get("e2e")
    if e2e:
        table += _e2e_rows(e2e)
    kakao = results.get("kakao")
    if kakao:
        table += _kakao_rows(kakao)
    training = results.get("training")
    if training:
        full = training["full"]["seconds"]
        stock_seconds = (results.get("stock") or {}).get("seconds")
        table.append((
            "full training (s)", _fmt(full), f"{_fmt(stock_seconds)} stock init",
            f"{_fmt(_ratio(full, stock_seconds), 2)}x", f"< {training['target_full_s']:.0f} s: "
            f"{_verdict(full < training['target_full_s'])}",
        ))
        retrain = training["retrain_after_one_example"]["seconds"]
        table.append(("retraining after one new example (s)", _fmt(retrain), f"{_fmt(full)} full",
                      f"{_fmt(_ratio(retrain, full), 2)}x", ""))
    return table


def _level(e2e: Dict[str, Any], subject: str, users: int) -> Optional[Dict[str, Any]]:
    return e2e["subjects"].get(subject, {}).get("levels", {}).get(str(users))


def _e2e_rows(e2e: Dict[str, Any]) -> List[Row]:
    table: List[Row] = []
    subjects = e2e["subjects"]
    stock1, ours1 = _level(e2e, "stock", 1), _level(e2e, "paybot", 1)
    if stock1 and ours1:
        ratio = _ratio(ours1["p50_ms"], stock1["p50_ms"])
        table.append((
            "1 user: p50 / p95 / p99 latency (ms)",
            f"{ours1['p50_ms']:.0f} / {ours1['p95_ms']:.0f} / {ours1['p99_ms']:.0f}",
            f"{stock1['p50_ms']:.0f} / {stock1['p95_ms']:.0f} / {stock1['p99_ms']:.0f} stock",
            f"{_fmt(ratio, 2)}x",
            f"p50 <= {SINGLE_USER_P50_MAX_RATIO:g}x: {_verdict(ratio is not None and ratio <= SINGLE_USER_P50_MAX_RATIO)}",
        ))
    stock20 = _level(e2e, "stock", 20)
    for name, label in (("paybot", "1 Rasa process"), ("paybot-2w", "2 Rasa workers, Redis lock")):
        ours20 = _level(e2e, name, 20)
        if not (stock20 and ours20):
            continue
        ratio = _ratio(ours20["messages_per_s"], stock20["messages_per_s"])
        ok = ratio is not None and ratio >= THROUGHPUT_MIN_RATIO and ours20["errors"] == 0
        table.append((
            f"20 users: messages/s (errors), {label}",
            f"{ours20['messages_per_s']:.1f} ({ours20['errors']})",
            f"{stock20['messages_per_s']:.1f} ({stock20['errors']}) stock", f"{_fmt(ratio, 2)}x",
            f">= {THROUGHPUT_MIN_RATIO:g}x, 0 errors: {_verdict(ok)}",
        ))
        table.append((
            f"20 users: p50 / p95 / p99 latency (ms), {label}",
            f"{ours20['p50_ms']:.0f} / {ours20['p95_ms']:.0f} / {ours20['p99_ms']:.0f}",
            f"{stock20['p50_ms']:.0f} / {stock20['p95_ms']:.0f} / {stock20['p99_ms']:.0f} stock",
            f"{_fmt(_ratio(ours20['p50_ms'], stock20['p50_ms']), 2)}x", "",
        ))
    if "stock" in subjects and "paybot" in subjects:
        ours_s, stock_s = subjects["paybot"]["startup"]["seconds"], subjects["stock"]["startup"]["seconds"]
        ratio = _ratio(ours_s, stock_s)
        table.append(("start-up to first answer (s)", _fmt(ours_s), f"{_fmt(stock_s)} stock", f"{_fmt(ratio, 2)}x",
                      f"<= {STARTUP_MAX_RATIO:g}x: {_verdict(ratio is not None and ratio <= STARTUP_MAX_RATIO)}"))
        memory = subjects["paybot"]["memory_after_load"]
        stock_memory = subjects["stock"]["memory_after_load"]["rasa"]["rss_mb"]
        table.append((
            "resident memory after load (MB): rasa + actions",
            f"{memory['rasa']['rss_mb']:.0f} + {memory['actions']['rss_mb']:.0f}",
            f"{stock_memory:.0f} stock", f"{_fmt(_ratio(memory['rasa']['rss_mb'] + memory['actions']['rss_mb'], stock_memory), 2)}x", "",
        ))
        if "paybot-2w" in subjects:
            memory2 = subjects["paybot-2w"]["memory_after_load"]
            table.append((
                "  same, 2 Rasa workers (all processes)",
                f"{memory2['rasa']['rss_mb']:.0f} + {memory2['actions']['rss_mb']:.0f}", "", "", "",
            ))
        cpu = subjects["paybot"].get("cpu_ms_per_message_at_20_users", {})
        stock_cpu = subjects["stock"].get("cpu_ms_per_message_at_20_users", {}).get("rasa")
        ours_cpu = sum(cpu.values()) if cpu else None
        table.append((
            "CPU per message at 20 users (ms): rasa + actions",
            " + ".join(f"{cpu[role]:.1f}" for role in ("rasa", "actions") if role in cpu),
            f"{_fmt(stock_cpu)} stock", f"{_fmt(_ratio(ours_cpu, stock_cpu), 2)}x", "",
        ))
    return table


def _kakao_rows(kakao: Dict[str, Any]) -> List[Row]:
    """Per Rasa-process count: the capacity of each sweep, the level beyond it, and the slowest HTTP answer."""
    table: List[Row] = []
    promise_ms = kakao["promise_s"] * 1000
    for subject, measured in kakao["subjects"].items():
        for sweep, label in (("distinct_customers", "customers at once"), ("one_customer_burst", "one customer's burst")):
            found = measured[sweep]
            levels = found["levels"]
            slowest = max(level["http_max_ms"] for level in levels)
            beyond = next((level for level in levels if not level["holds"]), None)
            if beyond is None:
                detail = f"all held, up to {levels[-1]['level']}"
            else:
                shed = beyond["apologies"] + beyond["busy"] + beyond["errors"]
                detail = f"{beyond['level']}: {shed} of {beyond['messages']} without answer"
            table.append((
                f"Kakao, {subject}: {label} answered in time (p95 < {kakao['promise_s']:g} s)",
                f"{found['capacity']}" + ("+" if found["all_measured_held"] else ""), detail, "",
                f"every HTTP answer < {kakao['promise_s']:g} s (max {slowest:,.0f} ms): "
                f"{_verdict(slowest < promise_ms)}",
            ))
    return table


def format_table(table: Sequence[Row]) -> str:
    """The rows as an aligned plain-text table (also valid Markdown)."""
    header: Row = ("figure", "ours", "baseline", "ratio", "target")
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(5)]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(header)) + " |",
             "|" + "|".join("-" * (width + 2) for width in widths) + "|"]
    lines += ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in table]
    return "\n".join(lines)


def plot(e2e: Dict[str, Any], path: Path = PLOT_PATH) -> Optional[Path]:
    """Latency (p50, p95 dashed) and messages/s against concurrent users, one line per bot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {"stock": "stock rasa init", "paybot": "paybot (1 Rasa process)",
              "paybot-2w": "paybot (2 Rasa workers, Redis lock)"}
    colors = {"stock": "tab:gray", "paybot": "tab:blue", "paybot-2w": "tab:green"}
    figure, (latency_axis, throughput_axis) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, subject in e2e["subjects"].items():
        levels = sorted(subject.get("levels", {}).values(), key=lambda level: level["users"])
        if not levels:
            continue
        users = [level["users"] for level in levels]
        color = colors.get(name)
        latency_axis.plot(users, [level["p50_ms"] for level in levels], marker="o", color=color,
                          label=f"{labels.get(name, name)} p50")
        latency_axis.plot(users, [level["p95_ms"] for level in levels], linestyle="--", color=color,
                          label=f"{labels.get(name, name)} p95")
        throughput_axis.plot(users, [level["messages_per_s"] for level in levels], marker="o", color=color,
                             label=labels.get(name, name))
    latency_axis.set(xlabel="concurrent users", ylabel="latency (ms)", title="Latency per message",
                     yscale="log")
    throughput_axis.set(xlabel="concurrent users", ylabel="answers per second", title="Throughput")
    latency_axis.legend(fontsize=7)
    throughput_axis.legend(fontsize=7)
    for axis in (latency_axis, throughput_axis):
        axis.grid(True, alpha=0.3)
    load = e2e.get("load_average_during_sweep", {})
    figure.suptitle(f"REST, loopback, 2 cores (load average during the runs {load.get('min', 0):.1f}-"
                    f"{load.get('max', 0):.1f})", fontsize=9)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
