"""What every page shares: the console's state, rendering, the session check and safe error pages."""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Coroutine, Dict, Optional

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, response
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine

from console.auth import COOKIE_NAME, LoginLimiter, Session, Sessions, csrf_matches
from console.signals import Signals
from console.tracker import CHANNEL_LABELS, open_tracker
from paybot.guide import Guide, GuideError, load_guide
from paybot.settings import Settings

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]
# Sent with every page: no framing, no outside scripts or styles, no caching of what staff saw.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
# Names for staff of the intents that are not guide topics (the teaching page lists every intent).
CONVERSATION_INTENT_LABELS = {
    "greet": "인사", "goodbye": "작별 인사", "thank": "감사 인사", "affirm": "긍정 (네)", "deny": "부정 (아니요)",
    "bot_challenge": "봇인지 묻기", "inform": "세부 정보 (시점·금액·수단)", "frustration": "불만·답답함",
}


@dataclass
class Console:
    """The running console: settings, its store, the tracker store and the project it teaches."""

    settings: Settings
    db: sqlite3.Connection
    sessions: Sessions
    limiter: LoginLimiter
    guide: Guide
    signals: Signals
    project_root: Path
    templates: Environment = field(default_factory=lambda: Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])))
    _engine: Optional[Engine] = None

    def tracker(self) -> Engine:
        """The tracker store (opened on first use; raises TrackerUnavailable while it does not exist)."""
        if self._engine is None:
            self._engine = open_tracker(self.settings.tracker_store_url, self.project_root)
        return self._engine

    @property
    def topic_labels(self) -> Dict[str, str]:
        """The guide's topics and their Korean labels."""
        return dict(self.current_guide().labels)

    @property
    def intent_labels(self) -> Dict[str, str]:
        """Every intent's Korean name: the guide's topic labels and the conversational intents'."""
        return {**CONVERSATION_INTENT_LABELS, **self.current_guide().labels}

    def current_guide(self) -> Guide:
        """The guide as the file is now (edited from the guide page, or by hand); re-read only when it changed."""
        try:
            return load_guide(self.settings.guide_path)
        except GuideError:
            logger.warning("Console: the guide file does not load; showing the version read at start.")
            return self.guide

    def render(self, request: Request, name: str, status: int = 200, **values: Any) -> HTTPResponse:
        """A page from ``templates/``, with the signed-in user and the lists every page uses."""
        session: Optional[Session] = getattr(request.ctx, "session", None)
        html = self.templates.get_template(name).render(
            session=session, user=session.user if session else None, channels=CHANNEL_LABELS,
            topic_labels=self.topic_labels, intent_labels=self.intent_labels, path=request.path, **values,
        )
        return response.html(html, status=status)

    def message(self, request: Request, title: str, text: str, status: int) -> HTTPResponse:
        """A page that only says something (an error, a refusal)."""
        return self.render(request, "message.html", status=status, title=title, text=text)


async def in_thread(function: Callable[..., Any], *args: Any) -> Any:
    """Runs a blocking database call off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(function, *args))


def requires(console: Console, role: str) -> Callable[[Handler], Handler]:
    """Lets a handler run only for a signed-in user with ``role``'s rights; a POST must carry the CSRF token."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            session = console.sessions.find(request.cookies.get(COOKIE_NAME))
            request.ctx.session = session
            if session is None:
                if request.method == "GET":
                    return response.redirect(f"/login?next={request.path}")
                return console.message(request, "로그인이 필요해요", "로그인이 끝났어요. 다시 로그인해 주세요.", 401)
            if request.method == "POST" and not csrf_matches(session, request.form.get("csrf")):
                return console.message(
                    request, "요청을 처리하지 않았어요",
                    "보안 토큰이 맞지 않아요. 페이지를 새로 고친 뒤 다시 시도해 주세요.", 403)
            if not session.user.may(role):
                return console.message(
                    request, "권한이 없어요", "이 작업은 권한이 있는 계정만 할 수 있어요. 관리자에게 문의해 주세요.", 403)
            return await handler(request, *args, **kwargs)

        return checked

    return decorate
