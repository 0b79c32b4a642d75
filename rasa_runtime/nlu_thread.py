"""NLU off the event loop: Rasa's message processor with the NLU graph run in a worker thread.

Rasa 3.6 parses every message synchronously on the Sanic event loop
(``MessageProcessor._parse_message_with_graph``). While one message is tokenised, featurised, classified
and, when DIET is unsure, embedded by the dense re-ranker, nothing else on that loop runs: not the Kakao
channel's deadline timers, not other customers' HTTP answers. On a busy two-core machine one parse was
seen holding the loop for 3.7 s, so a Kakao request that arrived meanwhile could not be answered
inside Kakao's 5 seconds although its timer had long fired.

:class:`ThreadedNluProcessor` runs exactly Rasa's parse, unchanged, on one dedicated worker thread and
awaits it, so the loop stays free to answer. One thread, not a pool: the parses still happen one at a
time (as before, and Mecab's tagger and the tokenizer caches are then never used by two threads at once);
what changes is only that waiting for them no longer blocks everything else. The rest of a turn (the
policies, the actions over HTTP, the tracker store) runs as Rasa runs it.
"""

from __future__ import annotations

import asyncio
import copy
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional, Text

import structlog
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

structlogger = structlog.get_logger()

# The one thread every parse of this process runs on (created on first use, lives with the process).
_NLU_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="paybot-nlu")


class ThreadedNluProcessor(MessageProcessor):
    """Rasa's ``MessageProcessor`` whose NLU parse runs on the NLU thread, awaited by the event loop."""

    async def parse_message(
        self,
        message: UserMessage,
        tracker: Optional[DialogueStateTracker] = None,
        only_output_properties: bool = True,
    ) -> Dict[Text, Any]:
        """Interprets the message like Rasa's ``parse_message``, with the graph run off the event loop."""
        if self.http_interpreter:
            return await super().parse_message(message, tracker, only_output_properties)
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        loop = asyncio.get_running_loop()
        parse_data = await loop.run_in_executor(
            _NLU_THREAD, self._parse_message_with_graph, message, tracker, only_output_properties
        )
        self._update_full_retrieval_intent(parse_data)
        structlogger.debug(
            "processor.message.parse",
            parse_data_text=copy.deepcopy(parse_data["text"]),
            parse_data_intent=parse_data["intent"],
            parse_data_entities=copy.deepcopy(parse_data["entities"]),
        )
        self._check_for_unseen_features(parse_data)
        return parse_data
