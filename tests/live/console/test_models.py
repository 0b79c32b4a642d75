"""The 학습·발행 page: who may publish what, and what a failed publication says (no model is trained or loaded)."""

from __future__ import annotations

import pytest

from tests.live.console.conftest import MODEL_NAME, Browser, RunningConsole, page_text
from trainer.evaluation import CONFUSION_MATRIX_FILE, evaluation_dir

pytestmark = pytest.mark.live
# The smallest valid PNG (1×1 pixel).
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def signed_in(running_console: RunningConsole, name: str) -> Browser:
    """A browser signed in as ``name`` on the models page."""
    browser = Browser(running_console.url)
    assert browser.sign_in(name).status_code == 302
    browser.get("/models")
    return browser


def test_the_page_offers_the_trained_models_and_a_training(running_console: RunningConsole) -> None:
    """A trainer sees the start button and the models of models/; a viewer is refused."""
    text = page_text(signed_in(running_console, "minji").get("/models"))
    assert "지금 학습 시작" in text and MODEL_NAME in text and "모든 봇 서버에 발행" in text
    assert signed_in(running_console, "jisu").get("/models").status_code == 403


def test_a_model_the_console_did_not_judge_needs_an_admin(running_console: RunningConsole) -> None:
    """A trainer may not publish an unjudged model; an admin must tick the confirmation first."""
    trainer = signed_in(running_console, "minji")
    refused = trainer.post("/models/publish", {"model": MODEL_NAME})
    assert refused.status_code == 409 and "관리자만 확인 후 발행할 수 있어요" in page_text(refused)
    admin = signed_in(running_console, "boss")
    unticked = admin.post("/models/publish", {"model": MODEL_NAME})
    assert unticked.status_code == 409 and "'관리자 확인'에 체크해 주세요" in page_text(unticked)


def test_publishing_to_a_server_that_is_down_says_which_and_records_nothing(running_console: RunningConsole) -> None:
    """With the confirmation the console calls PUT /model; the server is down: named, nothing logged."""
    admin = signed_in(running_console, "boss")
    reply = admin.post("/models/publish", {"model": MODEL_NAME, "override": "1"})
    url = running_console.env["CONSOLE_RASA_URLS"]
    assert reply.status_code == 502 and f"{url} 서버에 연결할 수 없어요" in page_text(reply)
    assert "이전 모델로 되돌리기" not in page_text(reply)


def test_unknown_models_and_rollback_without_history_are_refused(running_console: RunningConsole) -> None:
    """A model name that is not in models/ (or a path) and a rollback with nothing published get a clear answer."""
    admin = signed_in(running_console, "boss")
    for name in ("../config.yml", "nothing.tar.gz", ""):
        reply = admin.post("/models/publish", {"model": name, "override": "1"})
        assert reply.status_code == 400 and "발행할 모델을 목록에서 골라 주세요" in page_text(reply)
    rollback = admin.post("/models/rollback", {})
    assert rollback.status_code == 409 and "되돌릴 이전 모델이 없어요" in page_text(rollback)


def test_the_reports_confusion_matrix_picture_is_served_to_trainers(running_console: RunningConsole) -> None:
    """Rasa's picture of a judged model: a Korean 404 before the evaluation, the PNG after; viewers refused."""
    trainer = signed_in(running_console, "minji")
    assert trainer.get(f"/models/confusion/{MODEL_NAME}").status_code == 404
    picture = evaluation_dir(running_console.project, running_console.project.models_dir / MODEL_NAME) / CONFUSION_MATRIX_FILE
    picture.parent.mkdir(parents=True, exist_ok=True)
    picture.write_bytes(PNG)
    try:
        reply = trainer.get(f"/models/confusion/{MODEL_NAME}")
        assert reply.status_code == 200 and reply.headers["Content-Type"] == "image/png" and reply.content == PNG
        assert signed_in(running_console, "jisu").get(f"/models/confusion/{MODEL_NAME}").status_code == 403
        assert trainer.get("/models/confusion/..%2F..%2Fconsole.db").status_code == 404
    finally:
        picture.unlink()
