"""Rasa graph component extracting amounts, payment methods, times and error codes from Korean.

Each message goes through two finders, merged without overlaps:

1. a spaCy ``Matcher`` over a ``Doc`` built from the message's Rasa tokens (whitespace words or
   Korean morphemes; spaCy's rule-based tokenizer when the message has none). Token patterns
   propose a character window per entity type ("오류코드" "503", "3" "만" "원", "신용카드로"), and
   when the tokens carry part-of-speech tags (``pos``, as the KoreanTokenizer sets them) a tag
   pattern reads amounts straight from the morphemes: numbers (SN/NR) followed by 원 as a unit noun
   (NNBC), so "금액이만원" is 만원 = 10000 because Mecab tags 이 as a particle;
2. :func:`korean_nlu.entity_normaliser.find_entities` over the raw text, which pins down the exact
   characters and the value of each entity, also where no token boundary isolates it ("3만원" in
   the single whitespace token "3만원결제했는데", or "페이머니" that Mecab splits as "페이머|니로").

On an overlap, amounts read from tags win, then regex entities inside a matcher window, then the
rest (longest first within each); ``use_regex_fallback: false`` drops the entities that no token
pattern proposed.

Use it after a tokenizer in ``config.yml``::

    - name: korean_nlu.entity_extractor.KoreanEntityExtractor
"""

from __future__ import annotations

import bisect
import logging
import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from korean_nlu import entity_normaliser
from korean_nlu.entity_normaliser import (
    ALL_ENTITY_TYPES,
    ENTITY_AMOUNT,
    ENTITY_ERROR_CODE,
    ENTITY_METHOD,
    ENTITY_WHEN,
)

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

logger = logging.getLogger(__name__)

# spacy.blank("ko") needs mecab-ko and natto-py; the rule-based tokenizer needs nothing, and only
# its vocab (and, when a message has no tokens, its tokenization) is used here.
_BLANK_KOREAN_CONFIG: Dict[Text, Any] = {
    "nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}
}

# Particles that whitespace tokens carry glued to the word: 카드로, 3만원을, 월요일에.
_PARTICLE = r"(?:으로|로|을|를|이|가|은|는|에|에서|에는|도|만|씩|짜리|정도|쯤|요|이요|까지|부터)?"
_SINO = "영일이삼사오육칠팔구십백천만억조"
_PAY_VERB = r"^(?:결제|결재|송금|이체|충전|환불|입금|출금|인출|보냈|보내|냈|paid|pay|payment)"

# A number token without currency, in a run of them: "2만" of "2만" "5천원", "3" of "3" "만" "원",
# and the "," of "30" "," "000" "원" as a morpheme analyser splits "30,000원".
_NUMBER_TOKEN_OPTIONAL: Dict[Text, Any] = {
    "LOWER": {"REGEX": rf"^(?:[₩￦]|krw)?(?:\d[\d,.]*|[{_SINO}])+$|^[,.]$"},
    "OP": "?",
}

# Matcher key of the amount pattern over part-of-speech tags (Mecab / Sejong tag set).
_TAGGED_AMOUNT = "amount_from_tags"
_TAGGED_NUMBER_PART: Dict[Text, Any] = {
    "TAG": {"IN": ["SN", "NR", "SC", "SY"]},
    "LOWER": {"REGEX": rf"^(?:\d+|[,.]|[{_SINO}]+)$"},
    "OP": "?",
}
# A number (SN digits or NR numeral) then up to seven more number parts, then 원 as a unit noun
# (NNBC), so that a subject particle 이 (JKS) or the verb 원하다 is never part of an amount.
_TAGGED_AMOUNT_PATTERN: List[Dict[Text, Any]] = (
    [{"TAG": {"IN": ["SN", "NR"]}, "LOWER": {"REGEX": rf"^(?:\d+|[{_SINO}]+)$"}}]
    + [_TAGGED_NUMBER_PART] * 7
    + [{"TAG": "NNBC", "LOWER": "원"}]
)

