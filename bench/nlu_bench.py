"""NLU macro-F1 on the held-out split: our pipeline per analyser, and Rasa's default whitespace pipeline.

All variants are trained on the same data (``data/nlu``) with the same DIETClassifier settings
(epochs, seed, architecture) and the same FallbackClassifier as ``config.yml``; only the tokenizer
and featurizers differ:

- ``mecab``: ``config.yml`` as it is (the model the training step built is reused);
- ``okt``: the same pipeline with ``analyzer: okt``;
- ``whitespace``: Rasa's default NLU pipeline (WhitespaceTokenizer, RegexFeaturizer,
  LexicalSyntacticFeaturizer, word and char_wb 1-4 CountVectorsFeaturizers, DIET, EntitySynonymMapper)
  with our DIET and fallback settings.

Each model is scored on ``tests/data/nlu_holdout.yml`` (never used for training) as ``make test`` does
(``rasa.nlu.test``, macro-averaged F1 over intents, fallback predictions counting as errors), and on a
copy of it with every space removed, as customers often type on a phone.

Run the evaluation alone: ``python -m bench.nlu_bench evaluate MODEL... --split NAME=PATH...``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from bench import PROJECT_ROOT, PYTHON, RASA
from bench.corpus import HOLDOUT, read_examples, without_spaces, write_nlu_file
from bench.measure import require_success, run_timed
from bench.training_bench import training_env

TOKENIZER = "korean_nlu.tokenizer.KoreanTokenizer"
# Keys of our DIETClassifier and FallbackClassifier carried over to the whitespace pipeline.
DIET = "DIETClassifier"
FALLBACK = "FallbackClassifier"
# Rasa's default NLU pipeline (what `rasa init` and an empty `pipeline:` use), before DIET.
DEFAULT_FEATURE_PIPELINE: List[Dict[str, Any]] = [
    {"name": "WhitespaceTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
]
OUR_CONFIG = PROJECT_ROOT / "config.yml"


def _component(pipeline: List[Dict[str, Any]], name: str) -> Dict[str, Any]:
    return next(step for step in pipeline if step["name"] == name)


def variant_configs(config_path: Path = OUR_CONFIG) -> Dict[str, Dict[str, Any]]:
    """The NLU configurations to train besides ours: ``okt`` and ``whitespace``."""
    ours = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    okt = copy.deepcopy(ours)
    _component(okt["pipeline"], TOKENIZER)["analyzer"] = "okt"
    whitespace = copy.deepcopy(ours)
    whitespace["pipeline"] = copy.deepcopy(DEFAULT_FEATURE_PIPELINE) + [
        copy.deepcopy(_component(ours["pipeline"], DIET)),
        {"name": "EntitySynonymMapper"},
        copy.deepcopy(_component(ours["pipeline"], FALLBACK)),
    ]
    for config in (okt, whitespace):
        config.pop("policies", None)
    return {"okt": okt, "whitespace": whitespace}


def train_nlu(project: Path, name: str, config: Dict[str, Any], log: Path) -> Dict[str, Any]:
    """``rasa train nlu`` of ``config`` on the project's data."""
    config_path = project / f"config-{name}.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = require_success(
        run_timed(
            [str(RASA), "train", "nlu", "--config", config_path.name, "--nlu", "data/nlu", "--domain", "domain",
             "--out", "models", "--fixed-model-name", f"nlu-{name}"],
            project, training_env(), log,
        ),
        f"rasa train nlu ({name})",
    )
    return {"seconds": run.seconds, "peak_mb": run.peak_mb, "model": str(project / "models" / f"nlu-{name}.tar.gz")}


def holdout_splits(workdir: Path) -> Dict[str, Path]:
    """The held-out split as it is, and a copy with every space removed."""
    spaceless = write_nlu_file(
        workdir / "nlu_holdout_spaceless.yml",
        ((intent, without_spaces(text)) for intent, text in read_examples(HOLDOUT)),
        "tests/data/nlu_holdout.yml with every space removed (written by bench.nlu_bench)",
    )
    return {"clean": HOLDOUT, "spaceless": spaceless}


def evaluate(models: Dict[str, Path], splits: Dict[str, Path], log: Path) -> Dict[str, Dict[str, float]]:
    """Macro-F1 of each model on each split, in one subprocess (Rasa and TensorFlow loaded once)."""
    args = [str(PYTHON), "-m", "bench.nlu_bench", "evaluate"]
    args += [f"{name}={path}" for name, path in models.items()]
    args += ["--split"] + [f"{name}={path}" for name, path in splits.items()]
    with log.open("w") as output:
        done = subprocess.run(args, cwd=PROJECT_ROOT, env=training_env(), stdout=subprocess.PIPE,
                              stderr=output, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"NLU evaluation failed; see {log}")
    return json.loads(done.stdout.strip().splitlines()[-1])


async def _macro_f1(model: Path, splits: Dict[str, Path]) -> Dict[str, float]:
    from rasa.core.agent import Agent
    from rasa.nlu.test import run_evaluation

    agent = Agent.load(str(model))
    scores = {}
    for name, path in splits.items():
        result = await run_evaluation(
            str(path), agent.processor, output_directory=None, disable_plotting=True,
            report_as_dict=True, domain_path=str(PROJECT_ROOT / "domain"),
        )
        scores[name] = round(result["intent_evaluation"]["report"]["macro avg"]["f1-score"], 4)
    return scores


def run(workdir: Path, project: Path, our_model: Path) -> Dict[str, Any]:
    """Trains the okt and whitespace variants in ``project`` and scores all three."""
    # Both variants train at once: their training time is no target, and on 2 cores two TensorFlow
    # trainings side by side take less wall time than one after the other.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(train_nlu, project, name, config, workdir / f"train-nlu-{name}.log")
            for name, config in variant_configs().items()
        }
        trained = {name: future.result() for name, future in futures.items()}
    models = {"mecab": our_model, **{name: Path(info["model"]) for name, info in trained.items()}}
    scores = evaluate(models, holdout_splits(workdir), workdir / "nlu-evaluation.log")
    return {
        "macro_f1": scores,
        "training_in_parallel": {name: {"seconds": info["seconds"]} for name, info in trained.items()},
        "margin_over_whitespace": {
            split: round(scores["mecab"][split] - scores["whitespace"][split], 4) for split in scores["mecab"]
        },
    }


def _pairs(items: List[str]) -> Dict[str, Path]:
    return {name: Path(path) for name, _, path in (item.partition("=") for item in items)}


def main(argv: Optional[List[str]] = None) -> int:
    """``evaluate NAME=MODEL... --split NAME=PATH...``: prints {model: {split: macro-F1}} as JSON."""
    parser = argparse.ArgumentParser(description="Score NLU models on held-out splits (macro-F1).")
    parser.add_argument("command", choices=["evaluate"])
    parser.add_argument("models", nargs="+", help="NAME=path/to/model.tar.gz")
    parser.add_argument("--split", nargs="+", required=True, help="NAME=path/to/nlu.yml")
    args = parser.parse_args(argv)
    splits = _pairs(args.split)
    scores = {name: asyncio.run(_macro_f1(path, splits)) for name, path in _pairs(args.models).items()}
    print(json.dumps(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
