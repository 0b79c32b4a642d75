"""Publishing a model to every running Rasa server without a restart, and rolling back.

Rasa's HTTP API loads a model into a running server with ``PUT /model`` (``{"model_file": path}``); the
server swaps its agent when the model has loaded and keeps its lock store, so conversations carry on. It
needs the API on and its token (``RASA_API_TOKEN``, the same for the servers and the console). Each
publication is logged in the console's store with the model it replaced, which is what rollback loads.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

import requests

# Loading a model takes a while on two cores; Rasa answers the PUT only when it has loaded.
LOAD_TIMEOUT_S = 300
STATUS_TIMEOUT_S = 5

SCHEMA = """
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user_name TEXT NOT NULL,
    model TEXT NOT NULL,
    previous TEXT,
    kind TEXT NOT NULL
);
"""
PUBLISH, ROLLBACK = "publish", "rollback"


class PublishError(RuntimeError):
    """The model could not be published everywhere; the message says where and why, in Korean."""


@dataclass(frozen=True)
class ServerAnswer:
    """What one Rasa server said."""

    url: str
    ok: bool
    message: str


@dataclass(frozen=True)
class Publication:
    """One logged publication."""

    id: int
    at: float
    user: str
    model: str
    previous: Optional[str]
    kind: str


def _put_model(url: str, token: str, model: Path) -> ServerAnswer:
    try:
        reply = requests.put(f"{url.rstrip('/')}/model", params={"token": token}, json={"model_file": str(model)},
                             timeout=LOAD_TIMEOUT_S)
    except requests.RequestException:
        return ServerAnswer(url, False, f"{url} 서버에 연결할 수 없어요. 봇 서버가 켜져 있는지 확인해 주세요.")
    if reply.status_code in (200, 204):
        return ServerAnswer(url, True, f"{url}: 새 모델을 불러왔어요.")
    if reply.status_code in (401, 403):
        return ServerAnswer(url, False, f"{url}: 토큰이 맞지 않아요 (RASA_API_TOKEN을 봇 서버와 같게 맞춰 주세요).")
    return ServerAnswer(url, False, f"{url}: 모델을 불러오지 못했어요 (HTTP {reply.status_code}).")


def running_model(url: str, token: str) -> Optional[str]:
    """The model file a Rasa server runs (``GET /status``), or ``None`` when it cannot say."""
    try:
        reply = requests.get(f"{url.rstrip('/')}/status", params={"token": token}, timeout=STATUS_TIMEOUT_S)
        return str(reply.json().get("model_file") or "") or None if reply.ok else None
    except (requests.RequestException, ValueError):
        return None


def publish(db: sqlite3.Connection, urls: Sequence[str], token: str, model: Path, user: str,
            previous: Optional[str], kind: str = PUBLISH) -> List[ServerAnswer]:
    """Loads ``model`` into every server in ``urls`` and logs it when all of them took it.

    Raises:
        PublishError: No token, no server, no such model file, or a server that did not take it
            (the answers say which; servers that did take it keep the new model).
    """
    if not token:
        raise PublishError("RASA_API_TOKEN이 설정되지 않아서 발행할 수 없어요. 봇과 콘솔을 같은 토큰으로 다시 시작해 주세요.")
    if not urls:
        raise PublishError("발행할 봇 서버가 없어요 (CONSOLE_RASA_URLS).")
    if not model.is_file():
        raise PublishError(f"모델 파일이 없어요: {model.name}")
    answers = [_put_model(url, token, model) for url in urls]
    failed = [answer for answer in answers if not answer.ok]
    if failed:
        raise PublishError(" / ".join(answer.message for answer in failed))
    db.executescript(SCHEMA)
    db.execute("INSERT INTO publications (at, user_name, model, previous, kind) VALUES (?, ?, ?, ?, ?)",
               (time.time(), user, model.name, previous, kind))
    return answers


def publications(db: sqlite3.Connection, limit: int = 20) -> List[Publication]:
    """The latest publications, newest first."""
    db.executescript(SCHEMA)
    rows = db.execute("SELECT id, at, user_name, model, previous, kind FROM publications ORDER BY id DESC LIMIT ?",
                      (limit,)).fetchall()
    return [Publication(*row) for row in rows]
