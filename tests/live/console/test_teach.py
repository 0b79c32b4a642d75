"""Teaching from the console as a trainer: the inbox, one-click labels, refusals shown, the log and undo."""

from __future__ import annotations

import pytest

from tests.live.console.conftest import UNCLEAR, Browser, RunningConsole, page_text
from tests.unit.console.samples import LOW_RATED_QUESTION

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def trainer(running_console: RunningConsole) -> Browser:
    """A signed-in trainer on the teaching page."""
    browser = Browser(running_console.url)
    assert browser.sign_in("minji").status_code == 302
    assert browser.get("/teach").status_code == 200
    return browser


def test_the_inbox_lists_what_the_bot_did_not_understand_and_low_ratings(trainer: Browser) -> None:
    """The unclear message is in 이해하지 못한 메시지; the question of the conversation rated 1 in the third queue."""
    text = page_text(trainer.get("/teach"))
    not_understood = text.split("이해하지 못한 메시지", 1)[1].split("확신이 낮았던 메시지", 1)[0]
    assert f'"{UNCLEAR}"' in not_understood
    rated = text.split("만족도 2점 이하 대화의 질문", 1)[1].split("새 표현 추가", 1)[0]
    assert f'"{LOW_RATED_QUESTION}"' in rated


def test_labelling_writes_the_sentence_logs_it_and_undo_removes_it(
    trainer: Browser, running_console: RunningConsole
) -> None:
    """One click puts the message into account_access's file; the log names minji; undo restores the file."""
    path = running_console.project.nlu_dir / "account.yml"
    before = path.read_bytes()
    reply = trainer.post("/teach/label", {"intent": "account_access", "text": UNCLEAR})
    text = page_text(reply)
    assert reply.status_code == 200 and "✔ account_access 의도에 1문장을 추가했어요" in text
    old, new = before.decode().splitlines(), path.read_text(encoding="utf-8").splitlines()
    assert len(new) == len(old) + 1 and set(new) - set(old) == {f"    - {UNCLEAR}"}
    log = text.split("변경 기록", 1)[1]
    assert f'account_access에 "{UNCLEAR}" 지정' in log and "minji" in log
    assert f'"{UNCLEAR}"' not in text.split("이해하지 못한 메시지", 1)[1].split("확신이 낮았던 메시지", 1)[0]
    change = reply.text.split('name="change" value="', 1)[1].split('"', 1)[0]
    undone = trainer.post("/teach/undo", {"change": change})
    assert "✔ 되돌렸어요" in page_text(undone) and path.read_bytes() == before
    assert "minji 님이 되돌림" in page_text(undone)
    again = trainer.post("/teach/undo", {"change": change})
    assert again.status_code == 409 and "이미 minji 님이 되돌린 변경이에요" in page_text(again)


def test_a_clash_with_another_intent_is_refused_and_shown(trainer: Browser, running_console: RunningConsole) -> None:
    """'결제가 안 돼요' for refund: refused with the payment_failure example named; nothing written."""
    before = (running_console.project.nlu_dir / "refunds.yml").read_bytes()
    reply = trainer.post("/teach/add", {"intent": "refund", "sentences": "결제가 안 돼요\n환불 받을 돈은 언제 들어와요 콘솔"})
    text = page_text(reply)
    assert reply.status_code == 409 and "✖ 추가하지 않았어요 (refund 의도)" in text
    assert "payment_failure 의도에" in text and "문제없는 문장" in text
    assert (running_console.project.nlu_dir / "refunds.yml").read_bytes() == before


def test_new_phrasings_are_added_with_their_warnings(trainer: Browser, running_console: RunningConsole) -> None:
    """Two new refund phrasings land at the end of refunds.yml, exactly those lines."""
    path = running_console.project.nlu_dir / "refunds.yml"
    before = path.read_text(encoding="utf-8")
    sentences = ["콘솔에서 배운 환불 문장이에요", "환불금 입금 날짜 좀 알려 주실래요 콘솔"]
    reply = trainer.post("/teach/add", {"intent": "refund", "sentences": "\n".join(sentences)})
    assert reply.status_code == 200 and "✔ refund 의도에 2문장을 추가했어요" in page_text(reply)
    assert path.read_text(encoding="utf-8") == before + "".join(f"    - {sentence}\n" for sentence in sentences)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"intent": "", "sentences": "환불"}, "의도를 골라 주세요"),
        ({"intent": "refund", "sentences": "  \n "}, "한 줄에 하나씩"),
        ({"intent": "refnd", "sentences": "환불 해줘요 오타"}, "'refnd'라는 의도는 없어요. 혹시 'refund'인가요?"),
    ],
)
def test_bad_teaching_input_gets_a_clear_answer(trainer: Browser, form: dict, message: str) -> None:
    """No intent, no sentence or a misspelt intent: a Korean explanation, nothing written."""
    reply = trainer.post("/teach/add", form)
    assert reply.status_code in (400, 409) and message in page_text(reply)


def test_every_intent_is_offered_by_its_korean_name(trainer: Browser) -> None:
    """Staff choose intents by name: guide topics by their button labels, the conversational ones
    (frustration, inform, greet …) by a Korean name too, never by the bare English identifier."""
    text = page_text(trainer.get("/teach"))
    assert "결제 오류 (payment_failure)" in text and "불만·답답함 (frustration)" in text
    assert "세부 정보 (시점·금액·수단) (inform)" in text
    assert "frustration (frustration)" not in text and "greet (greet)" not in text
