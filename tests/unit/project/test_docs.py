"""The README and docs/ hold together: every cited manual exists, every link resolves, nothing points outside.

The README is the front door (what the bot is, the two commands, the map); each audience's manual is a
file in ``docs/``. Code, comments, log lines and other manuals cite those files by path
(``docs/kakao.md``), so a citation of a file that does not exist sends an operator nowhere. Paths
outside the repository (``../shared/...``, ``/work/...``) exist on the machine the project was written on,
never on a user's.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

from paybot.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
DOCS = PROJECT_ROOT / "docs"
README_MAX_LINES = 160

# Folders that hold no project text: environments, installed packages, generated output.
SKIPPED_DIRS = {".git", ".venv", "node_modules", "models", "results", "logs", "artifacts", ".pytest_cache",
                ".rasa", "__pycache__", ".mypy_cache", ".ruff_cache"}
# The project's own text: code, configuration, scripts and manuals.
TEXT_SUFFIXES = {".py", ".sh", ".yml", ".yaml", ".md", ".json", ".js", ".html", ".css", ".template",
                 ".defaults", ".txt", ".toml", ".ini", ".cfg"}
TEXT_NAMES = {"Makefile", "run"}  # the Makefile and .ci/run

DOCS_CITATION = re.compile(r"docs/[A-Za-z0-9_-]+\.md")
OUTSIDE_PATHS = ("../shared", "/work/")
# [text](target) and ![alt](target); the target ends at the first space or closing parenthesis.
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
EXTERNAL_SCHEMES = ("http://", "https://", "mailto:", "tel:")


def project_text_files() -> Iterator[Path]:
    """Every text file of the project, outside environments and generated folders."""
    for folder, subfolders, files in os.walk(PROJECT_ROOT):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix in TEXT_SUFFIXES or name in TEXT_NAMES:
                yield path


def manuals() -> List[Path]:
    """README.md and every docs/*.md."""
    return [README, *sorted(DOCS.glob("*.md"))]


def prose_lines(text: str) -> Iterator[Tuple[int, str]]:
    """Numbered lines outside fenced code blocks, with inline code removed."""
    in_code = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if not in_code:
            yield number, re.sub(r"`[^`]*`", "", line)


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"`([^`]*)`", r"\1", heading.strip()).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@cache
def anchors(path: Path) -> Set[str]:
    """The anchors of a Markdown file's headings (duplicates numbered as GitHub does)."""
    seen: Dict[str, int] = {}
    found: Set[str] = set()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        match = re.match(r"^#{1,6}\s+(.*)$", line)
        if not match:
            continue
        anchor = github_anchor(match.group(1))
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}-{count}")
    return found


def cited_docs() -> Dict[str, List[str]]:
    """Every docs/....md path cited in the project, with where it is cited."""
    citations: Dict[str, List[str]] = {}
    for path in project_text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n"), start=1):
            for cited in DOCS_CITATION.findall(line):
                citations.setdefault(cited, []).append(f"{path.relative_to(PROJECT_ROOT)}:{number}")
    return citations


def test_the_code_cites_the_manuals() -> None:
    """The scan finds the citations this test exists for (so an empty scan cannot pass)."""
    assert {"docs/kakao.md", "docs/web.md", "docs/trainer.md"} <= set(cited_docs())


def test_every_cited_manual_exists() -> None:
    """Every docs/....md path cited in code, comments, log lines and manuals is a file."""
    missing = {cited: where for cited, where in cited_docs().items() if not (PROJECT_ROOT / cited).is_file()}
    assert not missing, f"cited but missing: {missing}"


@pytest.mark.parametrize("manual", manuals(), ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_relative_links_resolve(manual: Path) -> None:
    """Every relative link (and its #anchor) in README.md and docs/*.md points to a file in the repository."""
    broken: List[str] = []
    for number, line in prose_lines(manual.read_text(encoding="utf-8")):
        for target in MARKDOWN_LINK.findall(line):
            if target.startswith(EXTERNAL_SCHEMES):
                continue
            file_part, _, anchor = target.partition("#")
            resolved = (manual.parent / file_part).resolve() if file_part else manual
            if PROJECT_ROOT not in resolved.parents or not resolved.exists():
                broken.append(f"{number}: {target} (no such file in the repository)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{number}: {target} (no heading #{anchor})")
    assert not broken, f"{manual.name}: " + "; ".join(broken)


def test_readme_is_a_front_door() -> None:
    """README.md stays short: what it is, the two commands, the map, where to go next."""
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move sections into docs/"


def test_nothing_points_outside_the_repository() -> None:
    """No file of the project cites ../shared or /work/: those paths do not exist on a user's machine."""
    this_file = Path(__file__).resolve()
    offending = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}"
        for path in project_text_files()
        if path.resolve() != this_file
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n"), start=1)
        if any(outside in line for outside in OUTSIDE_PATHS)
    ]
    assert not offending, "\n".join(offending)
