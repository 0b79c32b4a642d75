"""Rasa graph component extracting amounts, payment methods, times and error codes from Korean.

Each message goes through two finders, merged without overlaps:

1. a spaCy ``Matcher`` over a ``Doc`` built from the message's Rasa tokens (whitespace words or
   Korean morphemes; spaCy's rule-based tokenizer when the message has none). Token patterns
   propose a character window per entity type ("오류코드" "503", "3" "만" "원", "신용카드로"), and
   when the tokens carry part-of-speech tags (``pos``, as the KoreanTokenizer sets them) a tag
   pattern reads amounts straight from the morphemes: numbers (SN/NR) followed by 원 as a unit noun
   (NNBC), so "금액이만원" is 만원 = 10000 because Mecab tags 이 as a particle;
2. :func:`korean_nlu.entities.normaliser.find_entities` over the raw text, which pins down the exact
   characters and the value of each entity, also where no token boundary isolates it ("3만원" in
   the single whitespace token "3만원결제했는데", or "페이머니" that Mecab splits as "페이머|니로").

On an overlap, amounts read from tags win, then regex entities inside a matcher window, then the
rest (longest first within each). One exception: a regex amount that reaches further left than a
tagged one by a unit word only ("카카오페이로 만 칠천원": the tags read 칠천원, the regex 만 칠천원 =
17000) takes the tagged amount's place; ``use_regex_fallback: false`` drops the entities that no token
pattern proposed.

The token patterns and the normaliser's regexes read the same words
(:mod:`korean_nlu.entities.lexicon`). Use it after a tokenizer in ``config.yml``::

    - name: korean_nlu.entity_extractor.KoreanEntityExtractor

(that module re-exports this class; the class is registered with Rasa here, once).
"""

from __future__ import annotations

import bisect
import logging
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from korean_nlu.entities.amounts import parse_korean_amount
from korean_nlu.entities.entity_types import ALL_ENTITY_TYPES, ENTITY_AMOUNT
from korean_nlu.entities.lexicon import UNIT_CHARS
from korean_nlu.entities.normaliser import find_entities
from korean_nlu.entities.spacy_docs import create_blank_korean, message_doc
from korean_nlu.entities.spans import resolve_overlaps
from korean_nlu.entities.token_patterns import (
    TAGGED_AMOUNT,
    TAGGED_AMOUNT_PATTERN,
    TOKEN_PATTERNS,
)

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

logger = logging.getLogger(__name__)

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
        self._nlp = create_blank_korean()
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
    def _create_matcher(vocab: "Vocab", entity_types: Tuple[Text, ...]) -> "Matcher":
        """A token matcher with one rule per entity type; overlapping matches keep the longest."""
        from spacy.matcher import Matcher

        matcher = Matcher(vocab, validate=True)
        for entity_type in entity_types:
            matcher.add(entity_type, TOKEN_PATTERNS[entity_type], greedy="LONGEST")
        return matcher

    @staticmethod
    def _create_tag_matcher(vocab: "Vocab", entity_types: Tuple[Text, ...]) -> Optional["Matcher"]:
        """A matcher over part-of-speech tags, for Docs whose tokens have them (spaCy refuses
        TAG patterns on untagged Docs, hence a matcher of its own)."""
        from spacy.matcher import Matcher

        if ENTITY_AMOUNT not in entity_types:
            return None
        matcher = Matcher(vocab, validate=True)
        matcher.add(TAGGED_AMOUNT, [TAGGED_AMOUNT_PATTERN], greedy="LONGEST")
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
            regex_entities = find_entities(text, self._entity_types)
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
            if any(_extends_by_unit_word(entity, tagged, text) for tagged in tagged_amounts):
                entity["rank"] = _TAGGED_RANK
            elif _overlaps_any(entity, windows.get(entity["entity"], [])):
                entity["rank"] = _MATCHED_RANK
            elif self._use_regex_fallback:
                entity["rank"] = _REGEX_ONLY_RANK
            else:
                continue
            candidates.append(entity)
        return resolve_overlaps(candidates)

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
        doc, offsets = message_doc(self._nlp, message, text)
        tagged_amounts: List[Dict[Text, Any]] = []
        windows: Dict[Text, List[Tuple[int, int]]] = {}
        matches = list(self._matcher(doc))
        if self._tag_matcher is not None and doc.has_annotation("TAG"):
            matches.extend(self._tag_matcher(doc))
        for match_id, first, last in matches:
            label = self._nlp.vocab.strings[match_id]
            start = min(token_start for token_start, _ in offsets[first:last])
            end = max(token_end for _, token_end in offsets[first:last])
            if label == TAGGED_AMOUNT:
                amount = parse_korean_amount(text[start:end])
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


def _extends_by_unit_word(
    regex_entity: Dict[Text, Any], tagged: Dict[Text, Any], text: Text
) -> bool:
    """Whether a regex amount is a tagged amount with only a number ending in a unit before it.

    After a particle, Mecab tags the 만 of "카카오페이로 만 칠천원" as 만 "only", so the tags read 7000
    where the customer wrote 17000. The part before the tagged span must end in a unit (만, 천, 억,
    ...), and the regex amount must start a word: the particle 이 in "금액이만원" and the 만 glued
    to 로 in "카드로만 칠천원" stay outside the amount, as the tags say.
    """
    if regex_entity["entity"] != ENTITY_AMOUNT or regex_entity["end"] != tagged["end"]:
        return False
    start = regex_entity["start"]
    if start >= tagged["start"] or (start > 0 and not text[start - 1].isspace()):
        return False
    lead = text[start : tagged["start"]].rstrip()
    return bool(lead) and lead[-1] in UNIT_CHARS


def _overlaps_any(entity: Dict[Text, Any], windows: List[Tuple[int, int]]) -> bool:
    """Whether the entity overlaps one of the sorted, non-overlapping windows."""
    position = bisect.bisect_left(windows, (entity["end"],)) - 1
    return position >= 0 and windows[position][1] > entity["start"]
