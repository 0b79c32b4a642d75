"""The fixed Korean corpus the benchmark uses: the training examples and the held-out split."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import yaml

from bench import PROJECT_ROOT

NLU_DATA = PROJECT_ROOT / "data" / "nlu"
HOLDOUT = PROJECT_ROOT / "tests" / "data" / "nlu_holdout.yml"
# "[3만원](amount)" or '[3만원]{"entity": "amount"}' -> "3만원"
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def read_examples(path: Path) -> List[Tuple[str, str]]:
    """``(intent, text)`` pairs of a Rasa YAML NLU file, entity annotations reduced to their text."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in document.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((block["intent"], _ANNOTATION.sub(r"\1", line[2:].strip())))
    return pairs


def training_examples() -> List[Tuple[str, str]]:
    """Every training example in ``data/nlu``, file by file in name order."""
    return [pair for path in sorted(NLU_DATA.glob("*.yml")) for pair in read_examples(path)]


def korean_corpus() -> List[str]:
    """The tokenizer corpus: every training and held-out sentence, in a fixed order."""
    return [text for _, text in training_examples() + read_examples(HOLDOUT)]


def without_spaces(text: str) -> str:
    """The sentence as customers often type it on a phone: no spaces at all."""
    return "".join(text.split())


def write_nlu_file(path: Path, examples: Iterable[Tuple[str, str]], comment: str) -> Path:
    """Writes ``(intent, text)`` pairs as a Rasa YAML NLU file."""
    by_intent: Dict[str, List[str]] = {}
    for intent, text in examples:
        by_intent.setdefault(intent, []).append(text)
    lines = ['version: "3.1"', f"# {comment}", "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in texts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
