"""A Rasa tokenizer for Korean that splits messages into morphemes with KoNLPy."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from korean_nlu.analyzers import MECAB, KoreanAnalyzer, get_analyzer
from korean_nlu.repeats import shorten_runs

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class KoreanTokenizer(Tokenizer):
    """Splits Korean text into morphemes (Mecab by default, Okt as the JVM alternative).

    Every token's ``start``/``end`` points into the original message, also for text the
    analyser could not return as-is, and each token carries its part-of-speech tag under
    ``pos`` for the LexicalSyntacticFeaturizer.
    """

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        """Supported languages (see parent class for full docstring)."""
        return ["ko"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns default config (see parent class for full docstring)."""
        return {
            # Morphological analyser: "mecab" (no JVM, default) or "okt" (needs Java).
            "analyzer": MECAB,
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Any extra python dependencies required for this component to run.

        Rasa checks these both as module and as distribution names, so only KoNLPy (the same
        under both) is listed; the analyser's own packages are checked when it is created.
        """
        return ["konlpy"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Creates the tokenizer; the analyser itself is shared by the whole process."""
        super().__init__(config)
        self._analyzer: KoreanAnalyzer = get_analyzer(config["analyzer"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KoreanTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes the text of the provided attribute of the incoming message."""
        text = message.get(attribute) or ""
        tokens = []
        for morpheme in self._analyzer.analyse(text):
            # The lemma, which the count featurizers read, has long runs cut ("ㅠㅠㅠㅠㅠ" -> "ㅠㅠㅠ").
            token = Token(morpheme.text, morpheme.start, morpheme.end, lemma=shorten_runs(morpheme.text))
            token.set(POS_TAG_KEY, morpheme.tag)
            tokens.append(token)
        if not tokens:
            # Featurizers expect at least one token, even for whitespace-only text.
            tokens = [Token(text, 0, len(text), lemma=shorten_runs(text))]
        return self._apply_token_pattern(tokens)
