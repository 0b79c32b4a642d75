"""Console accounts: a name, a role (viewer, trainer, admin) and an argon2id password hash.

A viewer reads conversations and the dashboard; a trainer also teaches the bot; an admin also manages
accounts. Passwords are hashed with argon2-cffi's defaults (argon2id, RFC 9106 low-memory profile).
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from typing import List, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

VIEWER, TRAINER, ADMIN = "viewer", "trainer", "admin"
ROLES = (VIEWER, TRAINER, ADMIN)
# What each role may do, each including the ones before it.
_RANK = {role: rank for rank, role in enumerate(ROLES)}
ROLE_LABELS = {VIEWER: "조회", TRAINER: "학습 담당", ADMIN: "관리자"}
MIN_PASSWORD_CHARS = 10
_NAME = re.compile(r"^[A-Za-z0-9._-]{2,40}$")

_hasher = PasswordHasher()
# Verified against when the account does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why, in Korean."""


@dataclass(frozen=True)
class User:
    """A signed-in or stored account."""

    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this account has ``role``'s rights (an admin may do what a trainer may)."""
        return _RANK[self.role] >= _RANK[role]

    @property
    def role_label(self) -> str:
        """The role in Korean."""
        return ROLE_LABELS[self.role]


def create_user(connection: sqlite3.Connection, name: str, password: str, role: str) -> User:
    """Adds an account.

    Raises:
        AccountError: A bad name, role or too short a password, or the name is taken.
    """
    if not _NAME.match(name):
        raise AccountError("아이디는 영문, 숫자, '.', '_', '-'로 2~40자여야 해요.")
    if role not in ROLES:
        raise AccountError(f"역할은 {', '.join(ROLES)} 중 하나여야 해요.")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"비밀번호는 {MIN_PASSWORD_CHARS}자 이상이어야 해요.")
    try:
        connection.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            (name, role, _hasher.hash(password), time.time()),
        )
    except sqlite3.IntegrityError as error:
        raise AccountError(f"'{name}' 아이디는 이미 있어요.") from error
    return User(name, role)


def verify(connection: sqlite3.Connection, name: str, password: str) -> Optional[User]:
    """The account when ``password`` is its password, else ``None`` (same work either way)."""
    row = connection.execute("SELECT name, role, password_hash FROM users WHERE name = ?", (name,)).fetchone()
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row["name"], row["role"]) if row else None


def find_user(connection: sqlite3.Connection, name: str) -> Optional[User]:
    """The account named ``name``, or ``None``."""
    row = connection.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
    return User(row["name"], row["role"]) if row else None


def list_users(connection: sqlite3.Connection) -> List[User]:
    """Every account, by name."""
    return [User(row["name"], row["role"]) for row in connection.execute("SELECT name, role FROM users ORDER BY name")]


def has_admin(connection: sqlite3.Connection) -> bool:
    """Whether any admin account exists."""
    return connection.execute("SELECT 1 FROM users WHERE role = ?", (ADMIN,)).fetchone() is not None


def ensure_first_admin(connection: sqlite3.Connection, name: str, password: str) -> Optional[User]:
    """Creates the first admin from the settings when the store has no admin yet; returns it if created.

    Raises:
        AccountError: The configured name or password is not acceptable.
    """
    if has_admin(connection) or not name or not password:
        return None
    return create_user(connection, name, password, ADMIN)


def _admins(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT COUNT(*) FROM users WHERE role = ?", (ADMIN,)).fetchone()[0])


def _existing(connection: sqlite3.Connection, name: str) -> User:
    user = find_user(connection, name)
    if user is None:
        raise AccountError(f"'{name}' 계정이 없어요.")
    return user


def change_role(connection: sqlite3.Connection, name: str, role: str) -> User:
    """Gives ``name`` another role, at once (every page reads the role afresh).

    Raises:
        AccountError: No such account, an unknown role, or it would leave the console without an admin.
    """
    user = _existing(connection, name)
    if role not in ROLES:
        raise AccountError(f"역할은 {', '.join(ROLES)} 중 하나여야 해요.")
    if user.role == ADMIN and role != ADMIN and _admins(connection) == 1:
        raise AccountError("마지막 관리자 계정이라 역할을 바꿀 수 없어요. 다른 관리자를 먼저 만들어 주세요.")
    connection.execute("UPDATE users SET role = ? WHERE name = ?", (role, name))
    return User(name, role)


def set_password(connection: sqlite3.Connection, name: str, password: str) -> User:
    """Sets a new password for ``name`` and ends its sessions (it signs in again with the new one).

    Raises:
        AccountError: No such account, or too short a password.
    """
    user = _existing(connection, name)
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"비밀번호는 {MIN_PASSWORD_CHARS}자 이상이어야 해요.")
    connection.execute("UPDATE users SET password_hash = ? WHERE name = ?", (_hasher.hash(password), name))
    connection.execute("DELETE FROM sessions WHERE user_name = ?", (name,))
    return user


def remove_user(connection: sqlite3.Connection, name: str, by: str) -> User:
    """Deletes the account ``name`` and its sessions (its change log entries keep its name).

    Raises:
        AccountError: No such account, ``by`` removing itself, or the last admin.
    """
    user = _existing(connection, name)
    if name == by:
        raise AccountError("지금 로그인한 자기 계정은 지울 수 없어요.")
    if user.role == ADMIN and _admins(connection) == 1:
        raise AccountError("마지막 관리자 계정은 지울 수 없어요.")
    connection.execute("DELETE FROM users WHERE name = ?", (name,))
    return user
