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
    change_role,
    create_user,
    ensure_first_admin,
    has_admin,
    remove_user,
    set_password,
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


def test_an_admin_changes_a_role_but_never_the_last_admins(db) -> None:
    """A viewer becomes a trainer at once; the only admin cannot be demoted until there is another."""
    create_user(db, "boss", "admin password 1", ADMIN)
    create_user(db, "jisu", "viewer password 1", VIEWER)
    assert change_role(db, "jisu", TRAINER) == User("jisu", TRAINER)
    assert verify(db, "jisu", "viewer password 1").role == TRAINER
    with pytest.raises(AccountError, match="마지막 관리자"):
        change_role(db, "boss", VIEWER)
    change_role(db, "jisu", ADMIN)
    assert change_role(db, "boss", VIEWER).role == VIEWER and has_admin(db)
    with pytest.raises(AccountError, match="역할은"):
        change_role(db, "jisu", "owner")
    with pytest.raises(AccountError, match="계정이 없어요"):
        change_role(db, "nobody", VIEWER)


def test_a_new_password_replaces_the_old_one_and_ends_the_sessions(db) -> None:
    create_user(db, "jisu", "viewer password 1", VIEWER)
    db.execute("INSERT INTO sessions (token_hash, user_name, csrf, expires_at) VALUES ('t', 'jisu', 'c', 9e12)")
    with pytest.raises(AccountError, match="10자"):
        set_password(db, "jisu", "short")
    set_password(db, "jisu", "a new password 2")
    assert verify(db, "jisu", "viewer password 1") is None and verify(db, "jisu", "a new password 2") is not None
    assert db.execute("SELECT COUNT(*) FROM sessions WHERE user_name = 'jisu'").fetchone()[0] == 0


def test_removing_an_account_but_not_oneself_nor_the_last_admin(db) -> None:
    create_user(db, "boss", "admin password 1", ADMIN)
    create_user(db, "jisu", "viewer password 1", VIEWER)
    db.execute("INSERT INTO sessions (token_hash, user_name, csrf, expires_at) VALUES ('t', 'jisu', 'c', 9e12)")
    with pytest.raises(AccountError, match="자기 계정"):
        remove_user(db, "boss", "boss")
    create_user(db, "other", "admin password 2", ADMIN)
    remove_user(db, "jisu", "boss")
    assert verify(db, "jisu", "viewer password 1") is None
    assert db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0  # signed out with it
    remove_user(db, "other", "boss")
    with pytest.raises(AccountError, match="마지막 관리자"):
        remove_user(db, "boss", "someone")
