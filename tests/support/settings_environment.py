"""Processes started with no setting at all, and the ${...} placeholders endpoints.yml may hold."""

from __future__ import annotations

import os
import re
from typing import Dict, List

from paybot.settings import PROJECT_ROOT

ENDPOINTS = PROJECT_ROOT / "endpoints.yml"
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def endpoint_placeholders() -> List[str]:
    """The variables endpoints.yml names as ``${...}`` (none, since the settings reader fills them)."""
    return PLACEHOLDER.findall(ENDPOINTS.read_text(encoding="utf-8"))


def clean_environment(**extra: str) -> Dict[str, str]:
    """No setting at all: only what a process needs to start."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **extra}
