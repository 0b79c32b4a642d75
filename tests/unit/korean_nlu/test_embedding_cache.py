"""korean_nlu.embedding_cache: a retraining embeds only the examples the last one did not."""

from __future__ import annotations

from pathlib import Path
from typing import List

import numpy as np

from korean_nlu.embedding_cache import CACHE_FILE, EmbeddingCache


class CountingEncoder:
    """A deterministic stand-in encoder that records which texts it was asked to embed."""

    def __init__(self) -> None:
        self.seen: List[str] = []

    def __call__(self, texts: List[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(text), sum(map(ord, text)) % 97, 1.0] for text in texts], dtype=np.float32)


def test_a_second_embedding_of_the_same_texts_encodes_nothing(tmp_path: Path) -> None:
    """The second call reads every vector from the file, and they are the ones the encoder gave."""
    texts = ["환불 언제 돼요", "송금 취소", "환불 언제 돼요"]
    first_encoder, second_encoder = CountingEncoder(), CountingEncoder()
    first = EmbeddingCache(tmp_path, "e5-test").embed(texts, first_encoder)
    second = EmbeddingCache(tmp_path, "e5-test").embed(texts, second_encoder)
    assert sorted(first_encoder.seen) == ["송금 취소", "환불 언제 돼요"]
    assert second_encoder.seen == []
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, CountingEncoder()(texts))


def test_only_new_texts_are_encoded_and_another_encoder_never_matches(tmp_path: Path) -> None:
    """A trainer's new phrasing is embedded alone; a different encoder name re-embeds everything."""
    EmbeddingCache(tmp_path, "e5-test").embed(["결제가 안 돼요"], CountingEncoder())
    encoder = CountingEncoder()
    EmbeddingCache(tmp_path, "e5-test").embed(["결제가 안 돼요", "결제 오류 E102"], encoder)
    assert encoder.seen == ["결제 오류 E102"]
    other = CountingEncoder()
    EmbeddingCache(tmp_path, "e5-other").embed(["결제가 안 돼요"], other)
    assert other.seen == ["결제가 안 돼요"]


def test_a_broken_cache_file_is_ignored_and_rewritten(tmp_path: Path) -> None:
    """Garbage in the file costs a full embedding, never the training."""
    (tmp_path / CACHE_FILE).write_bytes(b"not a numpy file")
    encoder = CountingEncoder()
    vectors = EmbeddingCache(tmp_path, "e5-test").embed(["안녕하세요"], encoder)
    assert encoder.seen == ["안녕하세요"] and vectors.shape == (1, 3)
    again = CountingEncoder()
    EmbeddingCache(tmp_path, "e5-test").embed(["안녕하세요"], again)
    assert again.seen == []


def test_no_folder_means_no_cache(tmp_path: Path) -> None:
    """cache_dir: null embeds every time and writes nothing."""
    encoder = CountingEncoder()
    EmbeddingCache(None, "e5-test").embed(["네"], encoder)
    EmbeddingCache(None, "e5-test").embed(["네"], encoder)
    assert encoder.seen == ["네", "네"] and not list(tmp_path.iterdir())
