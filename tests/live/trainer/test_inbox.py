"""`python -m trainer inbox` on conversations the real bot had over REST, and on hand-made tracker rows."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Dict, List

import pytest
import sqlalchemy as sa

from paybot.privacy import mask
from tests.support.live_servers import LiveBot
from tests.support.trainer_support import add_event, copy_events, copy_project, run_trainer, snapshot
from trainer.adding import Teacher
from trainer.project import Project
from trainer.tracker_messages import group_by_guess, scan_tracker_store

THRESHOLD = 0.5
CLEAR = "고객센터 전화번호 알려주세요"
# Messages the served model misunderstood when this was written (nlu_fallback); which of them are
# unclear is read back from the tracker, so a better model only shortens the list.
UNCLEAR = ["물건 돌려보냈는데 돈은 언제 와요", "음 그러니까 그게", "뭐라고 해야 하지"]
PHONE_MESSAGE = "제 번호 010-1234-5678로 연락주세요"
MASKED_PHONE_MESSAGE = "제 번호 ***-****-5678로 연락주세요"
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def fallback_event(text: str, timestamp: float, guesses: Dict[str, float]) -> str:
    """A user event as Rasa stores it when the FallbackClassifier gave up."""
    ranking = [{"name": "nlu_fallback", "confidence": 0.7}] + [
        {"name": name, "confidence": confidence} for name, confidence in guesses.items()]
    return json.dumps({"event": "user", "timestamp": timestamp, "text": text, "parse_data": {
        "text": text, "intent": {"name": "nlu_fallback", "confidence": 0.7}, "intent_ranking": ranking}})


def user_event(text: str, timestamp: float, intent: str, confidence: float) -> str:
    """A user event with an ordinary prediction."""
    return json.dumps({"event": "user", "timestamp": timestamp, "text": text, "parse_data": {
        "text": text, "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}]}})


@pytest.fixture(scope="module")
def tracker_url(bot: LiveBot, tmp_path_factory: pytest.TempPathFactory) -> str:
    """What customers said to the real bot over REST (this module's conversations only), plus one
    older message with a phone number in it: the REST channel masks before Rasa, other channels may not."""
    senders = []
    for number, text in enumerate([CLEAR, *UNCLEAR, UNCLEAR[1]]):
        sender = f"trainer-inbox-{number}"
        bot.say(sender, text)
        senders.append(sender)
    # A question asked during the case form: its answer is for the form, not a new topic.
    for text in ("상담원 바꿔주세요", "네", "그게 좀 애매한데"):
        bot.say("trainer-inbox-form", text)
    senders.append("trainer-inbox-form")
    url = f"sqlite:///{tmp_path_factory.mktemp('inbox') / 'tracker.db'}"
    assert copy_events(bot.tracker_db, url, senders) > 0
    add_event(url, "trainer-inbox-old-channel", "user", 1_000_000_000.0,
              fallback_event(PHONE_MESSAGE, 1_000_000_000.0, {"request_human": 0.4}), "nlu_fallback")
    return url


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A throw-away copy of the data to label into."""
    return copy_project(tmp_path / "project")


def unclear_texts(url: str) -> List[str]:
    """The messages of the store the bot was unsure about, by Rasa's own stored parse data."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id")).fetchall()
    engine.dispose()
    texts = []
    for sender, raw in rows:
        intent = json.loads(raw)["parse_data"]["intent"]
        if sender != "trainer-inbox-form" and (intent["name"] == "nlu_fallback" or intent["confidence"] < THRESHOLD):
            texts.append(mask(json.loads(raw)["text"]))
    return texts


def test_listing_shows_unclear_messages_once_and_masked(
    tracker_url: str, project: Project, capsys: pytest.CaptureFixture
) -> None:
    """Fallback and low-confidence messages are listed once each, personal data masked; clear ones are not."""
    code, out = run_trainer(capsys, project, "inbox", "--list", "--db-url", tracker_url, "--threshold", str(THRESHOLD))

    assert code == 0
    expected = list(dict.fromkeys(unclear_texts(tracker_url)))
    assert f"확인할 메시지 {len(expected)}건 (최근 것부터, 봇이 짐작한 의도별로)" in out
    for text in expected:
        assert out.count(f'"{text}"') == 1
    assert f'"{CLEAR}"' not in out
    assert "010-1234" not in out and MASKED_PHONE_MESSAGE in out
    if UNCLEAR[1] in expected:
        assert "2번 받음" in out
    assert '"그게 좀 애매한데"' not in out


def test_scripted_labelling_goes_through_add(
    tracker_url: str, project: Project, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One message labelled refund, one marked out of scope, the masked one labelled, the rest skipped;
    a typo is asked again. Labelled ones are written like `add` writes, and leave the inbox."""
    scan = scan_tracker_store(tracker_url, THRESHOLD, mask)
    order = [message.text for _, messages in group_by_guess(scan.messages) for message in messages]
    request_human = str(Teacher(project).intents.index("request_human") + 1)  # by number, as listed
    answers = {UNCLEAR[0]: "refund", UNCLEAR[1]: "o", MASKED_PHONE_MESSAGE: request_human}
    script = "".join(("없는의도\n" if index == 0 else "") + answers.get(text, "s") + "\n"
                     for index, text in enumerate(order))
    monkeypatch.setattr("sys.stdin", io.StringIO(script))

    code, out = run_trainer(capsys, project, "inbox", "--db-url", tracker_url, "--threshold", str(THRESHOLD))

    assert code == 0
    assert f"[1/{len(order)}]" in out and f"[{len(order)}/{len(order)}]" in out
    assert "'없는의도'은(는) 없는 의도예요" in out
    lines = {intent: (project.nlu_dir / name).read_text(encoding="utf-8")
             for intent, name in (("refund", "refunds.yml"), ("out_of_scope", "out_of_scope.yml"),
                                  ("request_human", "handoff.yml"))}
    for text, intent in ((UNCLEAR[0], "refund"), (UNCLEAR[1], "out_of_scope"), (MASKED_PHONE_MESSAGE, "request_human")):
        if text in order:
            assert lines[intent].endswith(f"    - {text}\n")
            assert f"✔ {intent} 의도에 1문장을 추가했어요" in out
    assert "010-1234" not in "".join(lines.values())
    labelled = sum(text in order for text in answers)
    assert f"건너뜀 {len(order) - labelled}건" in out

    code, again = run_trainer(capsys, project, "inbox", "--list", "--db-url", tracker_url, "--threshold", str(THRESHOLD))
    assert code == 0
    assert "이미 예문에 있는" in again
    for text in answers:
        assert f'"{text}"' not in again


def test_postgresql_tracker_store_lists_the_same(
    tracker_url: str, project: Project, capsys: pytest.CaptureFixture
) -> None:
    """The same conversations in PostgreSQL (as `make run-cluster` keeps them) give the same listing."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError:
        admin.dispose()
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    database = f"trainer_inbox_{os.getpid()}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    try:
        postgres_url = f"postgresql://postgres@127.0.0.1:5432/{database}"
        source = Path(tracker_url.replace("sqlite:///", ""))
        copy_events(source, postgres_url, [row for row in _senders(tracker_url)])

        _, from_sqlite = run_trainer(capsys, project, "inbox", "--list", "--db-url", tracker_url)
        code, from_postgres = run_trainer(capsys, project, "inbox", "--list", "--db-url", postgres_url)

        assert code == 0
        strip = lambda out: out.split("\n", 1)[1]  # noqa: E731 - the first line names the store
        assert strip(from_postgres) == strip(from_sqlite)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}"'))
        admin.dispose()


def _senders(url: str) -> List[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        senders = [row[0] for row in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))]
    engine.dispose()
    return senders


@pytest.fixture
def made_up_store(tmp_path: Path) -> str:
    """A tracker store with one conversation per case, at known times."""
    url = f"sqlite:///{tmp_path / 'made-up.db'}"
    add_event(url, "a", "user", 100.0, fallback_event("돈이 어디 갔죠", 100.0, {"refund": 0.5, "transfer_issue": 0.3}))
    add_event(url, "b", "user", 300.0, fallback_event("송금 그거 말이에요", 300.0, {"transfer_issue": 0.6}))
    add_event(url, "c", "user", 200.0, user_event("환불 되나", 200.0, "refund", 0.42))
    add_event(url, "d", "user", 400.0, user_event("환불해주세요", 400.0, "refund", 0.99))
    add_event(url, "e", "user", 500.0, user_event("/affirm", 500.0, "affirm", 0.1))
    add_event(url, "f", "active_loop", 600.0, json.dumps({"event": "active_loop", "name": "case_form"}))
    add_event(url, "f", "user", 601.0, fallback_event("그저께요", 601.0, {"affirm": 0.3}))
    add_event(url, "f", "active_loop", 602.0, json.dumps({"event": "active_loop", "name": None}))
    add_event(url, "f", "user", 603.0, fallback_event("근데 이건 뭐예요", 603.0, {"out_of_scope": 0.4}))
    # The bot's own case question (pending slot): its answer is for the bot, not the NLU.
    add_event(url, "g", "slot", 700.0, json.dumps({"event": "slot", "name": "pending", "value": "case_when"}))
    add_event(url, "g", "user", 701.0, fallback_event("엊그제 저녁이요", 701.0, {"inform": 0.4}))
    add_event(url, "g", "slot", 702.0, json.dumps({"event": "slot", "name": "pending", "value": None}))
    return url


def test_order_grouping_and_what_is_left_out(made_up_store: str) -> None:
    """Newest first, grouped by the likeliest intent; confident messages, buttons and form answers left out."""
    scan = scan_tracker_store(made_up_store, THRESHOLD, lambda text: text)

    groups = [(guess, [message.text for message in messages]) for guess, messages in group_by_guess(scan.messages)]
    assert groups == [
        ("out_of_scope", ["근데 이건 뭐예요"]),
        ("transfer_issue", ["송금 그거 말이에요"]),
        ("refund", ["환불 되나", "돈이 어디 갔죠"]),
    ]
    assert scan.form_answers == 2

    with_forms = scan_tracker_store(made_up_store, THRESHOLD, lambda text: text, include_form_answers=True)
    assert {"그저께요", "엊그제 저녁이요"} <= {message.text for message in with_forms.messages}


def test_settings_choose_the_store_and_the_threshold(
    made_up_store: str, project: Project, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --db-url, TRACKER_STORE_URL is used (a relative SQLite path is relative to the project);
    LOW_CONFIDENCE_THRESHOLD moves the line."""
    (project.root / "conversations.db").write_bytes(Path(made_up_store.replace("sqlite:///", "")).read_bytes())
    monkeypatch.setenv("TRACKER_STORE_URL", "sqlite:///conversations.db")
    monkeypatch.setenv("LOW_CONFIDENCE_THRESHOLD", "0.995")  # 환불해주세요 (0.99) counts as unclear

    code, out = run_trainer(capsys, project, "inbox", "--list")

    assert code == 0
    assert f"대화 기록: sqlite:///{project.root / 'conversations.db'}" in out
    assert "확신도 0.995 미만" in out
    assert '"환불해주세요"' not in out  # already an example of the data
    assert "이미 예문에 있는 1건" in out


def test_missing_store_is_reported_and_not_created(project: Project, capsys: pytest.CaptureFixture) -> None:
    """A wrong path says so (exit 1) and leaves no empty database behind."""
    missing = project.root / "nowhere.db"
    before = snapshot(project.root)

    code, out = run_trainer(capsys, project, "inbox", "--list", "--db-url", f"sqlite:///{missing}")

    assert code == 1
    assert f"대화 기록 파일이 없어요: {missing}" in out
    assert snapshot(project.root) == before
