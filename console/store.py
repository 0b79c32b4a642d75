"""The console's own SQLite file (``CONSOLE_DB``): accounts, sign-in sessions and failures, the
teaching change log and the guide's edit history.

The tracker store is never written by the console; this file holds only what the console itself keeps.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    user_name TEXT NOT NULL,
    address TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_login_failures ON login_failures (user_name, address, at);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    intent TEXT NOT NULL,
    sentence TEXT NOT NULL,
    path TEXT NOT NULL,
    line INTEGER NOT NULL,
    undone_at REAL,
    undone_by TEXT
);
CREATE TABLE IF NOT EXISTS guide_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user_name TEXT NOT NULL,
    key TEXT NOT NULL,
    old_text TEXT NOT NULL,
    new_text TEXT NOT NULL,
    undone_at REAL,
    undone_by TEXT
);
"""


def connect(path: Path) -> sqlite3.Connection:
    """Opens (and creates, the first time) the console's SQLite file, with its tables."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), timeout=10, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(SCHEMA)
    return connection
