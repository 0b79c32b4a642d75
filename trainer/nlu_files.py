"""Reading and appending to Rasa NLU files without disturbing anything else in them.

Files look like ``data/nlu/refunds.yml``: ``version``, a comment, ``nlu:`` with ``- intent:`` /
``examples: |`` blocks. Appending goes through ruamel.yaml's round-trip mode (order, comments,
quotes and blank lines kept), and the result is compared with the original text: if anything but
the new lines would change, nothing is written.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

# Rasa's inline entity annotations: [text](entity) or [text]{"entity": ...}.
_ENTITY_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
# Indentation styles tried when dumping (mapping, sequence, offset); the first that reproduces the
# file exactly is used. ``(2, 2, 0)`` is this project's style (``- intent:`` under ``nlu:``).
_INDENT_STYLES: Tuple[Tuple[int, int, int], ...] = ((2, 2, 0), (2, 4, 2), (4, 4, 2), (4, 2, 0))
EXAMPLE_PREFIX = "- "


class NluFileError(RuntimeError):
    """An NLU file cannot be read, or cannot be changed without touching more than the new lines."""


@dataclass(frozen=True)
class Example:
    """One training example and where it is written.

    Attributes:
        intent: The intent it is labelled with.
        text: The example as a customer would type it (entity annotations removed).
        path: The file it is in.
        line: Its 1-based line number in that file.
    """

    intent: str
    text: str
    path: Path
    line: int


def plain_text(example: str) -> str:
    """An example without Rasa entity annotations: ``[3만원](amount) 환불`` → ``3만원 환불``."""
    return _ENTITY_ANNOTATION.sub(r"\1", example).strip()


def _round_trip_yaml(style: Tuple[int, int, int] = _INDENT_STYLES[0]) -> YAML:
    yaml = YAML(typ="rt")
    # ruamel.yaml declares these attributes as None.
    yaml.preserve_quotes = True  # type: ignore[assignment]
    yaml.width = 4096  # type: ignore[assignment]  # never re-wrap long lines
    mapping, sequence, offset = style
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _load(path: Path) -> Tuple[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        return text, _round_trip_yaml().load(text)
    except YAMLError as error:
        raise NluFileError(f"{path}: YAML로 읽을 수 없어요 ({error.__class__.__name__}).") from error


def _intent_blocks(content: Any) -> Iterator[Any]:
    """The ``- intent:`` entries of a loaded NLU file (synonyms, regexes ... are skipped)."""
    if not isinstance(content, dict):
        return
    for block in content.get("nlu") or []:
        if isinstance(block, dict) and "intent" in block and "examples" in block:
            yield block


def _example_lines(examples: str) -> Iterator[Tuple[int, str]]:
    """``(offset, text)`` of each ``- example`` line of an ``examples`` block."""
    for offset, line in enumerate(str(examples).split("\n")):
        stripped = line.strip()
        if stripped.startswith(EXAMPLE_PREFIX.strip()):
            text = plain_text(stripped[1:])
            if text:
                yield offset, text


def read_examples(path: Path) -> List[Example]:
    """Every intent example in one NLU file, with its line number.

    Args:
        path: A Rasa NLU YAML file.

    Returns:
        The examples in file order.

    Raises:
        NluFileError: The file is not valid YAML.
    """
    _, content = _load(path)
    examples: List[Example] = []
    for block in _intent_blocks(content):
        value = block["examples"]
        # A literal block's lines follow the "examples: |" line one for one; for any other style
        # the line of the "- intent:" entry is the best there is.
        literal = isinstance(value, LiteralScalarString)
        first_line = block.lc.value("examples")[0] + 2 if literal else block.lc.line + 1
        for offset, text in _example_lines(value):
            examples.append(Example(str(block["intent"]), text, path, first_line + (offset if literal else 0)))
    return examples


def nlu_files(nlu_dir: Path) -> List[Path]:
    """The NLU files under ``nlu_dir``, in a stable order."""
    return sorted(list(nlu_dir.rglob("*.yml")) + list(nlu_dir.rglob("*.yaml")))


def read_all_examples(nlu_dir: Path) -> List[Example]:
    """Every intent example under ``nlu_dir``."""
    return [example for path in nlu_files(nlu_dir) for example in read_examples(path)]


def intent_files(examples: Iterable[Example]) -> Dict[str, Path]:
    """For each intent, the file new examples go to: the first (in file order) that has its examples."""
    files: Dict[str, Path] = {}
    for example in examples:
        files.setdefault(example.intent, example.path)
    return files


def _dump(content: Any, style: Tuple[int, int, int]) -> str:
    stream = io.StringIO()
    _round_trip_yaml(style).dump(content, stream)
    return stream.getvalue()


def _file_style(original: str, path: Path) -> Tuple[int, int, int]:
    """The indentation style with which ruamel reproduces ``original`` byte for byte."""
    for style in _INDENT_STYLES:
        if _dump(_round_trip_yaml(style).load(original), style) == original:
            return style
    raise NluFileError(
        f"{path}: 이 파일은 형식을 그대로 지키며 고칠 수 없어요 (들여쓰기나 따옴표가 특이해요). "
        "개발자에게 알려 주세요."
    )


def _insertion_line(original: str, changed: str, sentences: Sequence[str]) -> Optional[int]:
    """Where ``changed`` adds exactly the ``- sentence`` lines to ``original`` in one place (0-based
    line index), or ``None`` when anything else differs."""
    before, after = original.splitlines(keepends=True), changed.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    operations = [operation for operation in matcher.get_opcodes() if operation[0] != "equal"]
    if len(operations) != 1 or operations[0][0] != "insert":
        return None
    _, _, _, start, end = operations[0]
    inserted = [line.strip() for line in after[start:end]]
    return start if inserted == [f"{EXAMPLE_PREFIX}{sentence}" for sentence in sentences] else None


def _write_atomically(path: Path, text: str) -> None:
    """Replaces ``path`` with ``text`` in one step, so a crash never leaves half a file."""
    mode = path.stat().st_mode & 0o777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


def append_examples(path: Path, intent: str, sentences: Sequence[str]) -> Optional[int]:
    """Appends ``sentences`` to the end of ``intent``'s examples in ``path`` (its last block, when the
    file splits the intent into several themed blocks).

    Everything outside the new lines stays byte for byte as it was (checked before writing).

    Args:
        path: The NLU file holding the intent's block.
        intent: The intent name.
        sentences: Cleaned, single-line sentences.

    Returns:
        The 1-based line number of the first added line, or ``None`` when ``sentences`` is empty.

    Raises:
        NluFileError: The block is missing or the file's formatting could not be kept.
    """
    if not sentences:
        return None
    original, _ = _load(path)
    style = _file_style(original, path)
    content = _round_trip_yaml(style).load(original)
    blocks = [item for item in _intent_blocks(content) if str(item["intent"]) == intent]
    block = blocks[-1] if blocks else None
    if block is None:
        raise NluFileError(f"{path}: '{intent}' 의도의 예문 블록이 없어요.")
    examples = str(block["examples"])
    if examples and not examples.endswith("\n"):
        examples += "\n"
    block["examples"] = LiteralScalarString(examples + "".join(f"{EXAMPLE_PREFIX}{s}\n" for s in sentences))
    changed = _dump(content, style)
    inserted_at = _insertion_line(original, changed, sentences)
    if inserted_at is None:
        raise NluFileError(
            f"{path}: 새 문장 말고 다른 부분까지 바뀌게 되어 저장하지 않았어요. 개발자에게 알려 주세요."
        )
    _write_atomically(path, changed)
    return inserted_at + 1
