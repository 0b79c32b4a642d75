"""The copies that must exist agree: topic files, domain, NLU data, rules, the guide, the dialogue's lists, the docs.

A topic is one name across ``data/nlu/<topic>.yml``, ``data/rules/<topic>.yml`` (``data/stories/<topic>.yml``
when there are stories) and ``domain/<topic>.yml``; ``domain/`` adds only the files every topic shares.
The dialogue's lists of intents (``paybot/dialogue/reading.py``) are the only ones: no form in
``domain/`` or ``data/`` repeats them, and no Python module spells one of them out again. Every sentence
a customer sees comes from ``content/guide.yml``: ``domain/`` holds no responses and no Korean text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Set

import pytest
import yaml

from paybot.dialogue import reading
from paybot.guide import REQUIRED_TOPICS, load_guide
from paybot.settings import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
RULES_DIR = PROJECT_ROOT / "data" / "rules"
STORIES_DIR = PROJECT_ROOT / "data" / "stories"
DOMAIN_DIR = PROJECT_ROOT / "domain"
GUIDE_PATH = PROJECT_ROOT / "content" / "guide.yml"
# Domain files that belong to no topic: what every topic shares (entities, detail slots, the action,
# the session) and the conversation's context slots. They declare no intents.
SHARED_DOMAIN_FILES = frozenset({"core.yml", "dialogue.yml"})
# Rasa's own intent for an unsure model: declared and routed, never trained on.
FALLBACK_INTENT = "nlu_fallback"
# The dialogue's lists of intents, by name (paybot/dialogue/reading.py).
DIALOGUE_LISTS: Dict[str, FrozenSet[str]] = {
    name: value
    for name, value in vars(reading).items()
    if name.isupper() and isinstance(value, frozenset) and value and all(isinstance(item, str) for item in value)
}
# Where the dialogue's Python lives: none of it may spell out one of those lists again.
DIALOGUE_CODE = sorted((PROJECT_ROOT / "paybot" / "dialogue").glob("*.py")) + sorted((PROJECT_ROOT / "actions").glob("*.py"))
# The intents section of the docs: a heading "Intents" in the README or a page of docs/.
_INTENTS_HEADING = re.compile(r"^(#{1,6})\s+Intents\b.*$", re.M)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _load(path: Path) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _names(entries: List[Any]) -> Set[str]:
    """Intent names of a domain ``intents:`` list (plain names or ``{name: {...}}``)."""
    return {next(iter(entry)) if isinstance(entry, dict) else str(entry) for entry in entries or []}


def _nlu_intents(path: Path) -> Set[str]:
    return {str(block["intent"]) for block in _load(path).get("nlu") or [] if "intent" in block}


def _step_intents(path: Path, key: str) -> Set[str]:
    """Intents the rules (or stories) of one file react to."""
    return {str(step["intent"]) for item in _load(path).get(key) or [] for step in item.get("steps") or [] if "intent" in step}


def _domain_intents(path: Path) -> Set[str]:
    return _names(_load(path).get("intents") or [])


def _topic_files(folder: Path) -> Set[str]:
    return {path.name for path in folder.glob("*.yml")}


def test_each_topic_has_its_nlu_rules_and_domain_file_under_one_name() -> None:
    """data/nlu, data/rules (and data/stories) and domain/ name the same topics the same way."""
    topics = _topic_files(NLU_DIR)
    assert topics, "no NLU files"
    assert _topic_files(RULES_DIR) == topics
    assert _topic_files(DOMAIN_DIR) - SHARED_DOMAIN_FILES == topics
    if STORIES_DIR.exists():
        assert _topic_files(STORIES_DIR) <= topics, "a story file must be named like its topic's NLU file"


@pytest.mark.parametrize("name", sorted(_topic_files(NLU_DIR)))
def test_a_topics_files_hold_the_same_intents(name: str) -> None:
    """The intents a topic's domain file declares are the ones its NLU file trains and its rules route."""
    declared = _domain_intents(DOMAIN_DIR / name)
    assert _nlu_intents(NLU_DIR / name) == declared - {FALLBACK_INTENT}
    assert _step_intents(RULES_DIR / name, "rules") == declared
    if (STORIES_DIR / name).exists():
        assert _step_intents(STORIES_DIR / name, "stories") <= declared


@pytest.mark.parametrize("name", sorted(SHARED_DOMAIN_FILES))
def test_shared_domain_files_declare_no_intent(name: str) -> None:
    """An intent belongs to a topic, so it lives in that topic's domain file."""
    assert not _domain_intents(DOMAIN_DIR / name)


def _declared_intents() -> Set[str]:
    """The intents the domain files declare (Rasa adds its defaults, restart, back ..., when it loads them)."""
    return set().union(*(_domain_intents(path) for path in DOMAIN_DIR.glob("*.yml")))


def test_domain_intents_are_the_trained_intents() -> None:
    """The domain declares exactly the intents data/nlu trains, plus the fallback; Rasa reads the same."""
    from rasa.shared.core.constants import DEFAULT_INTENTS
    from rasa.shared.core.domain import Domain

    trained = set().union(*(_nlu_intents(path) for path in NLU_DIR.glob("*.yml")))
    assert _declared_intents() == trained | {FALLBACK_INTENT}
    assert set(Domain.load(str(DOMAIN_DIR)).intents) == _declared_intents() | set(DEFAULT_INTENTS)


