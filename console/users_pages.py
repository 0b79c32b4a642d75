"""Account management in the browser (admin only): the accounts and their roles, and adding one."""

from __future__ import annotations

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from console.users import ADMIN, ROLE_LABELS, ROLES, AccountError, create_user, list_users
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

    @app.post("/users")
    @requires(console, ADMIN)
    async def add_user(request: Request) -> HTTPResponse:
        form = request.form
        name, role = (form.get("name") or "").strip(), (form.get("role") or "").strip()
        password = form.get("password") or ""
        if password != (form.get("password_again") or ""):
            return page(request, status=400, problem="두 비밀번호가 달라요. 다시 입력해 주세요.")
        try:
            user = await in_thread(create_user, console.db, name, password, role)
        except AccountError as error:
            return page(request, status=400, problem=f"계정을 만들지 않았어요: {error}")
        return page(request, created=f"'{user.name}' 계정을 만들었어요 (역할: {user.role_label}).")
