"""Console accounts: argon2 hashes, roles, the first admin from the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.store import connect
from console.users import (
    ADMIN,
    TRAINER,
    VIEWER,
    AccountError,
    User,
    create_user,
    ensure_first_admin,
    has_admin,
    verify,
)


@pytest.fixture
def db(tmp_path: Path):
    """A fresh console store."""
    return connect(tmp_path / "console.db")


def test_password_is_stored_as_an_argon2id_hash_and_checked(db) -> None:
    """The right password signs in, a wrong one does not, and the file never holds the password itself."""
    create_user(db, "minji", "정말 긴 비밀번호 123", TRAINER)
    stored = db.execute("SELECT password_hash FROM users WHERE name = 'minji'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "정말" not in stored
    assert verify(db, "minji", "정말 긴 비밀번호 123").role == TRAINER
    assert verify(db, "minji", "정말 긴 비밀번호 12") is None
    assert verify(db, "nobody", "정말 긴 비밀번호 123") is None


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("minji", "short", VIEWER, "10자 이상"),
        ("민지", "long enough password", VIEWER, "아이디는 영문"),
        ("minji", "long enough password", "root", "역할은"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(db, name: str, password: str, role: str, message: str) -> None:
    """A short password, a non-ASCII name or an unknown role is refused, saying why in Korean."""
    with pytest.raises(AccountError, match=message):
        create_user(db, name, password, role)


def test_a_name_is_taken_once(db) -> None:
    """A second account with the same name is refused."""
    create_user(db, "minji", "long enough password", VIEWER)
    with pytest.raises(AccountError, match="이미 있어요"):
        create_user(db, "minji", "another long password", ADMIN)


def test_roles_include_the_ones_below() -> None:
    """An admin may teach, a trainer may read, a viewer may only read."""
    assert User("a", ADMIN).may(TRAINER) and User("t", TRAINER).may(VIEWER)
    assert not User("v", VIEWER).may(TRAINER) and not User("t", TRAINER).may(ADMIN)


def test_first_admin_comes_from_the_settings_once(db) -> None:
    """With no admin, the configured one is created; later starts leave the accounts alone."""
    assert not has_admin(db)
    assert ensure_first_admin(db, "", "") is None and not has_admin(db)
    assert ensure_first_admin(db, "boss", "first password!").name == "boss"
    assert ensure_first_admin(db, "boss2", "second password!") is None
    assert verify(db, "boss", "first password!") is not None and verify(db, "boss2", "second password!") is None
