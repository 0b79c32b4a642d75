"""The console's Sanic app: :func:`create_app` wires the pages; each page's work is in its own module."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from sanic import Request, Sanic, response
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from console.auth import COOKIE_NAME, LoginLimiter, Sessions, load_or_create_secret
from console.guide_pages import add_guide_pages
from console.models_pages import add_model_pages
from console.pages import add_pages
from console.signals import Signals
from console.store import connect
from console.teach_pages import add_teach_pages
from console.users import verify
from console.users_pages import add_user_pages
from console.web import SECURITY_HEADERS, Console
from paybot.guide import load_guide
from paybot.settings import Settings

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
LOGIN_CSRF_COOKIE = "console_login_csrf"
APP_NAME = "paybot_console"


def build_console(settings: Settings, project_root: Path) -> Console:
    """The console's state for ``settings``: its store (created on first start), secret and guide."""
    db = connect(settings.console_db)
    secret = load_or_create_secret(settings.console_secret_file)
    guide = load_guide(settings.guide_path)
    return Console(
        settings=settings, db=db, sessions=Sessions(db, secret, settings.console_session_hours),
        limiter=LoginLimiter(db, settings.console_login_max_failures, settings.console_login_window_min),
        guide=guide, signals=Signals.for_guide(guide), project_root=project_root,
    )


def set_cookie(reply: HTTPResponse, name: str, value: str, max_age: int) -> None:
    """A cookie only the console's own pages send back: Secure, HttpOnly, SameSite=Strict."""
    reply.cookies[name] = value
    cookie = reply.cookies[name]
    cookie["path"] = "/"
    cookie["httponly"] = True
    cookie["secure"] = True
    cookie["samesite"] = "Strict"
    cookie["max-age"] = max_age


def _safe_next(raw: str) -> str:
    """Where to go after signing in: a path of this console only (never another site)."""
    return raw if raw.startswith("/") and not raw.startswith("//") and "\\" not in raw else "/"


def create_app(console: Console) -> Sanic:
    """The web app: sign-in, dashboard, conversations, teaching, models, the guide, accounts and Korean error pages."""
    app = Sanic(APP_NAME)
    app.config.FALLBACK_ERROR_FORMAT = "html"
    app.static("/static", str(STATIC))

    @app.middleware("response")
    async def security_headers(_request: Request, reply: HTTPResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            reply.headers.setdefault(name, value)

    @app.exception(Exception)
    async def error_page(request: Request, error: Exception) -> HTTPResponse:
        if isinstance(error, SanicException) and error.status_code < 500:
            title = "페이지를 찾을 수 없어요" if error.status_code == 404 else "요청을 처리할 수 없어요"
            text = "주소를 확인해 주세요." if error.status_code == 404 else "입력한 내용을 확인한 뒤 다시 시도해 주세요."
            return console.message(request, title, text, error.status_code)
        if isinstance(error, SQLAlchemyError):
            logger.error("Console: the tracker store cannot be read on %s: %s", request.path, error.__class__.__name__)
            return console.message(request, "대화 기록을 읽을 수 없어요",
                                   "대화 기록 데이터베이스에 연결할 수 없어요. 잠시 후 다시 시도해 주세요. 계속되면 관리자에게 알려 주세요.", 503)
        logger.exception("Console error on %s", request.path)
        return console.message(request, "잠시 문제가 생겼어요", "잠시 후 다시 시도해 주세요. 계속되면 관리자에게 알려 주세요.", 500)

    @app.get("/favicon.ico")
    async def favicon(_request: Request) -> HTTPResponse:
        return response.empty()

    @app.get("/health")
    async def health(_request: Request) -> HTTPResponse:
        return response.text("ok")

    @app.get("/login")
    async def login_form(request: Request) -> HTTPResponse:
        token = secrets.token_urlsafe(24)
        reply = console.render(request, "login.html", csrf=token, next=_safe_next(request.args.get("next", "/")))
        set_cookie(reply, LOGIN_CSRF_COOKIE, token, 3600)
        return reply

    @app.post("/login")
    async def login(request: Request) -> HTTPResponse:
        form = request.form
        name, password = (form.get("name") or "").strip(), form.get("password") or ""
        target = _safe_next(form.get("next") or "/")
        expected = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
        if not expected or not secrets.compare_digest(expected, form.get("csrf") or ""):
            return _login_again(request, target, "보안 토큰이 맞지 않아요. 페이지를 새로 고친 뒤 다시 로그인해 주세요.", 403)
        address = request.ip or "?"
        if console.limiter.blocked(name, address):
            minutes = int(console.limiter.window_s // 60)
            return _login_again(request, target, f"로그인에 여러 번 실패해서 잠시 막았어요. {minutes}분 뒤에 다시 시도해 주세요.", 429)
        user = verify(console.db, name, password) if name and password else None
        if user is None:
            console.limiter.failed(name, address)
            return _login_again(request, target, "아이디나 비밀번호가 맞지 않아요.", 401)
        console.limiter.succeeded(name, address)
        reply = response.redirect(target)
        set_cookie(reply, COOKIE_NAME, console.sessions.start(user), int(console.settings.console_session_hours * 3600))
        del reply.cookies[LOGIN_CSRF_COOKIE]
        return reply

    def _login_again(request: Request, target: str, error: str, status: int) -> HTTPResponse:
        token = secrets.token_urlsafe(24)
        reply = console.render(request, "login.html", status=status, csrf=token, next=target, error=error)
        set_cookie(reply, LOGIN_CSRF_COOKIE, token, 3600)
        return reply

    @app.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        session = console.sessions.find(request.cookies.get(COOKIE_NAME))
        if session is not None and secrets.compare_digest(session.csrf, request.form.get("csrf") or ""):
            console.sessions.end(request.cookies.get(COOKIE_NAME))
        reply = response.redirect("/login")
        del reply.cookies[COOKIE_NAME]
        return reply

    add_pages(app, console)
    add_teach_pages(app, console)
    add_model_pages(app, console)
    add_guide_pages(app, console)
    add_user_pages(app, console)
    return app


def serve(app: Any, host: str, port: int) -> None:
    """Runs the app in this process until it is stopped."""
    app.run(host=host, port=port, access_log=False, workers=1)
