"""``python -m bench`` (``make bench``): the whole speed benchmark, or the topics named with ``--only``.

Order: tokenizers; our full training and retraining (the model it trains is what the rest measures);
the stock ``rasa init`` bot; the NLU comparison (okt and whitespace variants trained on the same data);
end to end (start-up, latency and throughput, memory); the Kakao capacity (:mod:`bench.kakao_bench`),
then the table, JSON and plot.

``--model PATH`` (or ``--model newest`` for the newest in models/) skips training and serves that
model; ``--stock DIR`` reuses a stock project made by an earlier run (e.g. ``$BENCH_WORKDIR/stock``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench import PLOT_PATH, PROJECT_ROOT, PYTHON, RESULTS_DIR
from bench.measure import load_average
from rasa_runtime.trained_models import newest_model

logger = logging.getLogger("bench")
TOPICS = ("tokenizer", "training", "nlu", "e2e", "kakao")
# The concurrency levels of the full sweep (docs/performance.md's plot).
DEFAULT_LEVELS = "1,5,10,20"


def _newest_model() -> Path:
    model = newest_model()
    if model is None:
        raise SystemExit("No model in models/: run `make train`, or leave out --model to train one.")
    return model


def _tokenizer(workdir: Path) -> Dict[str, Any]:
    with (workdir / "tokenizer.log").open("w") as log:
        done = subprocess.run([str(PYTHON), "-m", "bench.tokenizer_bench"], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=log, text=True, check=True)
    return json.loads(done.stdout)


def _stock_from(directory: Path) -> Dict[str, Any]:
    models = sorted((directory / "models").glob("*.tar.gz"))
    if not models:
        raise SystemExit(f"{directory} has no trained stock model")
    return {"project": str(directory), "model": str(models[-1]), "seconds": None, "reused": True}


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the benchmark and prints the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(TOPICS), help=f"comma-separated topics of {TOPICS}")
    parser.add_argument("--model", help="serve and score this model instead of training one ('newest')")
    parser.add_argument("--stock", type=Path, help="reuse this stock rasa init project")
    parser.add_argument("--levels", default=DEFAULT_LEVELS, help="concurrent users to measure")
    parser.add_argument("--repeats", type=int, default=2, help="runs of the 1- and 20-user levels")
    parser.add_argument("--no-two-workers", action="store_true", help="skip the two-worker Redis variant")
    parser.add_argument("--profile", action="store_true", help="record py-spy profiles of our servers")
    parser.add_argument("--workdir", type=Path, help="keep projects, models and logs here")
    args = parser.parse_args(argv)
    topics = [topic.strip() for topic in args.only.split(",") if topic.strip()]
    unknown = set(topics) - set(TOPICS)
    if unknown:
        parser.error(f"unknown topics: {', '.join(sorted(unknown))}")

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="paybot-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results: Dict[str, Any] = {"meta": {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "workdir": str(workdir),
                                        "load_average_at_start": load_average(), "cpus": os.cpu_count()}}

    from bench import e2e_bench, kakao_bench, nlu_bench, report, stock_bot, training_bench

    def step(name: str) -> None:
        logger.info("== %s (%.0f s so far, load average %s)", name, time.monotonic() - started, load_average())

    if "tokenizer" in topics:
        step("tokenizers")
        results["tokenizer"] = _tokenizer(workdir)
    our_model: Optional[Path] = None
    project: Optional[Path] = None
    if args.model:
        our_model = _newest_model() if args.model == "newest" else Path(args.model)
    elif {"training", "nlu", "e2e", "kakao"} & set(topics):
        step("training (full, then after one new example)")
        results["training"] = training_bench.run(workdir)
        our_model = Path(results["training"]["full"]["model"])
        project = Path(results["training"]["project"])
    stock: Optional[Dict[str, Any]] = None
    if "e2e" in topics or "training" in topics:
        if args.stock:
            stock = _stock_from(args.stock)
        else:
            step("stock bot (rasa init --no-prompt)")
            stock = stock_bot.create(workdir)
        results["stock"] = stock
    if "nlu" in topics:
        assert our_model is not None, "trained or given above"
        step("NLU: okt and whitespace variants, held-out macro-F1")
        results["nlu"] = nlu_bench.run(workdir, project or training_bench.copy_project(workdir / "project"),
                                       our_model)
    if "e2e" in topics:
        assert our_model is not None and stock is not None, "trained or given above"
        step("end to end: start-up, latency, throughput, memory")
        results["e2e"] = e2e_bench.run(
            our_model, Path(stock["project"]), Path(stock["model"]), workdir,
            levels=[int(level) for level in args.levels.split(",")], repeats=args.repeats,
            two_workers=not args.no_two_workers, profile_dir=RESULTS_DIR if args.profile else None,
        )
    if "kakao" in topics:
        assert our_model is not None, "trained or given above"
        step("Kakao capacity: distinct customers and one customer bursting, 1 and 2 Rasa processes")
        results["kakao"] = kakao_bench.run(our_model, workdir)
    results["meta"]["seconds"] = round(time.monotonic() - started, 1)
    results["meta"]["load_average_at_end"] = load_average()
    results["meta"]["model"] = str(our_model) if our_model else None

    saved = report.write_json(results)
    # docs/performance.md's plot is the full default sweep; a partial run draws its own beside its results.
    plot_path = PLOT_PATH if args.levels == DEFAULT_LEVELS else RESULTS_DIR / PLOT_PATH.name
    if "e2e" in results:
        report.plot(results["e2e"], plot_path)
    print()
    print(report.format_table(report.rows(results)))
    meta = results["meta"]
    print(f"\n{meta['seconds']:.0f} s; load average {meta['load_average_at_start']} at start, "
          f"{meta['load_average_at_end']} at end; results {saved.relative_to(PROJECT_ROOT)}"
          + (f"; plot {plot_path.relative_to(PROJECT_ROOT)}" if "e2e" in results else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
