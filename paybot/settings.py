"""Every setting of the bot, read in one place: the environment, else its default in ``settings.defaults``.

``settings.defaults`` is the one list of settings: each default is written there once, with its comment
(``NAME ?= value``, make syntax, so the Makefile includes the same file and exports its names to every
recipe). This module is the one reader in our Python: :class:`Settings` takes every field's default from
that file, and nothing else of ours reads a setting from ``os.environ`` (``tests/unit/paybot/test_settings.py``).

Some settings are read by others, listed in :data:`READ_ELSEWHERE`: Rasa expands the ``${...}``
placeholders of ``endpoints.yml`` from the environment when it reads the file, and reads
``SANIC_WORKERS`` and ``RASA_TELEMETRY_ENABLED`` itself; the shell scripts read ports and tokens. They get
the same defaults from here: :func:`environment_with_defaults` for the processes we start from Python
(``paybot/launch.py``), ``python -m paybot.settings`` (export lines) for ``scripts/run.sh``, and make's
export. The tracker store needs no placeholder at all: it takes its URL from :func:`get_settings`
(``rasa_runtime/tracker_store.py``).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The documented defaults, one "NAME ?= value" per line; the Makefile includes the same file.
DEFAULTS_FILE = PROJECT_ROOT / "settings.defaults"
_DEFAULT_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)\s*\?=\s*(.*)$")
_MAKE_REFERENCE = re.compile(r"\$\((\w+)\)")
# The key, in a Settings field's metadata, of the environment variable the field reads.
ENV_KEY = "env"

# The settings in settings.defaults that this module does not read, and the file that does (a path in the
# project, or "rasa/..." in Rasa's package). tests/unit/paybot/test_settings.py checks that the file names each one.
READ_ELSEWHERE: Dict[str, str] = {
    "RASA_PORT": "scripts/run.sh",
    "ACTION_PORT": "scripts/run.sh",
    # Only through TRACKER_STORE_URL's default (sqlite:///$(TRACKER_DB)).
    "TRACKER_DB": "settings.defaults",
    "RASA_TELEMETRY_ENABLED": "rasa/telemetry.py",
    "RASA_API_TOKEN": "scripts/run.sh",
    "CLUSTER_PORTS": "scripts/run_cluster.sh",
    "CLUSTER_TRACKER_STORE_URL": "scripts/run_cluster.sh",
    "CLUSTER_PORT": "scripts/run_cluster.sh",
    "CLUSTER_RUN_DIR": "scripts/run_cluster.sh",
    "CLUSTER_WEB_CHAT_SOCKET_URL": "scripts/run_cluster.sh",
}


@functools.lru_cache(maxsize=4)
def _default_lines(path: Path) -> Tuple[Tuple[str, str], ...]:
    """The ``(NAME, value)`` lines of a defaults file, read once (:func:`reload_settings` reads it again)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _DEFAULT_LINE.match(line.strip())
        if match:
            lines.append((match.group(1), match.group(2).strip()))
    return tuple(lines)


