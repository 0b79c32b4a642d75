"""Terminal output for trainers: Korean-aware column widths, marks, progress on one line."""

from __future__ import annotations

import sys
import unicodedata
from typing import Optional, TextIO

OK = "✔"
FAIL = "✖"
WARN = "⚠"
NOTE = "·"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Hangul and other wide characters take two."""
    width = 0
    for character in text:
        if unicodedata.combining(character):
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    return text + " " * max(0, width - display_width(text))


def quoted(text: str) -> str:
    """A sentence in quotes, as the trainer typed it."""
    return f'"{text}"'


def seconds(duration: float) -> str:
    """A duration in Korean: ``1분 5초``, ``42초``."""
    total = int(round(duration))
    minutes, rest = divmod(total, 60)
    return f"{minutes}분 {rest}초" if minutes else f"{rest}초"


class ProgressLine:
    """One status line: rewritten in place on a terminal, printed only when it changes elsewhere."""

    def __init__(self, stream: Optional[TextIO] = None) -> None:
        """Writes to ``stream`` (standard output by default)."""
        self._stream = stream or sys.stdout
        self._live = bool(getattr(self._stream, "isatty", lambda: False)())
        self._shown = ""
        self._open = False

    def update(self, text: str) -> None:
        """Shows ``text`` as the current status."""
        if text == self._shown:
            return
        self._shown = text
        if self._live:
            self._stream.write("\r\033[K" + text)
            self._open = True
        else:
            self._stream.write(text + "\n")
        self._stream.flush()

    def done(self) -> None:
        """Ends the status line so that normal output can follow."""
        if self._open:
            self._stream.write("\n")
            self._stream.flush()
            self._open = False
        self._shown = ""
