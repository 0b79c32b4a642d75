"""An on-disk cache of sentence embeddings, so that retraining embeds only the examples that are new.

Embedding every training example is the DenseReranker's whole training cost (about 12 ms per example
on two cores, some 75 s for 6,500). A trainer who adds a handful of phrasings and retrains should not
pay that again: vectors are kept in one ``.npz`` file, keyed by a hash of the encoder's version and
the text, so a new encoder or a changed text is simply a miss. The cache is a speed-up only: a
missing, unreadable or foreign file is ignored (and rewritten), never an error.

The file lives in the folder training runs in (``.cache/embeddings/`` by default, git-ignored), so a
fresh clone, and the benchmark's copy of the project, train cold.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import numpy as np

logger = logging.getLogger(__name__)

CACHE_FILE = "e5.npz"
# More entries than any training set has; older ones beyond it are dropped.
MAX_ENTRIES = 50_000


def text_key(namespace: str, text: str) -> str:
    """The cache key of ``text`` embedded by the encoder named ``namespace``."""
    return hashlib.sha256(f"{namespace}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """Embeddings of texts by one encoder, read from and written to ``folder``."""

    def __init__(self, folder: Optional[Path], namespace: str) -> None:
        """A cache in ``folder`` (None: no cache, every text is embedded) for the encoder ``namespace``."""
        self.path = Path(folder) / CACHE_FILE if folder else None
        self.namespace = namespace

    def embed(self, texts: Sequence[str], encode: Callable[[List[str]], np.ndarray]) -> np.ndarray:
        """The embeddings (rows) of ``texts``; only texts not in the cache go through ``encode``."""
        if not texts:
            return encode([])
        keys = [text_key(self.namespace, text) for text in texts]
        known = self._load()
        missing = sorted({key: text for key, text in zip(keys, texts, strict=True) if key not in known}.items())
        if missing:
            vectors = encode([text for _, text in missing])
            known.update({key: vector for (key, _), vector in zip(missing, vectors, strict=True)})
            self._save(known, keep=keys)
        logger.info("Embeddings: %d of %d examples from the cache.", len(texts) - len(missing), len(texts))
        return np.stack([known[key] for key in keys]).astype(np.float32)

    def _load(self) -> dict:
        """The cached vectors by key ({} when there is no usable file)."""
        if self.path is None or not self.path.exists():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as stored:
                return dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
        except (OSError, ValueError, KeyError) as error:
            logger.warning("Ignoring the embedding cache %s (%s).", self.path, error)
            return {}

    def _save(self, vectors: dict, keep: Sequence[str]) -> None:
        """Writes the cache atomically: this training's keys first, then older ones up to the cap."""
        if self.path is None:
            return
        wanted = set(keep)
        order = list(dict.fromkeys(keep)) + [key for key in vectors if key not in wanted]
        order = order[:MAX_ENTRIES]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp.npz")
            np.savez(partial, keys=np.array(order, dtype=str), vectors=np.stack([vectors[key] for key in order]))
            partial.replace(self.path)
        except OSError as error:
            logger.warning("Could not write the embedding cache %s (%s).", self.path, error)
