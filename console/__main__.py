"""``python -m console``: serve the console, check it can start, or manage accounts.

    python -m console serve [--project DIR]     # what `make run` starts (scripts/run.sh)
    python -m console check                      # 0 when an admin exists or is configured, else says how
    python -m console user add NAME --role admin # asks the password twice (or --password-stdin)
    python -m console user list
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import List, Optional

from console.store import connect
from console.users import ROLE_LABELS, ROLES, AccountError, create_user, ensure_first_admin, has_admin, list_users
from paybot.settings import PROJECT_ROOT, Settings, get_settings

# Exit code of `check` when no admin exists or is configured (scripts/run.sh then starts the bot alone).
NO_ADMIN = 3
HOW_TO_CREATE_ADMIN = (
    "콘솔 관리자 계정이 없어서 콘솔(:{port})은 시작하지 않았어요. 봇은 그대로 동작해요.\n"
    "  만들기: make console-user ARGS=\"add 아이디 --role admin\"\n"
    "  또는 첫 시작 때: CONSOLE_ADMIN_USER=아이디 CONSOLE_ADMIN_PASSWORD='10자 이상 비밀번호' make run"
)


def _first_admin(settings: Settings) -> int:
    """Creates the configured first admin if needed; 0 when an admin exists, else NO_ADMIN."""
    db = connect(settings.console_db)
    try:
        created = ensure_first_admin(db, settings.console_admin_user, settings.console_admin_password)
    except AccountError as error:
        print(f"CONSOLE_ADMIN_USER / CONSOLE_ADMIN_PASSWORD로 관리자를 만들 수 없어요: {error}", file=sys.stderr)
        return NO_ADMIN
    if created:
        print(f"콘솔 관리자 '{created.name}' 계정을 만들었어요.")
    if not has_admin(db):
        print(HOW_TO_CREATE_ADMIN.format(port=settings.console_port), file=sys.stderr)
        return NO_ADMIN
    return 0


def _serve(settings: Settings, project: Path) -> int:
    code = _first_admin(settings)
    if code:
        return code
    from console.app import build_console, create_app, serve

    app = create_app(build_console(settings, project))
    print(f"Console: http://{settings.console_host}:{settings.console_port}/", flush=True)
    serve(app, settings.console_host, settings.console_port)
    return 0


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("비밀번호 (10자 이상): ")
    if first != getpass.getpass("한 번 더: "):
        raise AccountError("두 비밀번호가 달라요.")
    return first


def _user(settings: Settings, arguments: argparse.Namespace) -> int:
    db = connect(settings.console_db)
    if arguments.action == "list":
        for user in list_users(db):
            print(f"  {user.name:<20} {user.role} ({ROLE_LABELS[user.role]})")
        return 0
    if not arguments.name:
        print("아이디를 써 주세요: make console-user ARGS=\"add 아이디 --role trainer\"", file=sys.stderr)
        return 2
    try:
        user = create_user(db, arguments.name, _password(arguments.password_stdin), arguments.role)
    except AccountError as error:
        print(f"✖ 계정을 만들지 않았어요: {error}", file=sys.stderr)
        return 1
    print(f"✔ '{user.name}' 계정을 만들었어요 (역할: {user.role}, {ROLE_LABELS[user.role]}).")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """Runs one command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m console", description="The support-team console.")
    commands = parser.add_subparsers(dest="command")
    serve_parser = commands.add_parser("serve", help="serve the console")
    serve_parser.add_argument("--project", type=Path, default=PROJECT_ROOT, help="the project it teaches")
    commands.add_parser("check", help="exit 0 when the console can start")
    user_parser = commands.add_parser("user", help="accounts")
    user_parser.add_argument("action", choices=("add", "list"))
    user_parser.add_argument("name", nargs="?")
    user_parser.add_argument("--role", choices=ROLES, default="viewer")
    user_parser.add_argument("--password-stdin", action="store_true", help="read the password from one stdin line")
    arguments = parser.parse_args(argv)
    settings = get_settings()
    if arguments.command == "check":
        return _first_admin(settings)
    if arguments.command == "user":
        return _user(settings, arguments)
    return _serve(settings, getattr(arguments, "project", PROJECT_ROOT))


if __name__ == "__main__":
    sys.exit(main())
