"""Multi-turn conversations against the live bot (tests/data/conversations/*.yml), one test per conversation.

Each conversation runs on a fresh sender at its own frozen Seoul clock (written to the file named by
``PAYBOT_CLOCK_FILE`` before its first turn); after every turn the reply is checked with
``tests/support/conversation_checks.py`` and the tracker's slots are read for ``@topic``. A failure shows the
whole conversation so far.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import pytest
import requests
import yaml

from paybot.clock import parse_local_time
from paybot.guide import load_guide
from paybot.settings import PROJECT_ROOT
from tests.support.conversation_checks import Vocabulary, slots_from_events, transcript, turn_problems, validate_check
from tests.support.live_servers import LiveBot, live_bot

CONVERSATIONS_DIR = PROJECT_ROOT / "tests" / "data" / "conversations"
DOMAIN_DIR = PROJECT_ROOT / "domain"
DEFAULT_CLOCK = "2026-12-02 10:00"  # a Wednesday morning: agents working
MIN_TURNS, MAX_TURNS = 2, 6
CASE_QUESTION_RESPONSES = ("utter_ask_case_when", "utter_ask_case_feature", "utter_ask_case_error")


@dataclass(frozen=True)
class Turn:
    """One customer message and what the bot's reply to it must and must not have."""

    user: str
    must: Tuple[str, ...] = ()
    must_not: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Conversation:
    """A named conversation from ``tests/data/conversations/<theme>.yml`` at a Seoul local ``clock``."""

    name: str
    theme: str
    clock: str
    turns: Tuple[Turn, ...] = field(default_factory=tuple)


def _checks(raw: Any, where: str) -> Tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise ValueError(f"{where}: checks must be a list of strings")
    for check in raw:
        try:
            validate_check(check)
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
    return tuple(raw)


def load_conversations(directory: Path = CONVERSATIONS_DIR) -> List[Conversation]:
    """Every conversation in ``directory``'s YAML files, validated (unique names, 2-6 turns, known checks)."""
    conversations: List[Conversation] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for index, raw in enumerate(data.get("conversations") or []):
            where = f"{path.name} conversation {index + 1}"
            name = str(raw.get("name") or "").strip()
            if not name:
                raise ValueError(f"{where}: no name")
            clock = str(raw.get("clock") or DEFAULT_CLOCK)
            if parse_local_time(clock) is None:
                raise ValueError(f"{where} ({name}): clock {clock!r} is not 'YYYY-MM-DD HH:MM'")
            turns = []
            for number, turn in enumerate(raw.get("turns") or [], 1):
                here = f"{where} ({name}) turn {number}"
                if not isinstance(turn, dict) or not str(turn.get("user") or "").strip():
                    raise ValueError(f"{here}: no user message")
                turns.append(Turn(str(turn["user"]), _checks(turn.get("must"), here), _checks(turn.get("must_not"), here)))
            if not MIN_TURNS <= len(turns) <= MAX_TURNS:
                raise ValueError(f"{where} ({name}): {len(turns)} turns, expected {MIN_TURNS}-{MAX_TURNS}")
            conversations.append(Conversation(name, path.stem, clock, tuple(turns)))
    names = [conversation.name for conversation in conversations]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"conversation names must be unique: {duplicates}")
    return conversations


def _domain_texts(names: Sequence[str]) -> Dict[str, str]:
    """The first text of each response in ``names``, read from the domain files."""
    found: Dict[str, str] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for name in names:
            variants = responses.get(name) or []
            if variants and isinstance(variants[0], dict) and variants[0].get("text"):
                found[name] = variants[0]["text"]
    return found


def vocabulary() -> Vocabulary:
    """What the checks look for: the current guide, the domain's greeting and case questions."""
    texts = _domain_texts(("utter_greet", *CASE_QUESTION_RESPONSES))
    questions = [texts[name] for name in CASE_QUESTION_RESPONSES if name in texts]
    return Vocabulary.from_guide(load_guide(), texts.get("utter_greet"), questions or None)


CONVERSATIONS = load_conversations()


@dataclass
class ConversationBot:
    """The live bot with a frozen clock file and a way to read a conversation's slots."""

    live: LiveBot
    clock_file: Path
    api_token: str
    api_available: Optional[bool] = None

    def set_clock(self, clock: str) -> None:
        """Freezes the bot's clock at ``clock`` (Seoul local); it is read at every turn."""
        self.clock_file.write_text(clock + "\n", encoding="utf-8")

    def say(self, sender: str, message: str) -> Tuple[str, List[Dict[str, Any]]]:
        """Sends ``message`` and returns the bot's texts joined by newlines, and the raw messages."""
        replies = self.live.say(sender, message)
        return "\n".join(reply.get("text", "") for reply in replies if reply.get("text")), replies

    def slots(self, sender: str) -> Mapping[str, Any]:
        """The tracker's slots: Rasa's HTTP API when it is on, else the tracker store's events."""
        if self.api_available is not False:
            try:
                response = requests.get(
                    f"{self.live.rasa_url}/conversations/{sender}/tracker",
                    params={"token": self.api_token},
                    timeout=10,
                )
            except requests.RequestException:
                response = None
            if response is not None and response.ok:
                self.api_available = True
                return response.json().get("slots") or {}
            self.api_available = False
        with sqlite3.connect(self.live.tracker_db) as database:
            rows = database.execute(
                "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            ).fetchall()
        return slots_from_events([json.loads(data) for (data,) in rows])


@pytest.fixture(scope="module")
def conversation_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConversationBot]:
    """The live bot (tests/support/live_servers.py) with a clock file and Rasa's HTTP API behind a token."""
    workdir = tmp_path_factory.mktemp("conversations")
    clock_file = workdir / "clock.txt"
    clock_file.write_text(DEFAULT_CLOCK + "\n", encoding="utf-8")
    token = secrets.token_hex(16)
    with live_bot(workdir, extra_env={"PAYBOT_CLOCK_FILE": str(clock_file), "RASA_API_TOKEN": token}) as live:
        yield ConversationBot(live, clock_file, token)


def _shown(text: str, replies: Sequence[Mapping[str, Any]]) -> str:
    """The reply as the transcript shows it: texts, then any buttons' titles."""
    titles = [button.get("title", "") for reply in replies for button in (reply.get("buttons") or [])]
    return text + (f"\n[buttons: {' | '.join(titles)}]" if titles else "")


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c.name for c in CONVERSATIONS])
def test_conversation(conversation_bot: ConversationBot, conversation: Conversation) -> None:
    """The bot's reply to every turn passes that turn's checks and those every reply must pass."""
    vocab = vocabulary()
    sender = f"conv-{conversation.theme}-{uuid.uuid4().hex[:12]}"
    conversation_bot.set_clock(conversation.clock)
    so_far: List[Tuple[str, str]] = []
    previous: Optional[str] = None
    for number, turn in enumerate(conversation.turns, 1):
        text, replies = conversation_bot.say(sender, turn.user)
        so_far.append((turn.user, _shown(text, replies)))
        needs_slots = any(check.startswith("@topic:") for check in (*turn.must, *turn.must_not))
        slots = conversation_bot.slots(sender) if needs_slots else {}
        problems = turn_problems(text, vocab, slots, turn.must, turn.must_not, previous)
        if problems:
            topic = f" (slot topic={slots.get('topic')!r})" if needs_slots else ""
            pytest.fail(
                f"{conversation.theme}: {conversation.name!r}, turn {number}{topic}:\n  - "
                + "\n  - ".join(problems)
                + "\n\n"
                + transcript(so_far, conversation.clock),
                pytrace=False,
            )
        previous = text
