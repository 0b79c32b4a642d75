"""Reports external/calibration utterances that also occur in the training data or the held-out split.

Usage: python scripts/check_external_overlap.py [--external tests/data/nlu_external.yml]
                                                 [--calibration tests/data/nlu_calibration.yml]

Utterances are compared after normalisation: Unicode NFKC, lower case, every
whitespace and punctuation character removed (so "안녕하세요!" and "안녕 하세요" match).
It also reports utterances shared by the external and the calibration set, and
utterances listed twice inside one set. Exit code 1 when any overlap is found.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def normalise(text: str) -> str:
    """Lower-cased NFKC text without whitespace and punctuation/symbols."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(
        ch for ch in text if not (ch.isspace() or unicodedata.category(ch)[0] in "PS")
    )


def read_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, utterance) pairs of a Rasa NLU YAML file; entity markup is kept as is."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs: list[tuple[str, str]] = []
    for block in data.get("nlu") or []:
        intent = block.get("intent")
        examples = block.get("examples")
        if not intent or not isinstance(examples, str):
            continue
        for line in examples.splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((intent, line[2:].strip()))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--external", type=Path, default=ROOT / "tests/data/nlu_external.yml")
    parser.add_argument("--calibration", type=Path, default=ROOT / "tests/data/nlu_calibration.yml")
    args = parser.parse_args()

    reference: dict[str, tuple[str, str]] = {}
    ref_files = sorted((ROOT / "data/nlu").glob("*.yml")) + [ROOT / "tests/data/nlu_holdout.yml"]
    for path in ref_files:
        if path.exists():
            for intent, text in read_examples(path):
                reference.setdefault(normalise(text), (str(path.relative_to(ROOT)), intent))

    problems = 0
    seen_sets: dict[str, dict[str, str]] = {}
    for path in (args.external, args.calibration):
        if not path.exists():
            print(f"missing: {path}")
            problems += 1
            continue
        own: dict[str, str] = {}
        for intent, text in read_examples(path):
            key = normalise(text)
            if key in reference:
                where, ref_intent = reference[key]
                print(f"{path.name}: '{text}' ({intent}) also in {where} ({ref_intent})")
                problems += 1
            if key in own:
                print(f"{path.name}: '{text}' listed twice")
                problems += 1
            own[key] = text
        seen_sets[path.name] = own
        print(f"{path.name}: {len(own)} distinct utterances checked")

    if len(seen_sets) == 2:
        first, second = seen_sets.values()
        for key in sorted(set(first) & set(second)):
            print(f"in both sets: '{first[key]}'")
            problems += 1

    print("no overlap" if not problems else f"{problems} overlapping utterance(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
