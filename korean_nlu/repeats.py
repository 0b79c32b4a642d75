"""Runs of one character ("ㅠㅠㅠㅠㅠㅠ", "ㅋㅋㅋㅋㅋㅋㅋ", "!!!!!!!") shortened before the classifiers read them.

Customers stretch their feelings over as many characters as they like. The bag-of-features
classifier counts character n-grams, so a thousand ㅠ outweigh the words before them ("환불이 아직
안 들어왔어요 ㅠㅠㅠ…" read as venting), and the sentence encoder would spend its whole window on them.
Three of a kind say the same as three hundred. Offsets are untouched: the tokenizer keeps the
customer's text on each token and gives the shortened form as the token's lemma, which is what
Rasa's CountVectorsFeaturizer reads.
"""

from __future__ import annotations

import re

MAX_REPEATS = 3
# Digits are never shortened: 1000000원 is an amount, not a feeling.
_RUN = re.compile(r"(\D)\1{%d,}" % MAX_REPEATS, re.DOTALL)


def shorten_runs(text: str) -> str:
    """``text`` with every run of more than three of the same character (not a digit) cut to three."""
    return _RUN.sub(r"\1" * MAX_REPEATS, text)