# Token patterns per entity type, on the lower-cased token text. They only propose spans: the
# normaliser decides what inside the span is the entity and what its value is.
_TOKEN_PATTERNS: Dict[Text, List[List[Dict[Text, Any]]]] = {
    ENTITY_AMOUNT: [
        # "3만원", "30,000원을", "삼만" "원", "3" "만" "원", "2만" "5천원": up to seven number
        # tokens (a fixed bound: "+" would make a run of numbers quadratic) and a currency token.
        [_NUMBER_TOKEN_OPTIONAL] * 6
        + [
            {
                "LOWER": {
                    "REGEX": rf"^(?:[₩￦]|krw)?(?:\d[\d,.]*|[{_SINO}])+(?:원|won|krw)?{_PARTICLE}$"
                }
            },
            {"LOWER": {"REGEX": rf"^(?:원|won|krw){_PARTICLE}$"}, "OP": "?"},
        ],
        # "₩" "30,000" / "krw" "30000"
        [
            {"LOWER": {"IN": ["₩", "￦", "krw"]}},
            {"LOWER": {"REGEX": r"^\d[\d,.]*$"}},
        ],
        # "30000" ("이") "결제": a bare number is only an amount next to a payment word.
        [
            {"LOWER": {"REGEX": rf"^\d[\d,]*{_PARTICLE}$"}},
            {"LOWER": {"IN": ["을", "를", "이", "가", "은", "는", "도"]}, "OP": "?"},
            {"LOWER": {"REGEX": _PAY_VERB}},
        ],
        [
            {"LOWER": {"REGEX": r"^(?:결제|송금|이체|충전|환불)?금액[은는이가:]?$"}},
            {"LOWER": {"IN": ["은", "는", "이", "가", ":"]}, "OP": "?"},
            {"LOWER": {"REGEX": rf"^\d[\d,]*{_PARTICLE}$"}},
        ],
    ],
    ENTITY_METHOD: [
        [
            {
                "LOWER": {
                    "REGEX": r"^(?:신용카드|체크카드|카드|계좌이체|계좌|은행|무통장입금|페이머니|머니|qr코드|qr|"
                    rf"큐알코드|큐알|바코드|포인트|cards?|bank|barcode|paymoney){_PARTICLE}$"
                }
            }
        ],
        [
            {"LOWER": {"IN": ["신용", "체크", "credit", "debit"]}},
            {"LOWER": {"REGEX": rf"^(?:카드|cards?){_PARTICLE}$"}},
        ],
        [{"LOWER": {"IN": ["페이", "pay"]}}, {"LOWER": {"REGEX": rf"^(?:머니|money){_PARTICLE}$"}}],
        [{"LOWER": {"IN": ["qr", "큐알"]}}, {"LOWER": {"REGEX": rf"^(?:코드|code){_PARTICLE}$"}}],
        [{"LOWER": "계좌"}, {"LOWER": {"REGEX": rf"^이체{_PARTICLE}$"}}],
        [{"LOWER": "bar"}, {"LOWER": {"REGEX": r"^codes?$"}}],
        # 휴대폰 only with a payment word: "휴대폰결제", "핸드폰" "(으로)" "(소액)" "결제"
        [{"LOWER": {"REGEX": r"^(?:휴대폰|핸드폰|휴대전화)(?:으로|로)?(?:소액)?(?:결제|결재)"}}],
        [
            {"LOWER": {"REGEX": r"^(?:휴대폰|핸드폰|휴대전화|phone)(?:으로|로)?$"}},
            {"LOWER": {"IN": ["으로", "로"]}, "OP": "?"},
            {"LOWER": "소액", "OP": "?"},
            {"LOWER": {"REGEX": r"^(?:소액)?(?:결제|결재|payment)"}},
        ],
    ],
    ENTITY_WHEN: [
        [
            {
                "LOWER": {
                    "REGEX": r"^(?:방금|아까|오늘|금일|어제|어저께|어젯밤|그저께|그제|지난주|저번주|지지난주|"
                    r"지난달|저번달|[월화수목금토일](?:요일|욜)|today|yesterday)"
                    rf"(?:아침|오전|오후|낮|저녁|밤|새벽)?(?:전)?{_PARTICLE}$"
                }
            }
        ],
        # "오늘" "아침", "어제" "밤"
        [
            {"LOWER": {"IN": ["오늘", "어제", "그제", "그저께", "어젯"]}},
            {"LOWER": {"REGEX": rf"^(?:아침|오전|오후|낮|저녁|밤|새벽){_PARTICLE}$"}},
        ],
        # "3일전", "삼일" "전", "3" "일" "전", "이틀" "전", "일주일" "전", "2주" "전", "한" "달" "전"
        [
            {"LOWER": {"REGEX": r"^(?:\d{1,3}|[일이삼사오육칠팔구십]{1,3}|한|두|세|네|조금|좀|몇)$"}, "OP": "?"},
            {
                "LOWER": {
                    "REGEX": r"^(?:\d{1,3}|[일이삼사오육칠팔구십]{1,3})?(?:일|주|주일|달|개월|분)?$|"
                    r"^(?:하루|이틀|사흘|나흘|닷새|엿새|이레|열흘|며칠)$"
                },
                "OP": "?",
            },
            {"LOWER": {"REGEX": r"^(?:\d{1,3}|[일이삼사오육칠팔구십]{1,3})?(?:일|주|주일|달|개월|분)?전"}},
        ],
        [{"LOWER": {"IN": ["지난", "저번", "지지난"]}}, {"LOWER": {"REGEX": rf"^(?:주|달|주말){_PARTICLE}$"}}],
        [{"LOWER": "last"}, {"LOWER": {"IN": ["week", "month"]}}],
        [{"LOWER": {"REGEX": r"^\d{1,3}$"}}, {"LOWER": {"REGEX": r"^days?$"}}, {"LOWER": "ago"}],
        # "11월" "3일" / "11" "월" "3" "일"
        [
            {"LOWER": {"REGEX": r"^\d{4}년?$"}, "OP": "?"},
            {"LOWER": "년", "OP": "?"},
            {"LOWER": {"REGEX": r"^\d{1,2}(?:월)?$"}},
            {"LOWER": "월", "OP": "?"},
            {"LOWER": {"REGEX": rf"^\d{{1,2}}(?:일)?{_PARTICLE}$"}},
            {"LOWER": {"REGEX": rf"^일{_PARTICLE}$"}, "OP": "?"},
        ],
    ],
    ENTITY_ERROR_CODE: [
        # "오류코드" "503", "에러" "코드:" "PAY-001", "error" "code" "E1023", "에러" "5001"
        [
            {"LOWER": {"REGEX": r"^(?:오류|에러|에라|error|err)(?:코드|번호)?[:：#]?$"}},
            {"LOWER": {"REGEX": r"^(?:코드|code|번호)?[:：#]?$"}, "OP": "?"},
            {"LOWER": {"REGEX": r"^(?:[a-z]{1,6}[-_]?)?\d{2,8}$"}},
        ],
        # "503" "오류", "E1023" "에러"
        [
            {"LOWER": {"REGEX": r"^(?:[a-z]{1,6}[-_]?)?\d{2,8}(?:번)?$"}},
            {"LOWER": {"REGEX": r"^(?:오류|에러|error)"}},
        ],
        # "E1023", "PAY-001", or split by a morpheme analyser: "PAY" "-" "001"
        [{"LOWER": {"REGEX": r"^[a-z]{1,4}[-_]?\d{3,8}$"}}],
        [
            {"LOWER": {"REGEX": r"^[a-z]{1,6}$"}},
            {"LOWER": {"IN": ["-", "_"]}, "OP": "?"},
            {"LOWER": {"REGEX": r"^\d{3,8}$"}},
        ],
    ],
}

