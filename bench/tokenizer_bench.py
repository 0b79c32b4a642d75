"""Tokenizer speed and alignment on the fixed Korean corpus, beside Rasa's WhitespaceTokenizer.

For each supported analyser (``korean_nlu.analyzers``): sentences per second through the whole
``analyse`` path (analysis plus alignment onto the original text), morphemes that could not be
aligned, and tokens whose offsets do not point at their own text (must be 0).

The baseline is Rasa's WhitespaceTokenizer on the same sentences. It also shows what that tokenizer
does to Korean: its emoji pattern (``rasa.utils.io.get_emoji_regex``) contains the range
U+24C2-U+1F251, which covers every Hangul syllable (U+AC00-U+D7A3), so any whitespace word made only of
Hangul is removed as an "emoji"; a sentence left with no word becomes one token holding the whole text.

Run alone: ``python -m bench.tokenizer_bench``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from typing import Any, Callable, Dict, List

from bench.corpus import korean_corpus

# Each analyser is timed for at least this long (whole passes over the corpus).
MIN_TIMED_S = 2.0
_HANGUL_WORD = re.compile(r"^[\uac00-\ud7a3]+$")


def _sentences_per_s(function: Callable[[str], Any], corpus: List[str]) -> float:
    for text in corpus:  # warm-up: JIT (Okt), dictionaries, caches
        function(text)
    passes, started = 0, time.perf_counter()
    while True:
        for text in corpus:
            function(text)
        passes += 1
        elapsed = time.perf_counter() - started
        if elapsed >= MIN_TIMED_S:
            return passes * len(corpus) / elapsed


def bench_analyzer(name: str, corpus: List[str]) -> Dict[str, Any]:
    """Speed and alignment of one Korean analyser."""
    from korean_nlu.analyzers import UNANALYSED_TAG, AnalyzerError, align_morphemes, get_analyzer

    try:
        analyzer = get_analyzer(name)
    except AnalyzerError as error:
        return {"analyzer": name, "error": str(error)}
    failures = sentences_with_failures = bad_offsets = tokens = 0
    for text in corpus:
        morphemes = [(surface, tag) for surface, tag in analyzer.pos(text) if surface.strip()]
        aligned = align_morphemes(text, morphemes)
        tokens += len(aligned)
        missing = len(morphemes) - sum(1 for token in aligned if token.tag != UNANALYSED_TAG)
        failures += max(missing, 0)
        sentences_with_failures += missing > 0
        bad_offsets += sum(1 for token in aligned if text[token.start:token.end] != token.text)
    return {
        "analyzer": name,
        "sentences": len(corpus),
        "sentences_per_s": round(_sentences_per_s(analyzer.analyse, corpus), 1),
        "tokens": tokens,
        "alignment_failures": failures,
        "sentences_with_alignment_failures": sentences_with_failures,
        "offset_errors": bad_offsets,
    }


def bench_whitespace(corpus: List[str]) -> Dict[str, Any]:
    """Rasa's WhitespaceTokenizer on the same corpus: its speed and the Hangul words it drops."""
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.message import Message

    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())

    def tokenize(text: str) -> List[Any]:
        return tokenizer.tokenize(Message(data={"text": text}), "text")

    hangul_words = dropped = whole_text = 0
    for text in corpus:
        kept = {token.text for token in tokenize(text)}
        words = [word for word in text.split() if _HANGUL_WORD.match(word)]
        hangul_words += len(words)
        dropped += sum(1 for word in words if word not in kept)
        whole_text += kept == {text} and len(text.split()) > 1
    return {
        "analyzer": "whitespace (Rasa)",
        "sentences": len(corpus),
        "sentences_per_s": round(_sentences_per_s(tokenize, corpus), 1),
        "all_hangul_words": hangul_words,
        "all_hangul_words_dropped": dropped,
        "emoji_regex_matches_hangul": bool(tokenizer.emoji_pattern.fullmatch("결제")),
        "sentences_reduced_to_one_token": whole_text,
    }


def run() -> Dict[str, Any]:
    """Every analyser and the whitespace baseline."""
    from korean_nlu.analyzers import SUPPORTED_ANALYZERS

    corpus = korean_corpus()
    return {
        "corpus_sentences": len(corpus),
        "analyzers": [bench_analyzer(name, corpus) for name in SUPPORTED_ANALYZERS],
        "baseline": bench_whitespace(corpus),
    }


if __name__ == "__main__":
    json.dump(run(), sys.stdout, ensure_ascii=False, indent=2)
    print()