def load_defaults(path: Path = DEFAULTS_FILE, env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Reads settings.defaults as make does: ``$(NAME)`` refers to the environment or an earlier default."""
    env = os.environ if env is None else env
    values: Dict[str, str] = {}
    for name, value in _default_lines(path):
        values[name] = _MAKE_REFERENCE.sub(lambda ref: env.get(ref.group(1), values.get(ref.group(1), "")), value)
    return values


def setting_names() -> Tuple[str, ...]:
    """Every setting's name, in the order of settings.defaults."""
    return tuple(name for name, _ in _default_lines(DEFAULTS_FILE))


def environment_with_defaults(env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The environment with every unset setting filled from settings.defaults (for child processes)."""
    base = dict(os.environ if env is None else env)
    for name, value in load_defaults(env=base).items():
        base.setdefault(name, value)
    return base


# How a setting's text becomes its value; a ValueError means "not valid" (the default is used instead).
def _text(raw: str) -> str:
    return raw.strip()


def _number(raw: str) -> float:
    return float(raw)


def _whole(raw: str) -> int:
    return int(float(raw))


def _at_least_one(raw: str) -> int:
    return max(1, int(float(raw)))


def _days(raw: str) -> int:
    """Whole days; empty is 0 (keep forever)."""
    return max(0, int(float(raw))) if raw.strip() else 0


def _flag(raw: str) -> bool:
    """A yes/no flag: "true", "1", "yes", "on" or "false", "0", "no", "off"."""
    word = raw.strip().lower()
    if word in ("true", "1", "yes", "on"):
        return True
    if word in ("false", "0", "no", "off"):
        return False
    raise ValueError(f"not a yes/no flag: {raw!r}")


def _names(raw: str) -> Tuple[str, ...]:
    """A comma-separated list; blanks are dropped, so empty gives ``()``."""
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _project_path(raw: str) -> Path:
    """A path; a relative one is relative to the project root (where every command runs)."""
    return PROJECT_ROOT / raw.strip()


def read_setting(name: str, parse: Callable[[str], Any], empty_is_a_value: bool = False) -> Any:
    """The setting ``name`` from the environment, else (unset, empty or invalid) from settings.defaults.

    Args:
        name: The environment variable, as in settings.defaults.
        parse: Turns the text into the value; raises ``ValueError`` for a text that is not valid.
        empty_is_a_value: An empty variable is a value of its own (e.g. "keep forever"), not "the default".
    """
    default = load_defaults()[name]
    raw = os.environ.get(name)
    if raw is not None and (raw.strip() or empty_is_a_value):
        try:
            return parse(raw)
        except ValueError:
            logger.warning("%s=%r is not valid; using its default %r (settings.defaults).", name, raw, default)
    return parse(default)


def _setting(name: str, parse: Callable[[str], Any], empty_is_a_value: bool = False) -> Any:
    """A Settings field read from ``name``; its default is settings.defaults' (see that file's comment)."""
    return field(
        default_factory=lambda: read_setting(name, parse, empty_is_a_value), metadata={ENV_KEY: name}
    )


@dataclass(frozen=True)
class Settings:
    """The bot's settings; each one's meaning and default: the comment on it in settings.defaults."""

    guide_path: Path = _setting("GUIDE_PATH", _project_path)
    max_message_chars: int = _setting("MAX_MESSAGE_CHARS", _whole)
    action_server_url: str = _setting("ACTION_SERVER_URL", _text)
    action_timeout_s: float = _setting("ACTION_TIMEOUT_S", _number)
    tracker_store_url: str = _setting("TRACKER_STORE_URL", _text)
    tracker_retention_days: int = _setting("TRACKER_RETENTION_DAYS", _days, empty_is_a_value=True)
    tracker_retention_interval_hours: float = _setting("TRACKER_RETENTION_INTERVAL_HOURS", _number)
    lock_store_type: str = _setting("LOCK_STORE_TYPE", _text)
    sanic_workers: int = _setting("SANIC_WORKERS", _whole)
    redis_host: str = _setting("REDIS_HOST", _text)
    redis_port: int = _setting("REDIS_PORT", _whole)
    redis_db: int = _setting("REDIS_DB", _whole)
    low_confidence_threshold: float = _setting("LOW_CONFIDENCE_THRESHOLD", _number)
    kakao_skill_token: str = _setting("KAKAO_SKILL_TOKEN", _text)
    kakao_bot_ids: Tuple[str, ...] = _setting("KAKAO_BOT_ID", _names)
    kakao_operator_button: bool = _setting("KAKAO_OPERATOR_BUTTON", _flag)
    kakao_time_budget_s: float = _setting("KAKAO_TIME_BUDGET_S", _number)
    kakao_max_queued_per_user: int = _setting("KAKAO_MAX_QUEUED_PER_USER", _at_least_one)
    kakao_max_concurrent_turns: int = _setting("KAKAO_MAX_CONCURRENT_TURNS", _at_least_one)
    kakao_callback_hosts: Tuple[str, ...] = _setting("KAKAO_CALLBACK_HOSTS", _names, empty_is_a_value=True)
    kakao_callback_allow_http: bool = _setting("KAKAO_CALLBACK_ALLOW_HTTP", _flag)
    clock_file: str = _setting("PAYBOT_CLOCK_FILE", _text)
    web_chat_port: int = _setting("WEB_CHAT_PORT", _whole)
    web_chat_socket_url: str = _setting("WEB_CHAT_SOCKET_URL", _text)
    web_chat_allowed_origins: Tuple[str, ...] = _setting("WEB_CHAT_ALLOWED_ORIGINS", _names)
    console_host: str = _setting("CONSOLE_HOST", _text)
    console_port: int = _setting("CONSOLE_PORT", _whole)
    console_db: Path = _setting("CONSOLE_DB", _project_path)
    console_secret_file: Path = _setting("CONSOLE_SECRET_FILE", _project_path)
    console_admin_user: str = _setting("CONSOLE_ADMIN_USER", _text)
    console_admin_password: str = _setting("CONSOLE_ADMIN_PASSWORD", _text)
    console_login_max_failures: int = _setting("CONSOLE_LOGIN_MAX_FAILURES", _at_least_one)
    console_login_window_min: float = _setting("CONSOLE_LOGIN_WINDOW_MIN", _number)
    console_session_hours: float = _setting("CONSOLE_SESSION_HOURS", _number)
    console_rasa_urls: Tuple[str, ...] = _setting("CONSOLE_RASA_URLS", _names)


@functools.lru_cache(maxsize=8)
def _settings_for(_environment: Tuple[Optional[str], ...]) -> Settings:
    """The settings for one set of the variables' values (the cache key; Settings reads them itself)."""
    return Settings()


def get_settings() -> Settings:
    """The settings as the environment has them now, built once per distinct set of values.

    The cache is keyed on the settings' environment variables, so a changed variable (a test's
    ``monkeypatch.setenv``) gives new settings without a reload; an edited settings.defaults needs
    :func:`reload_settings`.
    """
    return _settings_for(tuple(os.environ.get(name) for name in setting_names()))


def reload_settings() -> Settings:
    """Forgets the cached settings and settings.defaults, and reads both again."""
    _default_lines.cache_clear()
    _settings_for.cache_clear()
    return get_settings()


def shell_exports(env: Optional[Mapping[str, str]] = None) -> str:
    """``export NAME=value`` lines (shell-quoted) for every setting, the environment's value or the default."""
    filled = environment_with_defaults(env)
    return "".join(f"export {name}={shlex.quote(filled[name])}\n" for name in setting_names())


if __name__ == "__main__":
    # scripts/run.sh: eval "$(.venv/bin/python -m paybot.settings)" gives it every setting.
    print(shell_exports(), end="")