# Without Rasa tokens and beyond this length, the Doc is made of whitespace chunks.
_MAX_SPACY_TOKENIZER_CHARS = 1000

# Where an entity came from decides which one wins an overlap, before length does:
# an amount read from tagged morphemes ("금액이만원": 이 is a particle, so 만원 = 10000, where the
# regex reads 이만원 = 20000), then regex entities inside a token-matcher span, then regex-only ones.
_TAGGED_RANK = 0
_MATCHED_RANK = 1
_REGEX_ONLY_RANK = 2


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class KoreanEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts amount, method, when and error_code entities from Korean customer messages."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # entity types to extract, any of: amount, method, when, error_code
            "entities": list(ALL_ENTITY_TYPES),
            # also keep entities that only the raw-text regex finder sees, e.g. "3만원" glued
            # to a verb inside one whitespace token; False keeps token-matcher spans only
            "use_regex_fallback": True,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Any extra python dependencies required for this component to run."""
        return ["spacy"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        """Creates the extractor and its spaCy vocab and matcher.

        Args:
            config: The component's configuration, merged over the default config.
            model_storage: Unused: the component has nothing to persist.
            resource: Unused: the component has nothing to persist.
        """
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        requested = self._config["entities"] or []
        if isinstance(requested, str):
            requested = [requested]
        unknown = sorted(set(requested) - set(ALL_ENTITY_TYPES))
        if unknown:
            logger.warning(
                f"{self.name}: ignoring unknown entity types {unknown}; "
                f"known ones are {list(ALL_ENTITY_TYPES)}."
            )
        self._entity_types: Tuple[Text, ...] = tuple(
            entity_type for entity_type in ALL_ENTITY_TYPES if entity_type in requested
        )
        self._use_regex_fallback = bool(self._config["use_regex_fallback"])
        self._nlp = self._create_blank_korean()
        self._matcher = self._create_matcher(self._nlp.vocab, self._entity_types)
        self._tag_matcher = self._create_tag_matcher(self._nlp.vocab, self._entity_types)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KoreanEntityExtractor:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> KoreanEntityExtractor:
        """Loads the component; it is rule-based, so this is the same as creating it."""
        return cls(config, model_storage, resource)

    @staticmethod
    def _create_blank_korean() -> Any:
        """A blank Korean spaCy pipeline whose tokenizer needs no MeCab."""
        import spacy

        return spacy.blank("ko", config=_BLANK_KOREAN_CONFIG)

    @staticmethod
    def _create_matcher(vocab: "Vocab", entity_types: Tuple[Text, ...]) -> "Matcher":
        """A token matcher with one rule per entity type; overlapping matches keep the longest."""
        from spacy.matcher import Matcher

        matcher = Matcher(vocab, validate=True)
        for entity_type in entity_types:
            matcher.add(entity_type, _TOKEN_PATTERNS[entity_type], greedy="LONGEST")
        return matcher

    @staticmethod
    def _create_tag_matcher(vocab: "Vocab", entity_types: Tuple[Text, ...]) -> Optional["Matcher"]:
        """A matcher over part-of-speech tags, for Docs whose tokens have them (spaCy refuses
        TAG patterns on untagged Docs, hence a matcher of its own)."""
        from spacy.matcher import Matcher

        if ENTITY_AMOUNT not in entity_types:
            return None
        matcher = Matcher(vocab, validate=True)
        matcher.add(_TAGGED_AMOUNT, [_TAGGED_AMOUNT_PATTERN], greedy="LONGEST")
        return matcher

    def process(self, messages: List[Message]) -> List[Message]:
        """Appends the extracted entities to each message's entities.

        Args:
            messages: Messages, tokenized or not.

        Returns:
            The same messages; each gets an ``entities`` list (possibly empty).
        """
        for message in messages:
            entities = self.add_extractor_name(self._extract_entities(message))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def _extract_entities(self, message: Message) -> List[Dict[Text, Any]]:
        """Finds this component's entities in one message, never raising on odd input."""
        text = message.get(TEXT)
        if not isinstance(text, str) or not text.strip() or not self._entity_types:
            return []
        # An extraction bug must not cost the customer their conversation: log it and go on
        # with what the other finder found.
        try:
            regex_entities = entity_normaliser.find_entities(text, self._entity_types)
        except Exception:
            logger.exception(f"{self.name}: the regex finder failed on {len(text)} characters.")
            regex_entities = []
        try:
            tagged_amounts, windows = self._match_tokens(message, text)
        except Exception:
            logger.exception(f"{self.name}: the token matcher failed on {len(text)} characters.")
            tagged_amounts, windows = [], {}
        candidates: List[Dict[Text, Any]] = []
        for entity in tagged_amounts:
            entity["rank"] = _TAGGED_RANK
            candidates.append(entity)
        for entity in regex_entities:
            if _overlaps_any(entity, windows.get(entity["entity"], [])):
                entity["rank"] = _MATCHED_RANK
            elif self._use_regex_fallback:
                entity["rank"] = _REGEX_ONLY_RANK
            else:
                continue
            candidates.append(entity)
        return entity_normaliser.resolve_overlaps(candidates)

    def _match_tokens(
        self, message: Message, text: Text
    ) -> Tuple[List[Dict[Text, Any]], Dict[Text, List[Tuple[int, int]]]]:
        """Runs the token matcher over the message.

        Args:
            message: The message, whose tokens (if any) delimit the candidate spans.
            text: The message text.

        Returns:
            Amounts read from part-of-speech tagged morphemes (exact spans, parsed directly),
            and for each entity type the sorted, non-overlapping ``(start, end)`` character
            windows that its token patterns matched.
        """
        doc, offsets = self._doc(message, text)
        tagged_amounts: List[Dict[Text, Any]] = []
        windows: Dict[Text, List[Tuple[int, int]]] = {}
        matches = list(self._matcher(doc))
        if self._tag_matcher is not None and doc.has_annotation("TAG"):
            matches.extend(self._tag_matcher(doc))
        for match_id, first, last in matches:
            label = self._nlp.vocab.strings[match_id]
            start = min(token_start for token_start, _ in offsets[first:last])
            end = max(token_end for _, token_end in offsets[first:last])
            if label == _TAGGED_AMOUNT:
                amount = entity_normaliser.parse_korean_amount(text[start:end])
                if amount is not None:
                    tagged_amounts.append(
                        {
                            "entity": ENTITY_AMOUNT,
                            "value": amount,
                            "start": start,
                            "end": end,
                            "text": text[start:end],
                        }
                    )
            else:
                windows.setdefault(label, []).append((start, end))
        for spans in windows.values():
            spans.sort()
        return tagged_amounts, windows

    def _doc(self, message: Message, text: Text) -> Tuple["Doc", List[Tuple[int, int]]]:
        """A spaCy Doc over the message's Rasa tokens and each token's offsets in ``text``.

        Args:
            message: The message; its ``text_tokens`` are used when present, with their
                part-of-speech tags (``pos``) when every token has one.
            text: The message text.

        Returns:
            The Doc, and ``(start, end)`` in ``text`` for each of its tokens. Without Rasa
            tokens the Doc comes from spaCy's rule-based tokenizer (whitespace chunks for long
            text, where that tokenizer's affix splitting gets slow).
        """
        from spacy.tokens import Doc

        words: List[Text] = []
        tags: List[Optional[Text]] = []
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
            if all(tag is not None for tag in tags):
                return Doc(self._nlp.vocab, words=words, tags=tags), offsets
            return Doc(self._nlp.vocab, words=words), offsets

        if len(text) > _MAX_SPACY_TOKENIZER_CHARS:
            chunks = [
                (match.group(), match.start(), match.end()) for match in re.finditer(r"\S+", text)
            ]
            return (
                Doc(self._nlp.vocab, words=[chunk for chunk, _, _ in chunks]),
                [(start, end) for _, start, end in chunks],
            )
        doc = self._nlp.make_doc(text)
        return doc, [(token.idx, token.idx + len(token.text)) for token in doc]


def _overlaps_any(entity: Dict[Text, Any], windows: List[Tuple[int, int]]) -> bool:
    """Whether the entity overlaps one of the sorted, non-overlapping windows."""
    position = bisect.bisect_left(windows, (entity["end"],)) - 1
    return position >= 0 and windows[position][1] > entity["start"]
