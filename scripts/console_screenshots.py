"""Takes the screenshots of docs/console.md: the console over a week of made-up conversations, in chromium.

Usage: .venv/bin/python scripts/console_screenshots.py [--out docs/img]   (``make console-screenshots``)

Nothing of the project is touched: the conversations, the console's store and a copy of the guide live in
a temporary folder; the console is started with ``python -m console serve`` on a free port, signed in as a
made-up admin, and each page is saved as ``console-<page>.png``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.sample_store import random_samples, write_store  # noqa: E402
from paybot.guide import load_guide  # noqa: E402
from paybot.launch import free_port  # noqa: E402
from tests.support.browser import chromium  # noqa: E402

ADMIN, PASSWORD = "manager", "screenshot password 1"
DAYS = 7
# (file name, path, what to click or fill before the shot)
PAGES = [
    ("dashboard", "/", None),
    ("conversation", None, "first-conversation"),
    ("teach", "/teach", None),
    ("models", "/models", None),
    ("guide-edit", "/guide/edit?key=topics.refund.answer", None),
]


def _start_console(workdir: Path) -> tuple[subprocess.Popen, str]:
    tracker = f"sqlite:///{workdir / 'tracker.db'}"
    guide = workdir / "guide.yml"
    shutil.copy(ROOT / "content" / "guide.yml", guide)
    engine = sa.create_engine(tracker)
    write_store(engine, random_samples(400, time.time() - DAYS * 86400, DAYS), load_guide(guide))
    engine.dispose()
    port = free_port()
    env = dict(os.environ, CONSOLE_DB=str(workdir / "console.db"), CONSOLE_SECRET_FILE=str(workdir / "secret"),
               CONSOLE_PORT=str(port), TRACKER_STORE_URL=tracker, GUIDE_PATH=str(guide),
               CONSOLE_ADMIN_USER=ADMIN, CONSOLE_ADMIN_PASSWORD=PASSWORD)
    process = subprocess.Popen([sys.executable, "-m", "console", "serve"], cwd=ROOT, env=env,
                               stdout=(workdir / "console.log").open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if requests.get(f"{url}/health", timeout=1).ok:
                return process, url
        except requests.RequestException:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"the console did not start; see {workdir / 'console.log'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        process, url = _start_console(Path(folder))
        try:
            with chromium() as browser:
                page = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900}).new_page()
                page.goto(f"{url}/login")
                page.get_by_label("아이디").fill(ADMIN)
                page.get_by_label("비밀번호").fill(PASSWORD)
                page.get_by_role("button", name="로그인").click()
                page.wait_for_selector("header nav")
                for name, path, action in PAGES:
                    if action == "first-conversation":
                        page.goto(f"{url}/conversations?handed_off=1")
                        page.locator("table.list a").first.click()
                    else:
                        page.goto(url + path)
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(600)  # Chart.js animates the charts in
                    page.screenshot(path=str(out / f"console-{name}.png"), full_page=False)
                    print(f"saved {out / f'console-{name}.png'}")
        finally:
            process.terminate()
            process.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
