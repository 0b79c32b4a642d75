"""korean_nlu.repeats: long runs of one character are cut to three; digits never are."""

from __future__ import annotations

import pytest

from korean_nlu.repeats import shorten_runs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("환불이 아직이에요 " + "ㅠ" * 1000, "환불이 아직이에요 ㅠㅠㅠ"),
        ("ㅋㅋㅋㅋㅋㅋㅋ 결제 됐어요!!!!!!", "ㅋㅋㅋ 결제 됐어요!!!"),
        ("ㅠㅠ", "ㅠㅠ"),
        ("1000000원 보냈어요", "1000000원 보냈어요"),
        ("잘못 보냈어요 😭😭😭😭😭", "잘못 보냈어요 😭😭😭"),
        ("", ""),
    ],
)
def test_runs_are_cut_to_three(text: str, expected: str) -> None:
    """Feelings stretched over many characters say no more than three; amounts keep every zero."""
    assert shorten_runs(text) == expected
