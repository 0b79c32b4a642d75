"""The test sets stay unseen: no external or calibration sentence is trained on (or in the held-out split)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from paybot.settings import PROJECT_ROOT

# Compares every test set with the training data in a fresh Python (tens of seconds).
pytestmark = pytest.mark.live


def test_no_test_sentence_is_in_the_training_data() -> None:
    """scripts/check_external_overlap.py finds no sentence of the external or calibration set (spacing and
    punctuation aside) in data/nlu/ or the held-out split, and none in both sets."""
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "check_external_overlap.py")],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no overlap" in result.stdout


def test_the_noisy_split_is_up_to_date_and_unseen() -> None:
    """tests/data/nlu_noisy.yml is what scripts/make_noisy_split.py makes of the held-out split today, so
    none of its sentences is a training sentence (spacing and punctuation aside)."""
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "make_noisy_split.py"), "--check"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
