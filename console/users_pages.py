"""Account management in the browser (admin only): the accounts, adding one, changing a role or a password,
and removing an account."""

from __future__ import annotations

from typing import Callable

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from console.users import (
    ADMIN,
    ROLE_LABELS,
    ROLES,
    AccountError,
    User,
    change_role,
    create_user,
    list_users,
    remove_user,
    set_password,
)
from console.web import Console, in_thread, requires


def add_user_pages(app: Sanic, console: Console) -> None:
    """Registers /users."""

    def page(request: Request, status: int = 200, **values: object) -> HTTPResponse:
        return console.render(request, "users.html", status=status, accounts=list_users(console.db), roles=ROLES,
                              role_labels=ROLE_LABELS, **values)

    @app.get("/users")
    @requires(console, ADMIN)
    async def users(request: Request) -> HTTPResponse:
        return page(request)

    async def change(request: Request, refused: str, done: Callable[[User], str], action: Callable[..., User],
                     *args: object) -> HTTPResponse:
        """Runs an account change off the event loop; the page says it was refused (and why) or what was done."""
        try:
            user = await in_thread(action, console.db, *args)
        except AccountError as error:
            return page(request, status=400, problem=f"{refused}: {error}")
        return page(request, created=done(user))

    def passwords_match(request: Request) -> bool:
        return (request.form.get("password") or "") == (request.form.get("password_again") or "")

    def field(request: Request, name: str) -> str:
        return (request.form.get(name) or "").strip()

    mismatch = "두 비밀번호가 달라요. 다시 입력해 주세요."

    @app.post("/users")
    @requires(console, ADMIN)
    async def add_user(request: Request) -> HTTPResponse:
        if not passwords_match(request):
            return page(request, status=400, problem=mismatch)
        return await change(request, "계정을 만들지 않았어요",
                            lambda user: f"'{user.name}' 계정을 만들었어요 (역할: {user.role_label}).",
                            create_user, field(request, "name"), request.form.get("password") or "", field(request, "role"))

    @app.post("/users/role")
    @requires(console, ADMIN)
    async def role(request: Request) -> HTTPResponse:
        return await change(request, "역할을 바꾸지 않았어요",
                            lambda user: f"'{user.name}' 계정의 역할을 {user.role_label}(으)로 바꿨어요.",
                            change_role, field(request, "name"), field(request, "role"))

    @app.post("/users/password")
    @requires(console, ADMIN)
    async def password(request: Request) -> HTTPResponse:
        if not passwords_match(request):
            return page(request, status=400, problem=mismatch)
        return await change(request, "비밀번호를 바꾸지 않았어요",
                            lambda user: f"'{user.name}' 계정의 비밀번호를 바꿨어요. 그 계정은 새 비밀번호로 다시 로그인해요.",
                            set_password, field(request, "name"), request.form.get("password") or "")

    @app.post("/users/remove")
    @requires(console, ADMIN)
    async def remove(request: Request) -> HTTPResponse:
        return await change(request, "계정을 지우지 않았어요", lambda user: f"'{user.name}' 계정을 지웠어요.",
                            remove_user, field(request, "name"), request.ctx.session.user.name)
