"""The KoreanEntityExtractor component on real Rasa messages, after real Rasa tokenizers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, EXTRACTOR, TEXT
from rasa.shared.nlu.training_data.message import Message

from korean_nlu.entity_extractor import KoreanEntityExtractor

EXTRACTOR_NAME = "KoreanEntityExtractor"
Found = List[Tuple[str, Any, str]]


@pytest.fixture(scope="module")
def model_storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    """Model storage in a temporary folder, as in Rasa's own tests."""
    return LocalModelStorage(Path(tmp_path_factory.mktemp("model_storage")))


@pytest.fixture(scope="module")
def execution_context() -> ExecutionContext:
    """An execution context for an empty graph, as in Rasa's own tests."""
    return ExecutionContext(GraphSchema({}), "test-model")


def create_extractor(
    model_storage: LocalModelStorage,
    execution_context: ExecutionContext,
    **config: Any,
) -> KoreanEntityExtractor:
    """The extractor created the way the graph creates it, with ``config`` over the defaults."""
    return KoreanEntityExtractor.create(
        {**KoreanEntityExtractor.get_default_config(), **config},
        model_storage,
        Resource("korean_entity_extractor"),
        execution_context,
    )


@pytest.fixture(scope="module")
def extractor(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> KoreanEntityExtractor:
    """The extractor with its default config."""
    return create_extractor(model_storage, execution_context)


@pytest.fixture(scope="module")
def matcher_only_extractor(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> KoreanEntityExtractor:
    """The extractor keeping only entities that a token pattern proposed."""
    return create_extractor(model_storage, execution_context, use_regex_fallback=False)


@pytest.fixture(scope="module")
def whitespace_tokenizer(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> WhitespaceTokenizer:
    """Rasa's WhitespaceTokenizer, created as Rasa's tests create it."""
    return WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(),
        model_storage,
        Resource("whitespace_tokenizer"),
        execution_context,
    )


@pytest.fixture(scope="module")
def korean_tokenizer(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> Tokenizer:
    """The project's Mecab morpheme tokenizer."""
    tokenizer_module = pytest.importorskip("korean_nlu.tokenizer")
    tokenizer_class = tokenizer_module.KoreanTokenizer
    return tokenizer_class.create(
        tokenizer_class.get_default_config(),
        model_storage,
        Resource("korean_tokenizer"),
        execution_context,
    )


TOKENIZERS = [
    pytest.param("whitespace_tokenizer", id="whitespace-tokens"),
    pytest.param("korean_tokenizer", id="mecab-morphemes"),
    pytest.param(None, id="no-tokens"),
]


def extract(
    extractor: KoreanEntityExtractor,
    text: str,
    tokenizer: Optional[Tokenizer] = None,
    tokens: Optional[List[Token]] = None,
) -> Tuple[Message, List[Dict[str, Any]]]:
    """Runs ``tokenizer`` (or sets ``tokens``) and the extractor on a message of ``text``."""
    message = Message(data={TEXT: text})
    if tokenizer is not None:
        tokenizer.process([message])
    if tokens is not None:
        message.set(TOKENS_NAMES[TEXT], tokens)
    extractor.process([message])
    return message, message.get(ENTITIES)


def surfaces(text: str, entities: List[Dict[str, Any]]) -> Found:
    """(entity, value, text[start:end]) of each entity."""
    return [
        (entity["entity"], entity["value"], text[entity["start"] : entity["end"]])
        for entity in entities
    ]


def get_tokenizer(request: pytest.FixtureRequest, name: Optional[str]) -> Optional[Tokenizer]:
    """The tokenizer fixture called ``name``, or None for a message without tokens."""
    return request.getfixturevalue(name) if name else None


CASES = [
    pytest.param("3만원결제했는데 안됐어요", [("amount", 30000, "3만원")], id="amount-glued-to-verb"),
    pytest.param("30,000원 송금했어요", [("amount", 30000, "30,000원")], id="amount-with-commas"),
    pytest.param("2만 5천원 환불", [("amount", 25000, "2만 5천원")], id="amount-man-space-cheon"),
    pytest.param("삼만 원 보냈어요", [("amount", 30000, "삼만 원")], id="sino-amount"),
    pytest.param("천오백원", [("amount", 1500, "천오백원")], id="cheon-o-baek"),
    pytest.param("1,250,000원", [("amount", 1250000, "1,250,000원")], id="millions"),
    pytest.param("3.5만원 결제", [("amount", 35000, "3.5만원")], id="decimal-man"),
    pytest.param("백만원 송금", [("amount", 1000000, "백만원")], id="baek-man"),
    pytest.param("30000 결제했는데", [("amount", 30000, "30000")], id="bare-number-payment"),
    pytest.param("😭😭3만원😭", [("amount", 30000, "3만원")], id="emoji-around"),
    pytest.param(
        "어제 신용카드로 2만 5천원 결제했는데 에러 코드: PAY-001 떠요 😭",
        [
            ("when", "어제", "어제"),
            ("method", "카드", "신용카드"),
            ("amount", 25000, "2만 5천원"),
            ("error_code", "PAY-001", "PAY-001"),
        ],
        id="all-four",
    ),
    pytest.param(
        "삼일전에 계좌이체로 30,000원 송금",
        [("when", "3일 전", "삼일전"), ("method", "계좌", "계좌이체"), ("amount", 30000, "30,000원")],
        id="sino-days-ago-transfer",
    ),
    pytest.param(
        "일주일 전에 체크카드로",
        [("when", "7일 전", "일주일 전"), ("method", "카드", "체크카드")],
        id="week-ago",
    ),
    pytest.param("2주 전", [("when", "14일 전", "2주 전")], id="two-weeks-ago"),
    pytest.param("한 달 전", [("when", "지난달", "한 달 전")], id="month-ago"),
    pytest.param(
        "지난주 월요일에 QR코드로",
        [("when", "지난주", "지난주"), ("when", "월요일", "월요일"), ("method", "QR", "QR코드")],
        id="last-week-monday-qr",
    ),
    pytest.param(
        "11월 3일에 바코드 결제",
        [("when", "11월 3일", "11월 3일"), ("method", "바코드", "바코드")],
        id="date-barcode",
    ),
    pytest.param(
        "오늘 아침에 페이머니로",
        [("when", "오늘", "오늘 아침"), ("method", "페이머니", "페이머니")],
        id="this-morning-pay-money",
    ),
    pytest.param(
        "그저께 휴대폰결제", [("when", "그저께", "그저께"), ("method", "휴대폰", "휴대폰결제")], id="phone-payment"
    ),
    pytest.param("핸드폰으로 결제했는데", [("method", "휴대폰", "핸드폰으로 결제")], id="by-phone-payment"),
    pytest.param("휴대폰을 바꿨어요", [], id="phone-is-not-a-method"),
    pytest.param("오류코드 503", [("error_code", "503", "503")], id="numeric-code"),
    pytest.param(
        "아까 에러 5001 떴어요", [("when", "방금", "아까"), ("error_code", "5001", "5001")], id="error-number"
    ),
    pytest.param("E1023 오류", [("error_code", "E1023", "E1023")], id="code-not-amount"),
    pytest.param("010-1234-5678로 연락주세요", [], id="phone-number-is-nothing"),
    pytest.param("3일 전화했는데", [], id="phone-call-is-not-a-time"),
    pytest.param(
        "pay money로 30,000원 결제 했는데 error E1023",
        [
            ("method", "페이머니", "pay money"),
            ("amount", 30000, "30,000원"),
            ("error_code", "E1023", "E1023"),
        ],
        id="english-mixed",
    ),
]


@pytest.mark.parametrize("tokenizer_name", TOKENIZERS)
@pytest.mark.parametrize("text, expected", CASES)
def test_entities_are_normalised_and_point_into_the_text(
    request: pytest.FixtureRequest,
    extractor: KoreanEntityExtractor,
    tokenizer_name: Optional[str],
    text: str,
    expected: Found,
) -> None:
    """Whatever the tokens, each entity has its normalised value and its surface at start:end."""
    _, entities = extract(extractor, text, get_tokenizer(request, tokenizer_name))
    assert surfaces(text, entities) == expected
    for entity in entities:
        assert entity[EXTRACTOR] == EXTRACTOR_NAME
        assert entity["text"] == text[entity["start"] : entity["end"]]


def test_when_entities_carry_days_ago(extractor: KoreanEntityExtractor) -> None:
    """'삼일전' is 3 days ago; 지난주 has no fixed number of days."""
    _, entities = extract(extractor, "삼일전이랑 지난주에 결제")
    assert [(entity["value"], entity["days_ago"]) for entity in entities] == [
        ("3일 전", 3),
        ("지난주", None),
    ]


def test_entity_dict_shape(extractor: KoreanEntityExtractor) -> None:
    """An amount is a Rasa entity dict with an int value and the extractor's name."""
    _, entities = extract(extractor, "3만원 결제")
    assert entities == [
        {
            "entity": "amount",
            "value": 30000,
            "start": 0,
            "end": 3,
            "text": "3만원",
            EXTRACTOR: EXTRACTOR_NAME,
        }
    ]


def test_token_matcher_alone_finds_entities_in_mecab_morphemes(
    matcher_only_extractor: KoreanEntityExtractor, korean_tokenizer: Tokenizer
) -> None:
    """Over morphemes, the spaCy token patterns on their own find every kind of entity."""
    text = "어제 신용카드로 2만 5천원 결제했는데 에러 코드: PAY-001 떠요"
    _, entities = extract(matcher_only_extractor, text, korean_tokenizer)
    assert surfaces(text, entities) == [
        ("when", "어제", "어제"),
        ("method", "카드", "신용카드"),
        ("amount", 25000, "2만 5천원"),
        ("error_code", "PAY-001", "PAY-001"),
    ]


def test_regex_fallback_adds_what_odd_tokens_hide(
    extractor: KoreanEntityExtractor, matcher_only_extractor: KoreanEntityExtractor
) -> None:
    """Tokens split across a word ('페이머' '니로') hide 페이머니 from the matcher; the merge keeps it."""
    text = "페이머니로 3만원"
    tokens = [Token("페이머", 0), Token("니로", 3), Token("3", 6), Token("만", 7), Token("원", 8)]
    _, matched = extract(matcher_only_extractor, text, tokens=tokens)
    _, merged = extract(extractor, text, tokens=tokens)
    assert surfaces(text, matched) == [("amount", 30000, "3만원")]
    assert surfaces(text, merged) == [("method", "페이머니", "페이머니"), ("amount", 30000, "3만원")]


def test_tagged_morphemes_decide_what_belongs_to_an_amount(
    extractor: KoreanEntityExtractor,
) -> None:
    """'금액이만원': tagged as particle 이 + 만원 it is 10000; without tags it reads as 이만원 = 20000."""
    text = "금액이만원"
    tagged = [
        Token("금액", 0, data={POS_TAG_KEY: "NNG"}),
        Token("이", 2, data={POS_TAG_KEY: "JKS"}),
        Token("만", 3, data={POS_TAG_KEY: "NR"}),
        Token("원", 4, data={POS_TAG_KEY: "NNBC"}),
    ]
    untagged = [Token("금액이만원", 0)]
    assert surfaces(text, extract(extractor, text, tokens=tagged)[1]) == [("amount", 10000, "만원")]
    assert surfaces(text, extract(extractor, text, tokens=untagged)[1]) == [
        ("amount", 20000, "이만원")
    ]


def test_mecab_tags_resolve_the_particle(
    extractor: KoreanEntityExtractor, korean_tokenizer: Tokenizer
) -> None:
    """With the Korean tokenizer's tags, '금액이만원 결제됐어요' is 10000 won."""
    text = "금액이만원 결제됐어요"
    _, entities = extract(extractor, text, korean_tokenizer)
    assert surfaces(text, entities) == [("amount", 10000, "만원")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "어제 카카오페이로 만 칠천원 결제했는데 안 됐어요", [("amount", 17000, "만 칠천원")], id="after-particle"
        ),
        pytest.param("카드로 만 오천원 보냈어요", [("amount", 15000, "만 오천원")], id="man-ocheon"),
        pytest.param("만 칠천원 결제했는데 안 됐어요", [("amount", 17000, "만 칠천원")], id="sentence-start"),
        pytest.param("금액이만원 결제됐어요", [("amount", 10000, "만원")], id="particle-i-stays-out"),
        pytest.param("카드로만 칠천원 냈어요", [("amount", 7000, "칠천원")], id="particle-man-stays-out"),
    ],
)
def test_a_unit_word_before_a_tagged_amount_belongs_to_it(
    extractor: KoreanEntityExtractor, korean_tokenizer: Tokenizer, text: str, expected: Found
) -> None:
    """After '로', Mecab reads '만 칠천원' as 만 'only' + 칠천원; the customer still said 17,000."""
    _, entities = extract(extractor, text, korean_tokenizer)
    amounts = [found for found in surfaces(text, entities) if found[0] == "amount"]
    assert amounts == expected


def test_configured_entity_types_only(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> None:
    """With entities: [amount], methods, times and codes are not extracted."""
    amounts_only = create_extractor(model_storage, execution_context, entities=["amount"])
    text = "어제 카드로 3만원 결제 E1023"
    assert surfaces(text, extract(amounts_only, text)[1]) == [("amount", 30000, "3만원")]


def test_entities_are_appended_to_other_extractors_entities(
    extractor: KoreanEntityExtractor,
) -> None:
    """Entities already on the message stay; ours come after them."""
    message = Message(data={TEXT: "3만원 결제"})
    earlier = {"entity": "intent_hint", "value": "x", "start": 0, "end": 1, EXTRACTOR: "Other"}
    message.set(ENTITIES, [earlier])
    extractor.process([message])
    assert message.get(ENTITIES)[0] == earlier
    assert [entity["value"] for entity in message.get(ENTITIES)[1:]] == [30000]


ODD_TEXTS = [
    pytest.param("", id="empty"),
    pytest.param("   ", id="whitespace"),
    pytest.param("😭😭🙏", id="emoji-only"),
    pytest.param("\x00\x003만원\x00", id="nul-characters"),
    pytest.param("ㅋㅋㅋㅋ ㅠㅠ", id="jamo"),
    pytest.param("가" * 10000, id="ten-thousand-syllables"),
    pytest.param("3만원 " * 2000, id="ten-thousand-characters-of-amounts"),
    pytest.param("😭" * 5000, id="five-thousand-emoji"),
]


@pytest.mark.parametrize("tokenizer_name", TOKENIZERS)
@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_input_never_raises(
    request: pytest.FixtureRequest,
    extractor: KoreanEntityExtractor,
    tokenizer_name: Optional[str],
    text: str,
) -> None:
    """Odd text gives a (possibly empty) entity list whose offsets point into the text."""
    _, entities = extract(extractor, text, get_tokenizer(request, tokenizer_name))
    assert isinstance(entities, list)
    for entity in entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    if text == "3만원 " * 2000:
        assert len(entities) == 2000


@pytest.mark.parametrize(
    "tokens",
    [
        pytest.param([Token("3만원", 50)], id="offsets-past-the-end"),
        pytest.param([Token("", 0)], id="empty-token"),
        pytest.param([Token("결제", 0), Token("3만원", 0)], id="overlapping-tokens"),
    ],
)
def test_broken_tokens_never_raise(extractor: KoreanEntityExtractor, tokens: List[Token]) -> None:
    """Tokens that do not fit the text are skipped; the regex finder still reads the text."""
    text = "3만원 결제"
    _, entities = extract(extractor, text, tokens=tokens)
    assert surfaces(text, entities) == [("amount", 30000, "3만원")]


def test_registered_as_untrained_entity_extractor() -> None:
    """The recipe knows the component as an entity extractor that needs no training."""
    registered = DefaultV1Recipe._from_registry(EXTRACTOR_NAME)
    assert registered.clazz is KoreanEntityExtractor
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert registered.is_trainable is False
    assert KoreanEntityExtractor.required_packages() == ["spacy"]


def test_load_gives_a_working_component(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> None:
    """Loading (as a trained model does) gives the same behaviour as creating."""
    loaded = KoreanEntityExtractor.load(
        KoreanEntityExtractor.get_default_config(),
        model_storage,
        Resource("korean_entity_extractor"),
        execution_context,
    )
    assert surfaces("E1023", extract(loaded, "E1023")[1]) == [("error_code", "E1023", "E1023")]

