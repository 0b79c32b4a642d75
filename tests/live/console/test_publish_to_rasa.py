"""Publishing through the console into a real running Rasa server (its HTTP API on), and rolling back.

The newest trained model of models/ is served under one name and published under another (a hard link in
a copy of the project), so the server's /status shows the switch without training anything.
"""

from __future__ import annotations

import os
import subprocess
from typing import Iterator, Tuple

import pytest
import requests

from paybot.launch import bot_environment, free_port, stop_process
from paybot.settings import PROJECT_ROOT
from rasa_runtime.launcher import rasa_server_command
from tests.live.console.conftest import Browser, console_command, console_environment, page_text
from tests.support.live_servers import newest_model, wait_for
from tests.support.trainer_support import copy_project

pytestmark = pytest.mark.live
TOKEN = "publish-test-token"
SERVED, PUBLISHED = "paybot-20261201-090000.tar.gz", "paybot-20261202-090000.tar.gz"


@pytest.fixture(scope="module")
def rasa_and_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, str]]:
    """A Rasa server (API on, token) serving SERVED, and a console that publishes to it."""
    workdir = tmp_path_factory.mktemp("publish")
    project = copy_project(workdir / "project")
    project.models_dir.mkdir()
    model = newest_model()
    for name in (SERVED, PUBLISHED):
        os.link(model, project.models_dir / name)
    rasa_port = free_port()
    env = bot_environment(free_port(), workdir / "tracker.db")
    rasa = subprocess.Popen(rasa_server_command(project.models_dir / SERVED, rasa_port, TOKEN), cwd=PROJECT_ROOT,
                            env=env, stdout=(workdir / "rasa.log").open("w"), stderr=subprocess.STDOUT)
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    console_env = console_environment(workdir, f"sqlite:///{workdir / 'tracker.db'}", RASA_API_TOKEN=TOKEN,
                                      CONSOLE_RASA_URLS=rasa_url)
    console = subprocess.Popen(console_command("serve", "--project", str(project.root)), cwd=PROJECT_ROOT,
                               env=console_env, stdout=(workdir / "console.log").open("w"), stderr=subprocess.STDOUT)
    console_url = f"http://127.0.0.1:{console_env['CONSOLE_PORT']}"
    try:
        wait_for(f"{console_url}/health", console, workdir / "console.log")
        wait_for(f"{rasa_url}/status?token={TOKEN}", rasa, workdir / "rasa.log")
        yield rasa_url, console_url
    finally:
        stop_process(console)
        stop_process(rasa)


def _running(rasa_url: str) -> str:
    return requests.get(f"{rasa_url}/status", params={"token": TOKEN}, timeout=10).json()["model_file"]


def test_publish_reaches_the_running_server_and_rollback_restores_it(rasa_and_console: Tuple[str, str]) -> None:
    """The admin publishes: Rasa runs the new model without a restart and understands; rollback brings back the old one."""
    rasa_url, console_url = rasa_and_console
    assert _running(rasa_url) == SERVED
    admin = Browser(console_url)
    assert admin.sign_in("boss").status_code == 302
    assert f"지금 쓰는 모델 {SERVED}" in page_text(admin.get("/models"))
    published = admin.post("/models/publish", {"model": PUBLISHED, "override": "1"})
    assert published.status_code == 200 and "✔ 발행했어요" in page_text(published)
    assert _running(rasa_url) == PUBLISHED
    parsed = requests.post(f"{rasa_url}/model/parse", params={"token": TOKEN}, json={"text": "고객센터 전화번호 알려주세요"},
                           timeout=60)
    assert parsed.json()["intent"]["name"] == "ask_contact"  # the published model understands customers
    rolled_back = admin.post("/models/rollback", {})
    assert rolled_back.status_code == 200 and "(되돌림)" in page_text(rolled_back)
    assert _running(rasa_url) == SERVED
