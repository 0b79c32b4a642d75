"""The Korean tokenizer: morphemes whose offsets point into what the customer typed."""

from __future__ import annotations

import threading
from typing import List

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from korean_nlu.analyzers import align_morphemes, get_analyzer
from korean_nlu.tokenizer import KoreanTokenizer


@pytest.fixture(scope="module")
def tokenizer() -> KoreanTokenizer:
    """The tokenizer with its default (Mecab) analyser."""
    return KoreanTokenizer(KoreanTokenizer.get_default_config())


def tokens_of(tokenizer: KoreanTokenizer, text: str) -> List:
    """Runs the tokenizer as Rasa does and returns the message's text tokens."""
    message = Message.build(text=text)
    tokenizer.process([message])
    return message.get(TOKENS_NAMES[TEXT])


MESSY_MESSAGES = [
    pytest.param("결제가안돼요", id="no-spaces"),
    pytest.param("환불 언제 돼요ㅠㅠ 벌써 일주일째ㅋㅋ", id="jamo-laughing-crying"),
    pytest.param("결제 😭😭 안돼요 🙏", id="emoji"),
    pytest.param("👨‍👩‍👧 가족 계정", id="emoji-with-joiners"),
    pytest.param("QR payment 에러났어요 error E1023", id="english-mixed"),
    pytest.param("3만원 송금했는데 30,000원이 두 번 빠졌어요", id="amounts"),
    pytest.param("  앞뒤  공백과\t탭\n줄바꿈  ", id="odd-whitespace"),
    pytest.param("ㅇㅇ ㄳ ㄴㄴ", id="choseong"),
    pytest.param("널\x00문자가 섞였어요", id="nul-byte"),
]


@pytest.mark.parametrize("text", MESSY_MESSAGES)
def test_every_token_points_into_the_original_text(tokenizer: KoreanTokenizer, text: str) -> None:
    """Each token's text is exactly the slice its offsets name, in order, without overlaps."""
    tokens = tokens_of(tokenizer, text)
    assert tokens
    previous_end = 0
    for token in tokens:
        assert text[token.start : token.end] == token.text
        assert token.start >= previous_end
        previous_end = token.end
    covered = "".join(token.text for token in tokens)
    assert covered == "".join(text.split())


def test_spacing_less_text_splits_into_morphemes(tokenizer: KoreanTokenizer) -> None:
    """'결제가안돼요' yields '결제' at 0-2 even without spaces."""
    tokens = tokens_of(tokenizer, "결제가안돼요")
    first = tokens[0]
    assert (first.text, first.start, first.end) == ("결제", 0, 2)
    assert first.get("pos") == "NNG"
    assert len(tokens) >= 3


def test_offsets_after_emoji_and_english(tokenizer: KoreanTokenizer) -> None:
    """'결제' after emoji and English words is found at its real position."""
    text = "😭 QR로 결제했는데 실패"
    tokens = tokens_of(tokenizer, text)
    by_text = {token.text: token for token in tokens}
    assert by_text["QR"].start == text.index("QR")
    assert by_text["결제"].start == text.index("결제")
    assert by_text["실패"].end == len(text)


def test_numbers_and_units_are_kept(tokenizer: KoreanTokenizer) -> None:
    """Digits in '3만원' stay a token of their own at the right place."""
    text = "어제 3만원 결제"
    tokens = tokens_of(tokenizer, text)
    assert any(token.text == "3" and token.start == 3 for token in tokens)


def test_unalignable_morpheme_neither_crashes_nor_shifts_offsets() -> None:
    """A morpheme the analyser normalised is dropped; its text survives as an unanalysed token."""
    text = "ㅋㅋㅋㅋ 결제 안돼요"
    normalised = [("ㅋㅋ", "KoreanParticle"), ("결재", "Noun"), ("안", "VerbPrefix"), ("돼요", "Verb")]
    aligned = align_morphemes(text, normalised)
    assert [(m.text, m.start, m.end) for m in aligned] == [
        ("ㅋㅋ", 0, 2),
        ("ㅋㅋ", 2, 4),
        ("결제", 5, 7),
        ("안", 8, 9),
        ("돼요", 9, 11),
    ]
    assert aligned[2].tag == "UNK"


def test_morpheme_found_far_ahead_is_not_matched_out_of_place() -> None:
    """A surface that only appears much later is not aligned there (which would shift tokens)."""
    text = "가나다라마바사아자차카타파하 결제"
    aligned = align_morphemes(text, [("결제", "NNG")])
    assert [m.text for m in aligned] == ["가나다라마바사아자차카타파하", "결제"]
    assert aligned[0].tag == "UNK"


@pytest.mark.parametrize("text", [pytest.param("", id="empty"), pytest.param("   ", id="spaces")])
def test_empty_text_gives_one_token(tokenizer: KoreanTokenizer, text: str) -> None:
    """Empty or blank messages still give the featurizers one token and never raise."""
    assert len(tokens_of(tokenizer, text)) == 1


def test_analyser_is_shared_and_safe_under_concurrency() -> None:
    """One analyser per process gives identical results from many threads at once."""
    analyser = get_analyzer("mecab")
    assert get_analyzer("MECAB") is analyser
    sentences = ["결제가 안 돼요", "환불은 언제 되나요", "상담원 연결해 주세요"] * 50
    expected = [analyser.pos(sentence) for sentence in sentences]
    results: dict = {}

    def work(index: int) -> None:
        results[index] = [analyser.pos(sentence) for sentence in sentences]

    threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result == expected for result in results.values())



def test_a_flood_of_one_character_is_cut_in_the_lemma_only(tokenizer: KoreanTokenizer) -> None:
    """The featurizers read the lemma: 1,000 ㅠ count as three there, while text and offsets stay the customer's."""
    text = "환불이 아직 안 들어왔어요 " + "ㅠ" * 1000
    tokens = tokens_of(tokenizer, text)
    assert "".join(token.text for token in tokens if token.text.startswith("ㅠ")) == "ㅠ" * 1000
    assert all(text[token.start:token.end] == token.text for token in tokens)
    assert max(len(token.lemma) for token in tokens if token.text.startswith("ㅠ")) == 3
    assert [token.lemma for token in tokens if token.text == "환불"] == ["환불"]