def test_guide_topics_are_the_required_topics_and_domain_intents() -> None:
    """content/guide.yml answers exactly paybot.guide's topics, each an intent of the domain."""
    guide = load_guide(GUIDE_PATH)
    assert set(guide.topics) == set(REQUIRED_TOPICS)
    assert set(REQUIRED_TOPICS) <= _declared_intents()
    followup_topics = {item.topic for item in guide.followups}
    assert followup_topics <= set(REQUIRED_TOPICS) | {"general"}


def test_dialogue_lists_name_guide_topics() -> None:
    """Every topic the dialogue may switch to is answered by the guide; the lists build on each other."""
    assert set(DIALOGUE_LISTS) >= {"PROBLEM_TOPICS", "GUIDE_QUESTIONS", "HANDOFF_INTENTS", "EMERGENCY_TOPICS"}
    assert reading.TOPIC_INTENTS <= set(REQUIRED_TOPICS)
    for name, intents in DIALOGUE_LISTS.items():
        assert intents <= reading.TOPIC_INTENTS, f"{name} names an intent the guide does not answer"
    assert reading.HANDOFF_INTENTS <= reading.TOPIC_INTENTS
    assert reading.EMERGENCY_TOPICS <= reading.PROBLEM_TOPICS


def _yaml_files() -> Iterator[Path]:
    for folder in (DOMAIN_DIR, PROJECT_ROOT / "data"):
        yield from sorted(folder.rglob("*.yml"))


@pytest.mark.parametrize("path", list(_yaml_files()), ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_no_yaml_copy_of_what_leaves_a_question(path: Path) -> None:
    """No Rasa form, and so no second list of the intents that leave one: the bot's questions are
    ``pending`` values read by paybot/dialogue/forms.py, and what ends them is HANDOFF_INTENTS and
    PROBLEM_TOPICS (reading.py). A form added here would need its own list and a test that it agrees."""
    content = _load(path)
    assert "forms" not in content
    text = path.read_text(encoding="utf-8")
    assert "active_loop" not in text and "not_intent" not in text


def _string_collections(tree: ast.Module) -> Iterator[ast.AST]:
    """Set, tuple and list literals of two or more strings, except those that define a dialogue list."""
    definitions = {
        id(node)
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id in DIALOGUE_LISTS for target in statement.targets)
        for node in ast.walk(statement)
    }
    for node in ast.walk(tree):
        if id(node) in definitions or not isinstance(node, (ast.Set, ast.Tuple, ast.List)) or len(node.elts) < 2:
            continue
        if all(isinstance(item, ast.Constant) and isinstance(item.value, str) for item in node.elts):
            yield node


@pytest.mark.parametrize("path", DIALOGUE_CODE, ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_dialogue_lists_are_written_once(path: Path) -> None:
    """No module spells out one of the dialogue's lists of intents again: it imports the constant."""
    copies = [
        f"line {node.lineno}: {name}"
        for node in _string_collections(ast.parse(path.read_text(encoding="utf-8")))
        for name, intents in DIALOGUE_LISTS.items()
        if frozenset(item.value for item in node.elts) == intents  # type: ignore[attr-defined]
    ]
    assert not copies, f"{path.name} repeats a list of paybot/dialogue/reading.py instead of importing it: {copies}"


def _documented_intents_section() -> str:
    """The text under every "Intents" heading of the README and docs/, up to the next heading as high."""
    sections = []
    for path in [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").rglob("*.md"))]:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for match in _INTENTS_HEADING.finditer(text):
            level = len(match.group(1))
            rest = text[match.end():]
            end = re.search(rf"^#{{1,{level}}}\s", rest, re.M)
            sections.append(rest[: end.start()] if end else rest)
    return "\n".join(sections)


def test_docs_list_exactly_the_domain_intents() -> None:
    """The docs' intents section names every intent of the domain, and nothing that looks like an
    intent (a `backticked` or snake_case name) that the domain does not declare."""
    section = _documented_intents_section()
    assert section, 'no "## Intents" section in README.md or docs/'
    words = set(re.findall(r"[a-z]+(?:_[a-z]+)*", section))
    intents = _declared_intents()
    assert intents <= words, f"not documented: {sorted(intents - words)}"
    named = set(re.findall(r"`([a-z]+(?:_[a-z]+)*)`", section)) | set(re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", section))
    assert named <= intents, f"documented but not in the domain: {sorted(named - intents)}"


def test_every_customer_sentence_comes_from_the_guide() -> None:
    """domain/ holds no responses and no Korean text, so every sentence shown comes from content/guide.yml."""
    from rasa.shared.core.domain import Domain

    assert not Domain.load(str(DOMAIN_DIR)).responses
    for path in sorted(DOMAIN_DIR.glob("*.yml")) + sorted((PROJECT_ROOT / "data" / "rules").glob("*.yml")):
        assert not _HANGUL.search(path.read_text(encoding="utf-8")), f"{path.name} has Korean text"
    header = GUIDE_PATH.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "모든 안내 문장은 이 파일에서 나와요" in header
