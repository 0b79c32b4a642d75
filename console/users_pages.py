"""Account management in the browser (admin only): the accounts, adding one, changing a role or a password,
and removing an account."""

from __future__ import annotations

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from console.users import (
    ADMIN,
    ROLE_LABELS,
    ROLES,
    AccountError,
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

    @app.post("/users/role")
    @requires(console, ADMIN)
    async def role(request: Request) -> HTTPResponse:
        name, new_role = (request.form.get("name") or "").strip(), (request.form.get("role") or "").strip()
        try:
            user = await in_thread(change_role, console.db, name, new_role)
        except AccountError as error:
            return page(request, status=400, problem=f"역할을 바꾸지 않았어요: {error}")
        return page(request, created=f"'{user.name}' 계정의 역할을 {user.role_label}(으)로 바꿨어요.")

    @app.post("/users/password")
    @requires(console, ADMIN)
    async def password(request: Request) -> HTTPResponse:
        form = request.form
        name, new_password = (form.get("name") or "").strip(), form.get("password") or ""
        if new_password != (form.get("password_again") or ""):
            return page(request, status=400, problem="두 비밀번호가 달라요. 다시 입력해 주세요.")
        try:
            user = await in_thread(set_password, console.db, name, new_password)
        except AccountError as error:
            return page(request, status=400, problem=f"비밀번호를 바꾸지 않았어요: {error}")
        return page(request, created=f"'{user.name}' 계정의 비밀번호를 바꿨어요. 그 계정은 새 비밀번호로 다시 로그인해요.")

    @app.post("/users/remove")
    @requires(console, ADMIN)
    async def remove(request: Request) -> HTTPResponse:
        name = (request.form.get("name") or "").strip()
        try:
            user = await in_thread(remove_user, console.db, name, request.ctx.session.user.name)
        except AccountError as error:
            return page(request, status=400, problem=f"계정을 지우지 않았어요: {error}")
        return page(request, created=f"'{user.name}' 계정을 지웠어요.")
