"""Where a bot project keeps what trainers touch: NLU data, domain, config, models, held-out split."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, List, Optional

from ruamel.yaml import YAML

from rasa_runtime.trained_models import newest_model, trained_models

# Rasa's own intent for messages the FallbackClassifier could not place; never trained on.
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
DEFAULT_ANALYZER = "mecab"
KOREAN_TOKENIZER_SUFFIX = "KoreanTokenizer"


def _load_yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def _intent_names(entries: Iterable[Any]) -> List[str]:
    """Intent names from a domain's ``intents:`` list (plain names or ``{name: {...}}``)."""
    names: List[str] = []
    for entry in entries or []:
        names.extend(entry.keys() if isinstance(entry, dict) else [str(entry)])
    return names


@dataclass(frozen=True)
class Project:
    """A Rasa project laid out like this one: ``data/nlu/``, ``domain/``, ``config.yml`` ...

    Args:
        root: The project directory (the real one, or a temporary copy in tests).
    """

    root: Path

    @property
    def data_dir(self) -> Path:
        """All training data (NLU, rules); what ``rasa data validate`` reads."""
        return self.root / "data"

    @property
    def nlu_dir(self) -> Path:
        """NLU examples, one file per topic."""
        return self.data_dir / "nlu"

    @property
    def domain_path(self) -> Path:
        """The domain: a directory of files split by topic, or one file."""
        return self.root / "domain"

    @property
    def config_path(self) -> Path:
        """Pipeline and policies."""
        return self.root / "config.yml"

    @property
    def models_dir(self) -> Path:
        """Trained models (``*.tar.gz``)."""
        return self.root / "models"

    @property
    def holdout_path(self) -> Path:
        """The held-out NLU split: never trained on, used by ``report``."""
        return self.root / "tests" / "data" / "nlu_holdout.yml"

    @property
    def external_path(self) -> Path:
        """Real utterances written by third parties, never trained on (``report`` scores it when present)."""
        return self.root / "tests" / "data" / "nlu_external.yml"

    @property
    def results_dir(self) -> Path:
        """Where the trainer keeps logs and evaluations (under the git-ignored ``results/``)."""
        return self.root / "results" / "trainer"

    def relative(self, path: Path) -> str:
        """``path`` relative to the project (``data/nlu/refunds.yml``) when it is inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def intents(self) -> List[str]:
        """The intents the domain declares, in the order the domain files list them."""
        files = sorted(self.domain_path.rglob("*.yml")) if self.domain_path.is_dir() else [self.domain_path]
        names: List[str] = []
        for path in files:
            content = _load_yaml(path) or {}
            for name in _intent_names(content.get("intents", [])):
                if name not in names:
                    names.append(name)
        return names

    def analyzer_name(self) -> str:
        """The Korean analyser the pipeline's tokenizer uses ("mecab" unless config.yml says otherwise)."""
        config = _load_yaml(self.config_path) or {}
        for component in config.get("pipeline") or []:
            if str(component.get("name", "")).endswith(KOREAN_TOKENIZER_SUFFIX):
                return str(component.get("analyzer", DEFAULT_ANALYZER))
        return DEFAULT_ANALYZER

    def models(self) -> List[Path]:
        """Trained models, oldest first (by modification time, as ``rasa`` and the tests pick them)."""
        return trained_models(self.models_dir)

    def newest_model(self) -> Optional[Path]:
        """The model the bot would load, or ``None`` before the first training."""
        return newest_model(self.models_dir)
