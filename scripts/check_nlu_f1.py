"""Fails (exit 1) when the NLU macro-F1 on the held-out split is below a threshold.

Usage: python scripts/check_nlu_f1.py results/nlu/intent_report.json --min-macro-f1 0.90
The report is the one `rasa test nlu` writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    """Prints per-intent F1 and the macro average; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--min-macro-f1", type=float, default=0.90)
    args = parser.parse_args()

    report = json.loads(args.report.read_text(encoding="utf-8"))
    excluded = {"accuracy", "macro avg", "weighted avg", "micro avg"}
    for intent, scores in sorted(report.items()):
        if intent not in excluded and isinstance(scores, dict):
            print(f"  {intent:24s} F1 {scores['f1-score']:.3f}  (n={scores['support']})")
    macro = report["macro avg"]["f1-score"]
    print(f"Held-out macro-F1: {macro:.3f} (threshold {args.min_macro_f1:.2f})")
    if macro < args.min_macro_f1:
        print("NLU quality is below the threshold.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
