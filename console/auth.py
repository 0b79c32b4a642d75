"""Sign-in sessions, CSRF tokens and the sign-in rate limit.

The session cookie is ``<token>.<signature>``: a random token, signed with HMAC-SHA256 under the secret in
``CONSOLE_SECRET_FILE`` (generated on first start, readable only by its owner). The store keeps only the
token's hash, so a copy of the database does not sign anyone in, and signing out deletes the session.
Each session has its own CSRF token, which every POST must send back in the form (``csrf``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from console.users import User

COOKIE_NAME = "console_session"
_SECRET_BYTES = 32


def load_or_create_secret(path: Path) -> bytes:
    """The signing secret in ``path``; written there (mode 600) on first start."""
    if path.exists():
        secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(secret) >= _SECRET_BYTES:
            return secret
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(_SECRET_BYTES)
    descriptor = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as stream:
        stream.write(secret.hex() + "\n")
    return secret


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _sign(secret: bytes, token: str) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Session:
    """A signed-in user and the CSRF token their forms carry."""

    user: User
    csrf: str


class Sessions:
    """Creates, finds and ends sign-in sessions in the console's store."""

    def __init__(self, connection: sqlite3.Connection, secret: bytes, hours: float) -> None:
        """Args: the console's store, the signing secret and how long a session lasts."""
        self._db = connection
        self._secret = secret
        self._seconds = hours * 3600

    def start(self, user: User) -> str:
        """A new session for ``user``; returns the cookie value."""
        token = secrets.token_urlsafe(32)
        self._db.execute(
            "INSERT INTO sessions (token_hash, user_name, csrf, expires_at) VALUES (?, ?, ?, ?)",
            (_digest(token), user.name, secrets.token_urlsafe(32), time.time() + self._seconds),
        )
        self._db.execute("DELETE FROM sessions WHERE expires_at < ?", (time.time(),))
        return f"{token}.{_sign(self._secret, token)}"

    def _token(self, cookie: Optional[str]) -> Optional[str]:
        token, _, signature = (cookie or "").partition(".")
        if not token or not hmac.compare_digest(signature, _sign(self._secret, token)):
            return None
        return token

    def find(self, cookie: Optional[str]) -> Optional[Session]:
        """The session a cookie value belongs to, or ``None`` (unsigned, unknown or expired)."""
        token = self._token(cookie)
        if token is None:
            return None
        row = self._db.execute(
            "SELECT u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.name = s.user_name "
            "WHERE s.token_hash = ? AND s.expires_at > ?",
            (_digest(token), time.time()),
        ).fetchone()
        return Session(User(row["name"], row["role"]), row["csrf"]) if row else None

    def end(self, cookie: Optional[str]) -> None:
        """Signs out: the session is deleted."""
        token = self._token(cookie)
        if token is not None:
            self._db.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))


def csrf_matches(session: Session, sent: Optional[str]) -> bool:
    """Whether a form's ``csrf`` field is the session's token."""
    return bool(sent) and hmac.compare_digest(session.csrf, sent or "")


class LoginLimiter:
    """At most ``max_failures`` failed sign-ins per account name and address within ``window_min`` minutes."""

    def __init__(self, connection: sqlite3.Connection, max_failures: int, window_min: float) -> None:
        """Args: the console's store, the allowed failures and the window in minutes."""
        self._db = connection
        self.max_failures = max_failures
        self.window_s = window_min * 60

    def blocked(self, name: str, address: str) -> bool:
        """Whether this pair has used up its attempts (a correct password is not even checked then)."""
        since = time.time() - self.window_s
        count = self._db.execute(
            "SELECT COUNT(*) FROM login_failures WHERE user_name = ? AND address = ? AND at > ?",
            (name, address, since),
        ).fetchone()[0]
        return int(count) >= self.max_failures

    def failed(self, name: str, address: str) -> None:
        """Records a failed attempt (and forgets the ones older than the window)."""
        now = time.time()
        self._db.execute("INSERT INTO login_failures (user_name, address, at) VALUES (?, ?, ?)", (name, address, now))
        self._db.execute("DELETE FROM login_failures WHERE at < ?", (now - self.window_s,))

    def succeeded(self, name: str, address: str) -> None:
        """A correct sign-in clears the pair's failures."""
        self._db.execute("DELETE FROM login_failures WHERE user_name = ? AND address = ?", (name, address))
