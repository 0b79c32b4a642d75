"""Trained models in ``models/``, and which is the newest: the one ``rasa run`` loads without ``--model``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from paybot.settings import PROJECT_ROOT

MODELS_DIR = PROJECT_ROOT / "models"


def trained_models(directory: Path = MODELS_DIR) -> List[Path]:
    """The ``*.tar.gz`` models in ``directory``, oldest first by modification time, as Rasa orders them."""
    return sorted(directory.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)


def newest_model(directory: Path = MODELS_DIR) -> Optional[Path]:
    """The newest model in ``directory`` (Rasa's choice), or ``None`` before the first training."""
    models = trained_models(directory)
    return models[-1] if models else None
