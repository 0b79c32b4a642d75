"""A running console (``python -m console serve``) on a free port, over a copy of the project and a sample
tracker store, with an admin, a trainer and a viewer; and a small client that signs in like a browser."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from console.sample_store import MISSED_TWICE, SampleConversation, write_store
from console.store import connect
from console.users import TRAINER, VIEWER, create_user
from paybot.guide import load_guide
from paybot.launch import free_port
from paybot.settings import PROJECT_ROOT, get_settings
from tests.support.trainer_support import copy_project
from tests.unit.console.samples import DAY, SAMPLES
from trainer.project import Project

PASSWORDS = {"boss": "admin password 1", "minji": "trainer password 1", "jisu": "viewer password 1",
             "lockme": "locked password 1"}
UNCLEAR = "적립금이 사라졌는데 어디서 봐요"
# A file in the project copy's models/ standing in for a trained model.
MODEL_NAME = "paybot-20261203-120000.tar.gz"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class RunningConsole:
    """The console's URL, the project copy it teaches and its environment."""

    url: str
    project: Project
    env: Dict[str, str]
    process: subprocess.Popen


def console_environment(workdir: Path, tracker_url: str, **extra: str) -> Dict[str, str]:
    """The environment for a console whose files all live in ``workdir``."""
    env = dict(os.environ)
    env.update({
        "CONSOLE_DB": str(workdir / "console.db"), "CONSOLE_SECRET_FILE": str(workdir / "secret"),
        "CONSOLE_PORT": str(free_port()), "TRACKER_STORE_URL": tracker_url,
        "CONSOLE_ADMIN_USER": "boss", "CONSOLE_ADMIN_PASSWORD": PASSWORDS["boss"],
    })
    env.update(extra)
    return env


def console_command(*arguments: str) -> list:
    """``python -m console ...`` with the project's interpreter."""
    return [sys.executable, "-m", "console", *arguments]


@pytest.fixture(scope="package")
def running_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningConsole]:
    """The console serving until every test of tests/live/console/ is done (one start for all of them)."""
    workdir = tmp_path_factory.mktemp("console")
    project = copy_project(workdir / "project")
    tracker = f"sqlite:///{workdir / 'tracker.db'}"
    samples = [*SAMPLES, SampleConversation("rest-9", DAY + 8000, "rest", "", MISSED_TWICE, question=UNCLEAR)]
    engine = sa.create_engine(tracker)
    write_store(engine, samples, load_guide(get_settings().guide_path))
    engine.dispose()
    # Publishing goes to a Rasa server that is not running (no model is loaded in these tests).
    guide = project.root / "content" / "guide.yml"
    guide.parent.mkdir(parents=True)
    shutil.copy(get_settings().guide_path, guide)
    env = console_environment(workdir, tracker, RASA_API_TOKEN="console-test-token", GUIDE_PATH=str(guide),
                              CONSOLE_RASA_URLS=f"http://127.0.0.1:{free_port()}")
    (project.models_dir).mkdir(parents=True, exist_ok=True)
    (project.models_dir / MODEL_NAME).write_bytes(b"not a model")
    accounts = connect(workdir / "console.db")
    for name, role in (("minji", TRAINER), ("jisu", VIEWER), ("lockme", VIEWER)):
        create_user(accounts, name, PASSWORDS[name], role)
    accounts.close()
    log = (workdir / "console.log").open("w")
    process = subprocess.Popen(console_command("serve", "--project", str(project.root)), env=env, cwd=PROJECT_ROOT,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{env['CONSOLE_PORT']}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (workdir / "console.log").read_text()
            try:
                if requests.get(f"{url}/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the console did not start within 60 s"
            time.sleep(0.2)
        yield RunningConsole(url, project, env, process)
    finally:
        process.terminate()
        process.wait(timeout=20)


@dataclass
class Browser:
    """Keeps the console's cookies like a browser on a secure context (requests drops Secure cookies on http)."""

    url: str
    cookies: Dict[str, str] = field(default_factory=dict)
    csrf: Optional[str] = None

    def _keep(self, reply: requests.Response) -> requests.Response:
        for cookie in reply.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        found = _CSRF.search(reply.text)
        if found:
            self.csrf = found.group(1)
        return reply

    def _headers(self) -> Dict[str, str]:
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    def get(self, path: str) -> requests.Response:
        """GET ``path``, without following redirects."""
        return self._keep(requests.get(self.url + path, headers=self._headers(), allow_redirects=False, timeout=30))

    def post(self, path: str, data: Dict[str, str], csrf: bool = True) -> requests.Response:
        """POST a form, with the page's CSRF token unless ``csrf`` is false."""
        form = {**({"csrf": self.csrf or ""} if csrf else {}), **data}
        return self._keep(requests.post(self.url + path, data=form, headers=self._headers(), allow_redirects=False,
                                        timeout=30))

    def sign_in(self, name: str, password: Optional[str] = None) -> requests.Response:
        """Opens the sign-in page and signs in."""
        self.get("/login")
        return self.post("/login", {"name": name, "password": password or PASSWORDS[name], "next": "/"})


def page_text(reply: requests.Response) -> str:
    """What a person reads on the page: the HTML without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reply.text))).strip()


def sign_in_page(page: Any, url: str, name: str, password: str = "") -> None:
    """Signs ``name`` in through the console's form in a Playwright page (its test password unless given)."""
    page.goto(f"{url}/login")
    page.get_by_label("아이디").fill(name)
    page.get_by_label("비밀번호").fill(password or PASSWORDS[name])
    page.get_by_role("button", name="로그인").click()
    expect(page.locator("header")).to_contain_text(f"{name} 님")
