"""Every setting of the bot, read in one place from environment variables.

Each setting has a documented default so that ``make run`` works with nothing configured.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The documented defaults, one "NAME ?= value" per line; the Makefile includes the same file.
DEFAULTS_FILE = PROJECT_ROOT / "settings.defaults"
_DEFAULT_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)\s*\?=\s*(.*)$")
_MAKE_REFERENCE = re.compile(r"\$\((\w+)\)")


def load_defaults(path: Path = DEFAULTS_FILE, env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Reads settings.defaults as make does: ``$(NAME)`` refers to the environment or an earlier default."""
    env = os.environ if env is None else env
    values: Dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _DEFAULT_LINE.match(line.strip())
        if match:
            values[match.group(1)] = _MAKE_REFERENCE.sub(
                lambda ref: env.get(ref.group(1), values.get(ref.group(1), "")), match.group(2).strip()
            )
    return values


def environment_with_defaults(env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The environment with every unset setting filled from settings.defaults (for child processes)."""
    base = dict(os.environ if env is None else env)
    for name, value in load_defaults(env=base).items():
        base.setdefault(name, value)
    return base


def _env_float(name: str, default: float) -> float:
    """Reads a float from the environment, falling back to ``default`` when unset or invalid."""
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


def _env_bool(name: str, default: bool) -> bool:
    """Reads a yes/no flag ("true", "1", "yes", "on" or "false", "0", "no", "off"), else ``default``."""
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("true", "1", "yes", "on"):
        return True
    if raw in ("false", "0", "no", "off"):
        return False
    return default


def _env_list(name: str) -> tuple[str, ...]:
    """Reads a comma-separated list; blanks are dropped, so unset or empty gives ``()``."""
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """The bot's settings; see README "Settings" for each variable."""

    # GUIDE_PATH: the operator-editable support guide (YAML).
    guide_path: Path = field(
        default_factory=lambda: Path(
            os.environ.get("GUIDE_PATH", str(PROJECT_ROOT / "content" / "guide.yml"))
        )
    )
    # MAX_MESSAGE_CHARS: longer customer messages get a polite "please shorten" before NLU runs.
    max_message_chars: int = field(default_factory=lambda: int(_env_float("MAX_MESSAGE_CHARS", 1000)))
    # ACTION_TIMEOUT_S: longest wait for the action server before the customer gets the apology.
    action_timeout_s: float = field(default_factory=lambda: _env_float("ACTION_TIMEOUT_S", 3.0))
    # TRACKER_STORE_URL (or TRACKER_DB for the default SQLite file): where conversations are kept.
    tracker_store_url: str = field(
        default_factory=lambda: os.environ.get("TRACKER_STORE_URL")
        or f"sqlite:///{os.environ.get('TRACKER_DB', 'rasa_tracker.db')}"
    )
    # LOCK_STORE_TYPE, REDIS_HOST, REDIS_PORT: the conversation lock store (in_memory or redis).
    lock_store_type: str = field(default_factory=lambda: os.environ.get("LOCK_STORE_TYPE", "in_memory"))
    # SANIC_WORKERS: Rasa server processes on one port; more than 1 needs the Redis lock store.
    sanic_workers: int = field(default_factory=lambda: int(_env_float("SANIC_WORKERS", 1)))
    redis_host: str = field(default_factory=lambda: os.environ.get("REDIS_HOST", "127.0.0.1"))
    redis_port: int = field(default_factory=lambda: int(_env_float("REDIS_PORT", 6379)))
    # LOW_CONFIDENCE_THRESHOLD: below this NLU confidence a message counts as unclear.
    low_confidence_threshold: float = field(
        default_factory=lambda: _env_float("LOW_CONFIDENCE_THRESHOLD", 0.5)
    )
    # KAKAO_SKILL_TOKEN: the secret Kakao's skill URL carries (?token=... or X-Skill-Token header);
    # empty means the kakao channel refuses every request.
    kakao_skill_token: str = field(
        default_factory=lambda: os.environ.get("KAKAO_SKILL_TOKEN", "").strip()
    )
    # KAKAO_BOT_ID: Open Builder bot ids (comma-separated) allowed to call the skill; empty allows any.
    kakao_bot_ids: tuple[str, ...] = field(default_factory=lambda: _env_list("KAKAO_BOT_ID"))
    # KAKAO_OPERATOR_BUTTON: add Kakao's "operator" button (hand-over to the channel's own agents)
    # to hand-off answers while agents are working.
    kakao_operator_button: bool = field(
        default_factory=lambda: _env_bool("KAKAO_OPERATOR_BUTTON", False)
    )
    # KAKAO_TIME_BUDGET_S: seconds the kakao channel waits for the bot's answer before it answers
    # with useCallback (or, without a callbackUrl, a short apology); Kakao gives up after 5 s.
    kakao_time_budget_s: float = field(
        default_factory=lambda: _env_float("KAKAO_TIME_BUDGET_S", 4.0)
    )
    # PAYBOT_CLOCK_FILE: tests and demos only; a file with a Seoul local time taken as "now".
    clock_file: str = field(default_factory=lambda: os.environ.get("PAYBOT_CLOCK_FILE", "").strip())
    # WEB_CHAT_PORT: the chat page's server (web/serve.py, `make run`) listens on 127.0.0.1 at this port.
    web_chat_port: int = field(default_factory=lambda: int(_env_float("WEB_CHAT_PORT", 8080)))
    # WEB_CHAT_SOCKET_URL: where the chat page's widget reaches Rasa's socket.io channel.
    web_chat_socket_url: str = field(
        default_factory=lambda: os.environ.get("WEB_CHAT_SOCKET_URL", "").strip()
        or f"http://127.0.0.1:{int(_env_float('RASA_PORT', 5005))}"
    )
    # WEB_CHAT_ALLOWED_ORIGINS: origins (comma-separated) whose pages may open the socket.io channel;
    # "*" allows any. Default: the chat page's own origin, by IP and by name.
    web_chat_allowed_origins: tuple[str, ...] = field(
        default_factory=lambda: _env_list("WEB_CHAT_ALLOWED_ORIGINS")
        or tuple(
            f"http://{host}:{int(_env_float('WEB_CHAT_PORT', 8080))}" for host in ("127.0.0.1", "localhost")
        )
    )


def get_settings() -> Settings:
    """Returns the settings as they are in the environment now."""
    return Settings()
