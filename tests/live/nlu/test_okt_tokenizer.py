"""The Okt alternative of the Korean tokenizer: it starts a Java virtual machine (~15 s), so it is live."""

from __future__ import annotations

from typing import List

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from korean_nlu.tokenizer import KoreanTokenizer

pytestmark = pytest.mark.live


def tokens_of(tokenizer: KoreanTokenizer, text: str) -> List:
    """Runs the tokenizer as Rasa does and returns the message's text tokens."""
    message = Message.build(text=text)
    tokenizer.process([message])
    return message.get(TOKENS_NAMES[TEXT])


def test_okt_alternative_keeps_offsets() -> None:
    """The JVM alternative (Okt, norm/stem off) is selectable and its offsets point into the text too."""
    tokenizer = KoreanTokenizer({**KoreanTokenizer.get_default_config(), "analyzer": "okt"})
    text = "결제가안돼요ㅋㅋㅋ 😭 QR 3만원"
    tokens = tokens_of(tokenizer, text)
    assert all(text[token.start : token.end] == token.text for token in tokens)
    assert "".join(token.text for token in tokens) == "".join(text.split())
    assert tokens[0].text == "결제"
