"""Signing in to the running console: wrong passwords, cookies, CSRF, the rate limit, roles, no admin."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from paybot.settings import PROJECT_ROOT
from tests.live.console.conftest import Browser, RunningConsole, console_command, console_environment, page_text

pytestmark = pytest.mark.live


def test_pages_need_a_sign_in(running_console: RunningConsole) -> None:
    """Without a session every page sends the person to the sign-in page, which is in Korean."""
    browser = Browser(running_console.url)
    reply = browser.get("/conversations")
    assert reply.status_code == 302 and reply.headers["Location"] == "/login?next=/conversations"
    assert "로그인" in page_text(browser.get("/login"))


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(running_console: RunningConsole) -> None:
    """The wrong password gets a Korean refusal; the right one a session cookie that is Secure, HttpOnly, Strict."""
    browser = Browser(running_console.url)
    refused = browser.sign_in("jisu", "not my password")
    assert refused.status_code == 401 and "아이디나 비밀번호가 맞지 않아요" in page_text(refused)
    assert "console_session" not in browser.cookies
    signed_in = browser.sign_in("jisu")
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    cookie = next(value for value in signed_in.raw.headers.getlist("Set-Cookie") if value.startswith("console_session="))
    assert {"HttpOnly", "Secure", "SameSite=Strict"} <= {part.strip() for part in cookie.split(";")}
    assert "jisu 님 (조회)" in page_text(browser.get("/"))


def test_signing_in_without_the_forms_token_is_refused(running_console: RunningConsole) -> None:
    """A sign-in posted from elsewhere (no token from the console's own form) does not sign in."""
    browser = Browser(running_console.url)
    reply = browser.post("/login", {"name": "jisu", "password": "viewer password 1"}, csrf=False)
    assert reply.status_code == 403 and "보안 토큰이 맞지 않아요" in page_text(reply)
    assert "console_session" not in browser.cookies


def test_five_wrong_passwords_block_even_the_right_one(running_console: RunningConsole) -> None:
    """After five failures from this address the sixth try is refused for 15 minutes, right password or not."""
    browser = Browser(running_console.url)
    for _ in range(5):
        assert browser.sign_in("lockme", "guessing wrong").status_code == 401
    blocked = browser.sign_in("lockme")
    assert blocked.status_code == 429 and "15분 뒤에 다시 시도해 주세요" in page_text(blocked)
    assert "console_session" not in browser.cookies


def test_signing_out_ends_the_session(running_console: RunningConsole) -> None:
    """After 로그아웃 the old cookie no longer opens a page."""
    browser = Browser(running_console.url)
    browser.sign_in("jisu")
    browser.get("/")
    old = dict(browser.cookies)
    assert browser.post("/logout", {}).status_code == 302
    browser.cookies = old
    assert browser.get("/").status_code == 302


def test_a_viewer_cannot_teach(running_console: RunningConsole) -> None:
    """A viewer's teaching page and additions are refused in Korean, and the training data stays as it was."""
    browser = Browser(running_console.url)
    browser.sign_in("jisu")
    browser.get("/")
    refunds = running_console.project.nlu_dir / "refunds.yml"
    before = refunds.read_bytes()
    assert browser.get("/teach").status_code == 403
    reply = browser.post("/teach/add", {"intent": "refund", "sentences": "환불 받을 돈 언제 와요 viewer"})
    assert reply.status_code == 403 and "권한이 없어요" in page_text(reply)
    assert refunds.read_bytes() == before


def test_a_change_without_the_sessions_token_is_refused(running_console: RunningConsole) -> None:
    """A trainer's form posted without (or with another) CSRF token changes nothing."""
    browser = Browser(running_console.url)
    browser.sign_in("minji")
    browser.get("/teach")
    refunds = running_console.project.nlu_dir / "refunds.yml"
    before = refunds.read_bytes()
    reply = browser.post("/teach/add", {"intent": "refund", "sentences": "환불 돈 언제 오나요 csrf", "csrf": "forged"})
    assert reply.status_code == 403 and "보안 토큰이 맞지 않아요" in page_text(reply)
    assert refunds.read_bytes() == before


def test_without_an_admin_the_console_does_not_start_and_says_how(tmp_path: Path) -> None:
    """No admin configured: `serve` exits at once with the make command that creates one."""
    env = console_environment(tmp_path, "sqlite:///unused.db", CONSOLE_ADMIN_USER="", CONSOLE_ADMIN_PASSWORD="")
    found = subprocess.run(console_command("serve"), env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert found.returncode == 3
    assert "관리자 계정이 없어서" in found.stderr and "은 시작하지 않았어요" in found.stderr and "make console-user" in found.stderr


def test_make_console_user_creates_an_account_that_signs_in(running_console: RunningConsole) -> None:
    """`python -m console user add` (make console-user) makes a trainer who can sign in; a short password is refused."""
    command = console_command("user", "add", "hana", "--role", "trainer", "--password-stdin")
    made = subprocess.run(command, input="hana password 1\n", text=True, env=running_console.env, cwd=PROJECT_ROOT,
                          capture_output=True, timeout=60)
    assert made.returncode == 0 and "'hana' 계정을 만들었어요 (역할: trainer, 학습 담당)" in made.stdout
    short = subprocess.run(console_command("user", "add", "dan", "--password-stdin"), input="short\n", text=True,
                           env=running_console.env, cwd=PROJECT_ROOT, capture_output=True, timeout=60)
    assert short.returncode == 1 and "비밀번호는 10자 이상이어야 해요" in short.stderr
    browser = Browser(running_console.url)
    assert browser.sign_in("hana", "hana password 1").status_code == 302
    assert "hana 님 (학습 담당)" in page_text(browser.get("/"))


def test_an_admin_adds_an_account_in_the_browser(running_console: RunningConsole) -> None:
    """The admin's 계정 page lists the accounts and adds a viewer; mismatched passwords and non-admins are refused."""
    viewer = Browser(running_console.url)
    viewer.sign_in("jisu")
    assert viewer.get("/users").status_code == 403
    admin = Browser(running_console.url)
    admin.sign_in("boss")
    listing = admin.get("/users")
    minji = listing.text.split('<tr data-account="minji">', 1)[1].split("</tr>", 1)[0]
    assert listing.status_code == 200 and '<option value="trainer" selected>' in minji
    form = {"name": "sora", "role": "viewer", "password": "sora password 1"}
    mismatch = admin.post("/users", {**form, "password_again": "another password"})
    assert mismatch.status_code == 400 and "두 비밀번호가 달라요" in page_text(mismatch)
    made = admin.post("/users", {**form, "password_again": "sora password 1"})
    assert made.status_code == 200 and "'sora' 계정을 만들었어요 (역할: 조회)" in page_text(made)
    assert Browser(running_console.url).sign_in("sora", "sora password 1").status_code == 302
