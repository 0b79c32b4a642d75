"""The console's whole loop in the browser, as the support team lives it, against the running bot.

Customers talk to the live bot over REST; in Debian's chromium a trainer sees them counted on the
dashboard, finds the conversation that was handed off, labels the message the bot did not understand,
starts a training (the small trainer-test config), watches its progress and reads the report; an admin
publishes the model; the same running Rasa server (no restart) then answers the new phrasing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Iterator

import pytest
import requests
from playwright.sync_api import expect

from console.store import connect
from console.users import TRAINER, create_user
from paybot.guide import load_guide
from paybot.launch import stop_process
from paybot.settings import PROJECT_ROOT, get_settings
from tests.live.console.conftest import PASSWORDS, console_command, console_environment, sign_in_page
from tests.support.browser import chromium
from tests.support.live_servers import LiveBot, live_bot, newest_model, wait_for
from tests.support.trainer_support import FAST_CONFIG, copy_project

pytestmark = pytest.mark.live
TOKEN = "a-day-at-the-console"
SERVED = "paybot-20261201-090000.tar.gz"
# Not understood by the shipped model (it asks back); a trainer reads it as a refund question.
NEW_PHRASING = "충전해 둔 페이머니 통장으로 돌려놓고 싶어요"
TRAINING_TIMEOUT_MS = 12 * 60 * 1000
PAGE_TIMEOUT_MS = 30_000


@dataclass
class Day:
    """The running bot (API on) and the console over the same conversations, teaching a project copy."""

    bot: LiveBot
    console_url: str
    rasa_pid: int


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    workdir = tmp_path_factory.mktemp("a-day")
    project = copy_project(workdir / "project", FAST_CONFIG)
    (project.root / "content").mkdir()
    shutil.copy(get_settings().guide_path, project.root / "content" / "guide.yml")
    project.models_dir.mkdir()
    served = project.models_dir / SERVED
    os.link(newest_model(), served)
    with live_bot(workdir, model=served, api_token=TOKEN) as bot:
        env = console_environment(workdir, f"sqlite:///{bot.tracker_db}", RASA_API_TOKEN=TOKEN,
                                  CONSOLE_RASA_URLS=bot.rasa_url, GUIDE_PATH=str(project.root / "content" / "guide.yml"))
        accounts = connect(workdir / "console.db")
        create_user(accounts, "minji", PASSWORDS["minji"], TRAINER)
        accounts.close()
        log = workdir / "console.log"
        console = subprocess.Popen(console_command("serve", "--project", str(project.root)), cwd=PROJECT_ROOT,
                                   env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{env['CONSOLE_PORT']}"
            wait_for(f"{url}/health", console, log)
            port = bot.rasa_url.rsplit(":", 1)[1]
            pid = int(subprocess.run(["pgrep", "-f", "--", f"--port {port} --credentials"],
                                     capture_output=True, text=True).stdout.split()[0])
            yield Day(bot, url, pid)
        finally:
            stop_process(console)


def test_label_retrain_publish_and_the_running_bot_answers_the_new_phrasing(day: Day) -> None:
    refund_opening = load_guide().answer("refund").split("\n")[0]
    # The morning's customers.
    assert "도움이 되셨나요" in day.bot.texts("customer-1", "결제가 안 돼요")
    assert "1577-1940" in day.bot.texts("customer-1", "아니요")  # not helped: handed off
    asked_back = day.bot.texts("customer-2", NEW_PHRASING)
    assert refund_opening not in asked_back and "골라" in asked_back  # the bot asks which problem it is
    assert refund_opening in day.bot.texts("customer-3", "환불 언제 돼요")

    with chromium() as browser:
        page = browser.new_context(locale="ko-KR").new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        sign_in_page(page, day.console_url, "minji")
        expect(page.locator("#conversations")).to_have_text("3")  # counted exactly
        expect(page.locator("#messages")).to_have_text("4")
        expect(page.locator("#handoff")).to_have_text("33.3%")

        page.get_by_role("link", name="대화 기록").click()
        page.get_by_role("checkbox", name="상담원 연결").check()
        page.get_by_role("button", name="찾기").click()
        expect(page.locator("body")).to_contain_text("1건의 대화를 찾았어요")
        page.locator("table.list a").first.click()
        expect(page.locator(".turns")).to_contain_text("결제가 안 돼요")

        page.get_by_role("link", name="학습", exact=True).click()
        unclear = page.locator(".inbox li", has_text=NEW_PHRASING).first
        unclear.get_by_label("의도").select_option("refund")
        unclear.get_by_role("button", name="이 의도로 학습").click()
        expect(page.locator("body")).to_contain_text("refund 의도에 1문장을 추가했어요")

        page.get_by_role("link", name="학습·발행").click()
        page.get_by_role("button", name="지금 학습 시작").click()
        expect(page.locator("#stage")).to_contain_text("minji 님이")
        expect(page.locator("progress")).to_be_visible()
        # The page refreshes itself: training, then the comparison with the model before, then the report.
        expect(page.locator("#stage")).to_contain_text("끝났어요", timeout=TRAINING_TIMEOUT_MS)
        expect(page.locator("#report")).to_contain_text("macro-F1")
        expect(page.locator("#report")).to_contain_text("결과:")
        new_model = re.search(r"새 모델: models/(paybot-\d{8}-\d{6}\.tar\.gz)", page.locator("details").text_content() or "")
        assert new_model and new_model.group(1) != SERVED

        admin = browser.new_context(locale="ko-KR").new_page()
        admin.set_default_timeout(PAGE_TIMEOUT_MS)
        sign_in_page(admin, day.console_url, "boss")
        admin.goto(f"{day.console_url}/models")
        admin.get_by_label("모델").select_option(new_model.group(1))
        admin.get_by_label("관리자 확인: 평가를 통과하지 않아도 발행").check()
        admin.get_by_role("button", name="모든 봇 서버에 발행").click()
        expect(admin.get_by_role("status")).to_contain_text("발행했어요", timeout=120_000)

    status = requests.get(f"{day.bot.rasa_url}/status", params={"token": TOKEN}, timeout=10).json()
    assert status["model_file"].endswith(new_model.group(1))
    assert subprocess.run(["kill", "-0", str(day.rasa_pid)]).returncode == 0  # the same server, never restarted
    assert refund_opening in day.bot.texts("customer-4", NEW_PHRASING)
