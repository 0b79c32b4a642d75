"""spaCy Docs over a Rasa message's tokens, for the token matchers of the entity extractor."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# spacy.blank("ko") needs mecab-ko and natto-py; the rule-based tokenizer needs nothing, and only
# its vocab (and, when a message has no tokens, its tokenization) is used here.
_BLANK_KOREAN_CONFIG: Dict[str, Any] = {
    "nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}
}

# Without Rasa tokens and beyond this length, the Doc is made of whitespace chunks.
_MAX_SPACY_TOKENIZER_CHARS = 1000


def create_blank_korean() -> "Language":
    """A blank Korean spaCy pipeline whose tokenizer needs no MeCab."""
    import spacy

    return spacy.blank("ko", config=_BLANK_KOREAN_CONFIG)


def message_doc(
    nlp: "Language", message: Message, text: str
) -> Tuple["Doc", List[Tuple[int, int]]]:
    """A spaCy Doc over the message's Rasa tokens and each token's offsets in ``text``.

    Args:
        nlp: The blank pipeline whose vocab the Doc uses.
        message: The message; its ``text_tokens`` are used when present, with their
            part-of-speech tags (``pos``) when every token has one.
        text: The message text.

    Returns:
        The Doc, and ``(start, end)`` in ``text`` for each of its tokens. Without Rasa
        tokens the Doc comes from spaCy's rule-based tokenizer (whitespace chunks for long
        text, where that tokenizer's affix splitting gets slow).
    """
    from spacy.tokens import Doc

    words: List[str] = []
    tags: List[Optional[str]] = []
    offsets: List[Tuple[int, int]] = []
    # A token that does not point into the text cannot place an entity: skip it.
    tokens = [
        token
        for token in message.get(TOKENS_NAMES[TEXT]) or []
        if isinstance(token.text, str)
        and token.text.strip()
        and isinstance(token.start, int)
        and isinstance(token.end, int)
        and 0 <= token.start < token.end <= len(text)
    ]
    for token in sorted(tokens, key=lambda token: (token.start, token.end)):
        start, end, word = token.start, token.end, token.text
        words.append(word)
        tag = token.get(POS_TAG_KEY)
        tags.append(tag if isinstance(tag, str) and tag else None)
        offsets.append((start, end))
    if words:
        known = [tag for tag in tags if tag is not None]
        if len(known) == len(words):
            return Doc(nlp.vocab, words=words, tags=known), offsets
        return Doc(nlp.vocab, words=words), offsets

    if len(text) > _MAX_SPACY_TOKENIZER_CHARS:
        chunks = [
            (match.group(), match.start(), match.end()) for match in re.finditer(r"\S+", text)
        ]
        return (
            Doc(nlp.vocab, words=[chunk for chunk, _, _ in chunks]),
            [(start, end) for _, start, end in chunks],
        )
    doc = nlp.make_doc(text)
    return doc, [(token.idx, token.idx + len(token.text)) for token in doc]
