"""What the customer meets, per test set: the right topic, a clarification, or a wrong topic.

F1 alone hides the difference between "asked to clarify" (the customer taps a button) and "answered
with the wrong topic" (the customer gets a confident wrong answer). For every sentence of a test set
the trained model's full pipeline decides (the FallbackClassifier included), and each decision is one
of three outcomes:

- **right**: the predicted intent is the sentence's intent;
- **asked**: the model was unsure (``nlu_fallback``): the customer gets the clarification buttons;
- **wrong**: another intent: the customer gets another topic's answer.

Accuracy per confidence band (of the model's top intent before the fallback) tells whether 0.9
really means right nine times in ten; ``sweep`` shows what other fallback thresholds would give,
to tune them on the calibration split, never on a test set.

``python -m trainer.outcomes [--model M] SET.yml ...`` prints the table for each set.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from rasa_runtime.trained_models import newest_model
from trainer.nlu_files import read_examples
from trainer.project import FALLBACK_INTENT

# Confidence bands of the top intent (lower bounds), for the calibration table.
BANDS: Tuple[float, ...] = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)


@dataclass(frozen=True)
class Decision:
    """What the model decided for one test sentence."""

    text: str
    intent: str
    predicted: str
    top_intent: str
    top_confidence: float

    @property
    def outcome(self) -> str:
        """``right``, ``asked`` or ``wrong``."""
        if self.predicted == self.intent:
            return "right"
        if self.predicted == FALLBACK_INTENT:
            return "asked"
        return "wrong"


@dataclass
class SetScore:
    """The outcomes on one test set."""

    name: str
    decisions: List[Decision] = field(default_factory=list)

    def share(self, outcome: str) -> float:
        """The share of sentences with that outcome."""
        return sum(d.outcome == outcome for d in self.decisions) / max(1, len(self.decisions))

    @property
    def macro_f1(self) -> float:
        """Macro-F1 over the set's intents, a clarification counted as a miss."""
        return macro_f1([(d.intent, d.predicted) for d in self.decisions])

    def bands(self) -> List[Tuple[str, int, float]]:
        """(band, sentences, share whose top intent is right) per confidence band."""
        rows = []
        edges = list(BANDS) + [1.01]
        for low, high in zip(edges, edges[1:], strict=False):
            inside = [d for d in self.decisions if low <= d.top_confidence < high]
            if inside:
                right = sum(d.top_intent == d.intent for d in inside) / len(inside)
                rows.append((f"{low:.2f}–{min(high, 1.0):.2f}", len(inside), right))
        return rows

    def as_dict(self) -> Dict[str, object]:
        """The figures as JSON-able values."""
        return {
            "sentences": len(self.decisions),
            "right": round(self.share("right"), 4),
            "asked": round(self.share("asked"), 4),
            "wrong": round(self.share("wrong"), 4),
            "macro_f1": round(self.macro_f1, 4),
            "bands": [{"band": b, "sentences": n, "top_right": round(r, 4)} for b, n, r in self.bands()],
        }


def macro_f1(pairs: Sequence[Tuple[str, str]]) -> float:
    """Macro-averaged F1 over the gold intents of ``pairs`` (gold, predicted)."""
    labels = sorted({gold for gold, _ in pairs})
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in pairs)
        fp = sum(g != label and p == label for g, p in pairs)
        fn = sum(g == label and p != label for g, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def sweep(decisions: Iterable[Decision], thresholds: Sequence[float]) -> List[Tuple[float, float, float, float]]:
    """(threshold, right, asked, wrong) had the fallback threshold been each of ``thresholds``.

    Only the confidence threshold is replayed (the top intent below it becomes a clarification).
    """
    items = list(decisions)
    rows = []
    for threshold in thresholds:
        outcomes = []
        for d in items:
            if d.top_confidence < threshold:
                outcomes.append("asked")
            else:
                outcomes.append("right" if d.top_intent == d.intent else "wrong")
        n = max(1, len(outcomes))
        rows.append((threshold, outcomes.count("right") / n, outcomes.count("asked") / n, outcomes.count("wrong") / n))
    return rows


async def _decide(model: Path, sets: Sequence[Path]) -> List[SetScore]:
    """Runs the model over each set's sentences."""
    import logging

    import structlog
    from rasa.core.agent import Agent

    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model))
    # Rasa logs every parse at debug level through structlog; the table is what a trainer reads.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    scores = []
    for path in sets:
        score = SetScore(path.name)
        for example in read_examples(path):
            parsed = await agent.parse_message(example.text)
            ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
            top = ranking[0] if ranking else {"name": FALLBACK_INTENT, "confidence": 0.0}
            score.decisions.append(
                Decision(
                    text=example.text,
                    intent=example.intent,
                    predicted=(parsed.get("intent") or {}).get("name") or FALLBACK_INTENT,
                    top_intent=str(top.get("name")),
                    top_confidence=float(top.get("confidence") or 0.0),
                )
            )
        scores.append(score)
    return scores


def score_sets(model: Path, sets: Sequence[Path]) -> List[SetScore]:
    """Scores ``model`` on each NLU file of ``sets``."""
    return asyncio.run(_decide(model, sets))


def print_scores(scores: Sequence[SetScore]) -> None:
    """Prints right / asked / wrong and the confidence bands of each set."""
    print(f"{'set':28s} {'n':>4s} {'right':>7s} {'asked':>7s} {'wrong':>7s} {'macro-F1':>9s}")
    for score in scores:
        print(
            f"{score.name:28s} {len(score.decisions):4d} {score.share('right'):7.1%} {score.share('asked'):7.1%} "
            f"{score.share('wrong'):7.1%} {score.macro_f1:9.3f}"
        )
    for score in scores:
        print(f"\n{score.name}: accuracy of the top intent per confidence band")
        for band, count, right in score.bands():
            print(f"  {band}  {count:4d} sentences  {right:6.1%} right")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Scores the newest model (or ``--model``) on the given sets; exits 1 below the thresholds."""
    parser = argparse.ArgumentParser(prog="python -m trainer.outcomes", description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--sweep", action="store_true", help="show other fallback thresholds (calibration only)")
    parser.add_argument("--check", nargs=3, action="append", default=[], metavar=("SET", "MIN_F1", "MAX_WRONG"),
                        help="fail when SET's macro-F1 is below MIN_F1 or its wrong share above MAX_WRONG")
    args = parser.parse_args(argv)
    model = args.model or newest_model(Path("models"))
    if model is None:
        print("No model in models/: run make train first.", file=sys.stderr)
        return 1
    scores = score_sets(model, args.sets)
    print(f"Model {model.name}")
    print_scores(scores)
    if args.sweep:
        for score in scores:
            print(f"\n{score.name}: fallback threshold sweep (threshold right asked wrong)")
            for threshold, right, asked, wrong in sweep(score.decisions, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]):
                print(f"  {threshold:.2f}  {right:6.1%} {asked:6.1%} {wrong:6.1%}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({s.name: s.as_dict() for s in scores}, ensure_ascii=False, indent=2), encoding="utf-8")
    failed = False
    by_name = {s.name: s for s in scores}
    for name, min_f1, max_wrong in args.check:
        checked = by_name.get(Path(name).name)
        if checked is None:
            print(f"--check names a set that was not scored: {name}", file=sys.stderr)
            failed = True
            continue
        if checked.macro_f1 < float(min_f1) or checked.share("wrong") > float(max_wrong):
            print(f"{checked.name}: macro-F1 {checked.macro_f1:.3f} (min {min_f1}), wrong {checked.share('wrong'):.1%} "
                  f"(max {float(max_wrong):.0%}): below the threshold", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
