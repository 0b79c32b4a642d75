"""Sessions, CSRF and the sign-in limit, on a real console store."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from console.auth import LoginLimiter, Sessions, csrf_matches, load_or_create_secret
from console.store import connect
from console.users import VIEWER, User, create_user


@pytest.fixture
def db(tmp_path: Path):
    """A console store with one viewer."""
    connection = connect(tmp_path / "console.db")
    create_user(connection, "minji", "long enough password", VIEWER)
    return connection


def test_secret_is_generated_once_and_private(tmp_path: Path) -> None:
    """The signing secret is created on first start (owner-only) and reused afterwards."""
    path = tmp_path / "secret"
    first = load_or_create_secret(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(path) == first and len(first) >= 32


def test_a_session_signs_in_until_signed_out(db, tmp_path: Path) -> None:
    """The cookie finds the user; signing out ends it; the CSRF token belongs to that session."""
    sessions = Sessions(db, load_or_create_secret(tmp_path / "secret"), hours=8)
    cookie = sessions.start(User("minji", VIEWER))
    session = sessions.find(cookie)
    assert session is not None and session.user.name == "minji"
    assert csrf_matches(session, session.csrf) and not csrf_matches(session, "") and not csrf_matches(session, "x")
    sessions.end(cookie)
    assert sessions.find(cookie) is None


def test_forged_or_foreign_cookies_sign_nobody_in(db, tmp_path: Path) -> None:
    """A cookie with a changed token or signed with another secret is not a session."""
    ours = Sessions(db, load_or_create_secret(tmp_path / "secret"), hours=8)
    theirs = Sessions(db, b"x" * 32, hours=8)
    cookie = ours.start(User("minji", VIEWER))
    token, signature = cookie.split(".")
    assert ours.find(f"{token}x.{signature}") is None
    assert theirs.find(cookie) is None
    assert ours.find("") is None and ours.find(None) is None


def test_an_expired_session_is_over(db, tmp_path: Path) -> None:
    """A session older than CONSOLE_SESSION_HOURS no longer signs in."""
    sessions = Sessions(db, load_or_create_secret(tmp_path / "secret"), hours=8)
    cookie = sessions.start(User("minji", VIEWER))
    db.execute("UPDATE sessions SET expires_at = ?", (time.time() - 1,))
    assert sessions.find(cookie) is None


def test_five_failures_block_that_name_from_that_address(db) -> None:
    """The sixth try from one address is blocked; another address, or a success before, is not."""
    limiter = LoginLimiter(db, max_failures=5, window_min=15)
    for _ in range(4):
        limiter.failed("minji", "10.0.0.1")
    assert not limiter.blocked("minji", "10.0.0.1")
    limiter.failed("minji", "10.0.0.1")
    assert limiter.blocked("minji", "10.0.0.1")
    assert not limiter.blocked("minji", "10.0.0.2") and not limiter.blocked("other", "10.0.0.1")
    db.execute("UPDATE login_failures SET at = at - 16 * 60")
    assert not limiter.blocked("minji", "10.0.0.1")
