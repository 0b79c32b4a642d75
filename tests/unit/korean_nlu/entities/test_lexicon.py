"""Both entity finders read one lexicon: every word the normaliser knows, the token matcher knows."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from korean_nlu import entity_extractor, entity_normaliser
from korean_nlu.entities import find_entities, lexicon
from korean_nlu.entities.extractor import KoreanEntityExtractor

Found = List[Tuple[str, Any, str]]

METHOD_WORDS = [
    pytest.param(method.canonical, word, id=f"{method.canonical}-{word}")
    for method in lexicon.PAYMENT_METHODS
    for word in method.words + method.standalone_words + method.latin_words
]
# Phone words are a method only with a payment word after them.
PAYMENT_WORD = lexicon.METHOD_PAYMENT_WORDS[0]


@pytest.fixture(scope="module")
def matcher_only_extractor(tmp_path_factory: pytest.TempPathFactory) -> KoreanEntityExtractor:
    """The extractor keeping only what a token pattern proposed, so its own vocabulary shows."""
    return KoreanEntityExtractor.create(
        {**KoreanEntityExtractor.get_default_config(), "use_regex_fallback": False},
        LocalModelStorage(Path(tmp_path_factory.mktemp("model_storage"))),
        Resource("korean_entity_extractor"),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


def whitespace_tokens(text: str) -> List[Token]:
    """One token per whitespace-separated word, Hangul included."""
    tokens, offset = [], 0
    for word in text.split():
        start = text.index(word, offset)
        offset = start + len(word)
        tokens.append(Token(word, start))
    return tokens


def extracted(
    extractor: KoreanEntityExtractor, text: str, tokens: Optional[List[Token]]
) -> Found:
    """(entity, value, surface) of what the extractor finds in ``text``."""
    message = Message(data={TEXT: text})
    if tokens is not None:
        message.set(TOKENS_NAMES[TEXT], tokens)
    extractor.process([message])
    return [
        (entity["entity"], entity["value"], text[entity["start"] : entity["end"]])
        for entity in message.get(ENTITIES)
    ]


def normalised(text: str) -> Found:
    """(entity, value, surface) of what the normaliser finds in ``text``."""
    return [
        (entity["entity"], entity["value"], text[entity["start"] : entity["end"]])
        for entity in find_entities(text)
    ]


def assert_both_find(
    extractor: KoreanEntityExtractor, text: str, expected: Tuple[str, Any, str]
) -> None:
    """The normaliser and the token matcher (whitespace tokens, and spaCy's) find ``expected``."""
    assert expected in normalised(text)
    assert expected in extracted(extractor, text, whitespace_tokens(text))
    assert expected in extracted(extractor, text, None)


@pytest.mark.parametrize("canonical, word", METHOD_WORDS)
def test_every_method_word_is_seen_by_both_finders(
    matcher_only_extractor: KoreanEntityExtractor, canonical: str, word: str
) -> None:
    """'신용카드로 결제했어요', '무통장 입금으로', 'bar code로' ... give the same method to both."""
    needs_payment = canonical == "휴대폰"
    for surface in dict.fromkeys([word, word.replace(" ", "")]):
        mention = f"{surface}으로 {PAYMENT_WORD}" if needs_payment else surface
        text = f"어제 {mention}으로 했어요" if not needs_payment else f"어제 {mention}했어요"
        assert_both_find(matcher_only_extractor, text, ("method", canonical, mention))


@pytest.mark.parametrize("word", lexicon.PAYMENT_WORDS_AFTER_AMOUNT)
def test_every_payment_word_after_a_bare_number_makes_an_amount(
    matcher_only_extractor: KoreanEntityExtractor, word: str
) -> None:
    """'30000 청구', '30000 승인', '30000 빠져나갔어요', '30000 나갔어요' are amounts to both."""
    assert_both_find(
        matcher_only_extractor, f"카드값 30000 {word}됐어요", ("amount", 30000, "30000")
    )


@pytest.mark.parametrize("word", lexicon.AMOUNT_WORDS_BEFORE_AMOUNT)
def test_every_amount_word_before_a_bare_number_makes_an_amount(
    matcher_only_extractor: KoreanEntityExtractor, word: str
) -> None:
    """'금액 30000', '환불액 30000', '송금 30000' are amounts to both."""
    assert_both_find(matcher_only_extractor, f"{word} 30000", ("amount", 30000, "30000"))


@pytest.mark.parametrize("word", lexicon.ERROR_WORDS + lexicon.ERROR_LATIN_WORDS)
def test_every_error_word_cues_a_code_before_and_after(
    matcher_only_extractor: KoreanEntityExtractor, word: str
) -> None:
    """'에라 503' and '503 에라' are error codes to both."""
    assert_both_find(matcher_only_extractor, f"{word} 503 떠요", ("error_code", "503", "503"))
    assert_both_find(matcher_only_extractor, f"결제하니 503 {word} 떠요", ("error_code", "503", "503"))


@pytest.mark.parametrize("part", lexicon.PARTS_OF_DAY)
def test_every_part_of_the_day_belongs_to_its_day(
    matcher_only_extractor: KoreanEntityExtractor, part: str
) -> None:
    """'오늘 점심에' is one time, 오늘, to both."""
    assert_both_find(matcher_only_extractor, f"오늘 {part}에 결제", ("when", "오늘", f"오늘 {part}"))


@pytest.mark.parametrize(
    "word, canonical",
    [
        pytest.param(lexicon.JUST_NOW, "방금", id="just-now"),
        pytest.param(lexicon.A_MOMENT_AGO, "방금", id="a-moment-ago"),
        *[pytest.param(word, "오늘", id=word) for word in lexicon.TODAY_WORDS],
        *[pytest.param(word, "어제", id=word) for word in lexicon.YESTERDAY_WORDS],
        *[
            pytest.param(lexicon.LAST_NIGHT_STEM + part, "어제", id=f"어젯{part}")
            for part in lexicon.LAST_NIGHT_PARTS
        ],
        pytest.param(lexicon.DAY_BEFORE_YESTERDAY, "그저께", id="그저께"),
        pytest.param(lexicon.DAY_BEFORE_YESTERDAY_SHORT, "그저께", id="그제"),
        *[pytest.param(f"{last}주", "지난주", id=f"{last}주") for last in lexicon.LAST_WORDS],
        *[pytest.param(f"{last}달", "지난달", id=f"{last}달") for last in lexicon.LAST_WORDS],
        pytest.param(lexicon.TODAY_LATIN, "오늘", id="today"),
        pytest.param(lexicon.YESTERDAY_LATIN, "어제", id="yesterday"),
    ],
)
def test_every_day_word_is_seen_by_both_finders(
    matcher_only_extractor: KoreanEntityExtractor, word: str, canonical: str
) -> None:
    """'어저께', '어젯저녁', '금일' ... are the same time to both."""
    assert_both_find(matcher_only_extractor, f"{word} 결제했어요", ("when", canonical, word))


@pytest.mark.parametrize("amount, value", [("륙천원", 6000), ("공만원", 10000)])
def test_every_sino_digit_is_a_digit_to_both(
    matcher_only_extractor: KoreanEntityExtractor, amount: str, value: int
) -> None:
    """공 and 륙 are digits to the token matcher too."""
    assert_both_find(matcher_only_extractor, f"{amount} 결제", ("amount", value, amount))


def test_old_module_paths_name_the_same_objects() -> None:
    """config.yml's korean_nlu.entity_extractor path and the old normaliser imports still work."""
    assert entity_extractor.KoreanEntityExtractor is KoreanEntityExtractor
    assert entity_normaliser.find_entities is find_entities
    registered = DefaultV1Recipe._from_registry("korean_nlu.entity_extractor.KoreanEntityExtractor")
    assert registered.clazz is KoreanEntityExtractor
    assert DefaultV1Recipe._from_registry("KoreanEntityExtractor").clazz is KoreanEntityExtractor
