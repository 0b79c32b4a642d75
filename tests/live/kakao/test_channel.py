"""The KakaoTalk channel as Kakao meets it: Rasa's Sanic app with the trained model, over real HTTP.

Three live bots: one as configured in production (token, bot allow-list, operator button), one whose
time budget (0.01 s) makes the real bot "too slow" so every answer takes the callback path, and one
started without a token.
"""

from __future__ import annotations

import asyncio
import copy
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

import channels.kakao.turns
from channels.kakao import KakaoInput
from channels.kakao.models import MalformedRequest, SkillRequest, parse_skill_request
from channels.kakao.render import EXTRA_PAYLOAD_KEY
from paybot.guide import load_guide
from paybot.settings import PROJECT_ROOT
from rasa.core.channels.channel import UserMessage
from tests.support.live_servers import LiveBot, live_bot
from tests.unit.channels.kakao.test_render import assert_kakao_limits, cards, texts

# URL-special characters on purpose: the token must survive query-string encoding.
TOKEN = "test-skill-token-%&=+/x7"
SHARED = PROJECT_ROOT / "tests" / "data" / "fixtures" / "kakao"  # Kakao's example skill request and response
REQUEST_EXAMPLE: Dict[str, Any] = json.loads((SHARED / "request.example.json").read_text(encoding="utf-8"))
BOT_ID = REQUEST_EXAMPLE["bot"]["id"]
PHONE = "1577-1940"
# Kakao waits 5 s; the channel promises about 4.5 s.
KAKAO_LIMIT_S = 4.5
# The callback receiver plays Kakao on 127.0.0.1 over http: allowed only with these (tests only).
LOOPBACK_CALLBACKS = {"KAKAO_CALLBACK_HOSTS": "127.0.0.1", "KAKAO_CALLBACK_ALLOW_HTTP": "true"}


# --------------------------------------------------------------------------------------------------
# Helpers


def skill_request(
    utterance: str,
    user: str,
    callback_url: Optional[str] = None,
    client_extra: Optional[Dict[str, Any]] = None,
    trigger: str = "TEXT_INPUT",
) -> Dict[str, Any]:
    """The shared example request with another utterance, user, callback URL and client extra."""
    payload = copy.deepcopy(REQUEST_EXAMPLE)
    payload["userRequest"]["utterance"] = utterance
    payload["userRequest"]["user"]["id"] = user
    payload["userRequest"]["user"]["properties"]["botUserKey"] = user
    if callback_url is None:
        del payload["userRequest"]["callbackUrl"]
    else:
        payload["userRequest"]["callbackUrl"] = callback_url
    payload["action"]["clientExtra"] = client_extra or {}
    payload["flow"]["trigger"]["type"] = trigger
    return payload


@dataclass
class Answer:
    """One HTTP answer of the skill endpoint and how long it took."""

    status: int
    body: Any
    raw: bytes
    seconds: float
    content_type: str


def post(
    bot: LiveBot, payload: Any, token: Optional[str] = TOKEN, header: bool = False, raw: Optional[bytes] = None
) -> Answer:
    """POSTs a skill request (JSON, UTF-8) like Open Builder does and times the answer."""
    params = {"token": token} if token is not None and not header else None
    headers = {"Content-Type": "application/json;charset=UTF-8"}
    if token is not None and header:
        headers["X-Skill-Token"] = token
    data = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    started = time.monotonic()
    url = f"{bot.rasa_url}/webhooks/kakao/webhook"
    reply = requests.post(url, params=params, data=data, headers=headers, timeout=30)
    seconds = time.monotonic() - started
    body = reply.json() if reply.content else None
    return Answer(reply.status_code, body, reply.content, seconds, reply.headers.get("Content-Type", ""))


def say(bot: LiveBot, utterance: str, user: str, **kwargs: Any) -> Answer:
    """Sends one utterance and checks the answer is valid skill JSON, in time."""
    answer = post(bot, skill_request(utterance, user, **kwargs))
    assert answer.status == 200, answer.body
    assert answer.seconds < KAKAO_LIMIT_S
    assert_kakao_limits(answer.body)
    return answer


def all_text(body: Dict[str, Any]) -> str:
    """Every text the customer reads in a response, joined."""
    return "\n".join(texts(body) + [card["description"] for card in cards(body)])


def phone_buttons(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The phone buttons of the response's cards."""
    return [button for card in cards(body) for button in card["buttons"] if button["action"] == "phone"]


def user_events(bot: LiveBot, sender: str) -> List[Dict[str, Any]]:
    """The user events the tracker store kept for ``sender``, oldest first."""
    with sqlite3.connect(bot.tracker_db) as database:
        rows = database.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def bot_texts(bot: LiveBot, sender: str) -> List[str]:
    """What the bot said to ``sender`` according to the tracker store."""
    with sqlite3.connect(bot.tracker_db) as database:
        rows = database.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data).get("text") or "" for (data,) in rows]


def wait_until(condition: Any, timeout: float = 20.0) -> Any:
    """Polls ``condition`` until it returns something truthy; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    pytest.fail(f"gave up waiting after {timeout} s")


@dataclass
class Received:
    """One POST the callback receiver got."""

    path: str
    body: Any
    content_type: str
    at: float


class CallbackReceiver:
    """Kakao's callback endpoint, played on 127.0.0.1: records every POST, answers like Kakao.

    Paths containing ``/fail`` answer HTTP 500 with status ERROR, to show nothing is retried.
    """

    def __init__(self) -> None:
        self.calls: List[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with receiver._lock:
                    receiver.calls.append(
                        Received(
                            self.path,
                            json.loads(raw.decode("utf-8")),
                            self.headers.get("Content-Type", ""),
                            time.monotonic(),
                        )
                    )
                failed = "/fail" in self.path
                reply = {
                    "taskId": self.path.rsplit("/", 1)[-1],
                    "status": "ERROR" if failed else "SUCCESS",
                    "message": "",
                    "timestamp": int(time.time() * 1000),
                }
                data = json.dumps(reply).encode("utf-8")
                self.send_response(500 if failed else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        """The callback URL for ``path`` (like Kakao's one-time URLs)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def calls_to(self, path: str) -> List[Received]:
        """Every POST received on ``path`` so far."""
        with self._lock:
            return [call for call in self.calls if call.path == path]

    def close(self) -> None:
        """Stops the server."""
        self._server.shutdown()
        self._server.server_close()


# --------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def kakao_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    """The bot as it runs for KakaoTalk: token, the example's bot id allowed, operator button on."""
    env = {
        "KAKAO_SKILL_TOKEN": TOKEN,
        "KAKAO_BOT_ID": f"{BOT_ID}, another-bot",
        "KAKAO_OPERATOR_BUTTON": "true",
        "KAKAO_TIME_BUDGET_S": "4.0",
    }
    with live_bot(tmp_path_factory.mktemp("kakao-bot"), env) as running:
        yield running


@pytest.fixture(scope="module")
def slow_kakao_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    """A bot whose 0.01 s budget makes every real answer late: the callback and apology paths."""
    env = {"KAKAO_SKILL_TOKEN": TOKEN, "KAKAO_BOT_ID": "", "KAKAO_TIME_BUDGET_S": "0.01", **LOOPBACK_CALLBACKS}
    with live_bot(tmp_path_factory.mktemp("slow-kakao-bot"), env) as running:
        yield running


@pytest.fixture(scope="module")
def tokenless_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    """A bot started without KAKAO_SKILL_TOKEN, as `make run` does by default."""
    with live_bot(tmp_path_factory.mktemp("tokenless-bot"), {"KAKAO_SKILL_TOKEN": ""}) as running:
        yield running


@pytest.fixture
def callbacks() -> Iterator[CallbackReceiver]:
    """A callback receiver on 127.0.0.1."""
    receiver = CallbackReceiver()
    yield receiver
    receiver.close()


# --------------------------------------------------------------------------------------------------
# Requests: parsing without the server


def test_shared_request_example_parses() -> None:
    """The shared example is a valid request; the fields the channel uses are read from it."""
    skill = parse_skill_request(json.dumps(REQUEST_EXAMPLE, ensure_ascii=False).encode("utf-8"))
    assert skill.userRequest.utterance == "송금했는데 친구가 못 받았대요"
    assert skill.userRequest.user.id == REQUEST_EXAMPLE["userRequest"]["user"]["id"]
    assert skill.callback_url == "http://127.0.0.1:9999/callback/one-time-token"
    assert skill.bot.id == BOT_ID
    assert skill.trigger_type == "TEXT_INPUT"


def test_null_client_extra_counts_as_empty() -> None:
    """Kakao has sent ``"clientExtra": "null"``; that is no extra, not an error."""
    payload = skill_request("안녕하세요", "u")
    payload["action"]["clientExtra"] = "null"
    assert parse_skill_request(json.dumps(payload).encode("utf-8")).action.clientExtra == {}


def test_parse_errors_do_not_echo_what_was_sent() -> None:
    """The 400 message names the field, not the (possibly personal) value."""
    payload = skill_request("안녕하세요", "u")
    payload["userRequest"]["utterance"] = {"card": "4111-2222-3333-4444"}
    with pytest.raises(MalformedRequest) as raised:
        parse_skill_request(json.dumps(payload).encode("utf-8"))
    assert "userRequest.utterance" in str(raised.value)
    assert "4111" not in str(raised.value)


# --------------------------------------------------------------------------------------------------
# Time budget, ordering and failures in-process, with a stand-in for Rasa whose timing the test sets


class FakeBot:
    """Stands in for Rasa's ``on_new_message``: answers each text after its delay, recording the order."""

    def __init__(self, delays: Optional[Dict[str, float]] = None, fail: bool = False) -> None:
        self.delays = delays or {}
        self.fail = fail
        self.handled: List[str] = []
        self.running = 0
        self.overlapped = False

    async def __call__(self, message: UserMessage) -> None:
        self.running += 1
        self.overlapped = self.overlapped or self.running > 1
        try:
            await asyncio.sleep(self.delays.get(message.text or "", 0.0))
            if self.fail:
                raise RuntimeError("the bot broke")
            self.handled.append(message.text or "")
            await message.output_channel.send_text_message(message.sender_id, f"{message.text}에 답해요.")
        finally:
            self.running -= 1


def in_process_channel(monkeypatch: pytest.MonkeyPatch, budget: float) -> KakaoInput:
    """The channel as `rasa run` creates it, with the given time budget."""
    monkeypatch.setenv("KAKAO_SKILL_TOKEN", TOKEN)
    monkeypatch.setenv("KAKAO_TIME_BUDGET_S", str(budget))
    for name, value in LOOPBACK_CALLBACKS.items():
        monkeypatch.setenv(name, value)
    return KakaoInput.from_credentials(None)  # type: ignore[return-value]


def parsed(utterance: str, user: str, callback_url: Optional[str] = None) -> SkillRequest:
    """A parsed skill request."""
    return parse_skill_request(json.dumps(skill_request(utterance, user, callback_url)).encode("utf-8"))


async def ask(channel: KakaoInput, bot: FakeBot, skill: SkillRequest) -> Dict[str, Any]:
    """What the webhook answers for ``skill`` (the part after the token and parsing checks)."""
    return await channel._answer_in_time(skill, asyncio.get_running_loop().time(), bot)


async def test_turns_of_one_customer_never_overlap_and_answer_their_own_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three concurrent messages, the first the slowest: processed one at a time in arrival order."""
    channel = in_process_channel(monkeypatch, budget=2.0)
    bot = FakeBot({"첫째": 0.3, "둘째": 0.0, "셋째": 0.1})
    answers = await asyncio.gather(*(ask(channel, bot, parsed(text, "order")) for text in ("첫째", "둘째", "셋째")))
    assert bot.handled == ["첫째", "둘째", "셋째"] and not bot.overlapped
    assert [texts(answer)[0] for answer in answers] == ["첫째에 답해요.", "둘째에 답해요.", "셋째에 답해요."]


async def test_other_customers_are_not_held_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow turn of one customer does not delay another customer's answer."""
    channel = in_process_channel(monkeypatch, budget=2.0)
    bot = FakeBot({"느린 질문": 1.0})
    slow = asyncio.ensure_future(ask(channel, bot, parsed("느린 질문", "slow-customer")))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await ask(channel, bot, parsed("빠른 질문", "fast-customer"))
    assert time.monotonic() - started < 0.5
    await slow


async def test_callback_waits_for_the_previous_callback(
    monkeypatch: pytest.MonkeyPatch, callbacks: CallbackReceiver
) -> None:
    """Late answers of one customer reach the callback URLs in order, even when a later one is quicker."""
    channel = in_process_channel(monkeypatch, budget=0.01)
    bot = FakeBot({"첫째": 0.4, "둘째": 0.0})
    for number, text in enumerate(("첫째", "둘째"), 1):
        assert (await ask(channel, bot, parsed(text, "cb-order", callbacks.url(f"/cb/{number}"))))["useCallback"]
    await asyncio.to_thread(wait_until, lambda: len(callbacks.calls) == 2)
    assert [call.path for call in sorted(callbacks.calls, key=lambda call: call.at)] == ["/cb/1", "/cb/2"]


async def test_bot_still_busy_near_the_callback_expiry_gets_an_apology_once(
    monkeypatch: pytest.MonkeyPatch, callbacks: CallbackReceiver
) -> None:
    """Before the callback URL expires the apology is posted; the answer that comes later is not."""
    monkeypatch.setattr(channels.kakao.turns, "CALLBACK_DEADLINE_S", 0.3)
    channel = in_process_channel(monkeypatch, budget=0.01)
    bot = FakeBot({"아주 느린 질문": 1.0})
    await ask(channel, bot, parsed("아주 느린 질문", "deadline", callbacks.url("/deadline")))
    (call,) = await asyncio.to_thread(wait_until, lambda: callbacks.calls_to("/deadline"))
    assert texts(call.body)[0].split("\n")[0] == load_guide().message("technical_error").split("\n")[0]
    assert phone_buttons(call.body)[0]["phoneNumber"] == PHONE
    await asyncio.sleep(1.2)
    assert bot.handled == ["아주 느린 질문"]
    assert len(callbacks.calls) == 1


async def test_a_failing_bot_still_gets_an_answer_with_the_number(monkeypatch: pytest.MonkeyPatch) -> None:
    """When Rasa raises, the customer gets the guide's apology with the phone button, not a 500."""
    channel = in_process_channel(monkeypatch, budget=2.0)
    answer = await ask(channel, FakeBot(fail=True), parsed("결제가 안 돼요", "broken"))
    assert_kakao_limits(answer)
    assert texts(answer)[0].split("\n")[0] == load_guide().message("technical_error").split("\n")[0]
    assert phone_buttons(answer)[0]["phoneNumber"] == PHONE


def test_time_budget_is_capped_below_kakaos_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A budget Kakao would not wait for is capped at 4.5 s."""
    assert in_process_channel(monkeypatch, budget=30)._budget == channels.kakao.MAX_TIME_BUDGET_S


# --------------------------------------------------------------------------------------------------
# The production-like bot


def test_shared_example_request_is_answered_in_skill_json(kakao_bot: LiveBot) -> None:
    """The shared example as Kakao sends it: a valid 2.0 response in time, Korean as UTF-8, a phone card."""
    answer = post(kakao_bot, REQUEST_EXAMPLE)
    assert answer.status == 200
    assert answer.seconds < KAKAO_LIMIT_S
    assert answer.content_type.startswith("application/json")
    assert_kakao_limits(answer.body)
    assert "송금".encode("utf-8") in answer.raw, "Korean is sent as UTF-8, not as \\u escapes"
    assert PHONE in all_text(answer.body)
    assert phone_buttons(answer.body) == [{"label": "전화 걸기", "action": "phone", "phoneNumber": PHONE}]


def test_greeting_offers_topics_as_quick_replies(kakao_bot: LiveBot) -> None:
    """안녕하세요 gets the greeting, and its buttons as quick replies that send their titles."""
    answer = say(kakao_bot, "안녕하세요", "user-greet")
    assert texts(answer.body)[0].startswith("안녕하세요!")
    assert cards(answer.body) == []
    replies = answer.body["template"]["quickReplies"]
    label = load_guide().labels["payment_failure"]
    assert {"label": label, "action": "message", "messageText": label,
            "extra": {EXTRA_PAYLOAD_KEY: "/payment_failure"}} in replies


@pytest.mark.parametrize(
    "utterance",
    [pytest.param("결제가 안 돼요", id="payment"), pytest.param("상담원 연결", id="person")],
)
def test_problem_and_hand_off_give_number_and_phone_button(kakao_bot: LiveBot, utterance: str) -> None:
    """결제가 안 돼요 and 상담원 연결: the number in the text and a phone button on a card."""
    body = say(kakao_bot, utterance, f"user-{utterance}").body
    assert PHONE in "\n".join(texts(body))
    assert phone_buttons(body)[0]["phoneNumber"] == PHONE


def test_operator_button_only_while_agents_work(kakao_bot: LiveBot) -> None:
    """With KAKAO_OPERATOR_BUTTON on, the hand-off card offers Kakao's hand-over exactly while agents work."""
    guide = load_guide()
    before = guide.agent_status().is_open
    body = say(kakao_bot, "상담원 바꿔주세요", "user-operator").body
    after = guide.agent_status().is_open
    operator = [button for card in cards(body) for button in card["buttons"] if button["action"] == "operator"]
    if before == after:  # not at the very moment a shift starts or ends
        assert bool(operator) == before
    if operator:
        assert operator[0]["label"] == guide.topic("request_human").label
    label = guide.topic("request_human").label
    said = "\n".join(texts(body))
    if before == after:  # the words agree with the button: no "this chat cannot connect you" beside it
        expected = "chat_handoff_kakao_operator" if operator else "chat_handoff_phone_only"
        assert guide.message(expected, operator_label=label) in said


@pytest.mark.parametrize(
    "client_extra",
    [pytest.param({EXTRA_PAYLOAD_KEY: "/deny"}, id="payload-in-client-extra"), pytest.param({}, id="remembered-offer")],
)
def test_tapping_a_quick_reply_sends_rasa_the_payload(kakao_bot: LiveBot, client_extra: Dict[str, Any]) -> None:
    """Tapping "아니요, 상담원 연결" reaches Rasa as /deny (hand-off), and the chat showed the title."""
    user = f"user-tap-{bool(client_extra)}"
    question = say(kakao_bot, "결제가 안 돼요", user).body
    tapped = next(r for r in question["template"]["quickReplies"] if r["extra"][EXTRA_PAYLOAD_KEY] == "/deny")
    answer = say(kakao_bot, tapped["messageText"], user, client_extra=client_extra, trigger="QUICKREPLY_BUTTON_MESSAGE")
    assert load_guide().message("offer_case_summary").split("\n")[0] in all_text(answer.body)
    last = user_events(kakao_bot, f"kakao:{user}")[-1]
    assert last["text"] == "/deny"
    assert last["parse_data"]["intent"]["name"] == "deny"
    assert last["metadata"]["kakao"]["quick_reply"] == "아니요, 상담원 연결"


def test_sender_is_prefixed_and_request_details_are_kept(kakao_bot: LiveBot) -> None:
    """The conversation is kept as kakao:<botUserKey>, with the bot id, callback URL and parameters."""
    user = "a7c2e9f0-prefixed"
    payload = skill_request("환불 언제 돼요?", user, callback_url="http://127.0.0.1:9/callback/unused")
    payload["action"]["params"] = {"memo": "제 번호 010-9876-5432"}
    assert post(kakao_bot, payload).status == 200
    (event,) = user_events(kakao_bot, f"kakao:{user}")
    assert event["text"] == "환불 언제 돼요?"
    assert event["input_channel"] == "kakao"
    kept = event["metadata"]["kakao"]
    assert kept["bot_id"] == BOT_ID
    assert kept["callback_url"] == "http://127.0.0.1:9/callback/unused"
    assert kept["trigger"] == "TEXT_INPUT"
    assert "9876" not in json.dumps(kept) and kept["params"]["memo"].endswith("5432")
    assert user_events(kakao_bot, user) == [], "never under the bare key another channel could use"


def test_personal_data_is_masked_before_the_bot(kakao_bot: LiveBot) -> None:
    """A pasted card number gets the warning and is stored masked, like on every channel."""
    user = "user-pii"
    body = say(kakao_bot, "카드 4111-2222-3333-4444 결제가 안돼요", user).body
    assert texts(body)[0].startswith(load_guide().message("sensitive_data_warning").split("\n")[0])
    assert "4111-2222" not in json.dumps(user_events(kakao_bot, f"kakao:{user}"), ensure_ascii=False)


def test_a_blank_utterance_gets_a_polite_answer(kakao_bot: LiveBot) -> None:
    """The guard's polite reply for an empty message, as skill JSON."""
    body = say(kakao_bot, "   ", "user-blank").body
    assert texts(body) == [load_guide().message("empty_message")]


@pytest.mark.parametrize("repeat", [pytest.param(3000, id="6000-chars"), pytest.param(50_000, id="100k-chars")])
def test_a_huge_utterance_is_read_from_the_beginning(kakao_bot: LiveBot, repeat: int) -> None:
    """Never Kakao's error bubble (a 4xx): the customer is told only the beginning was read, with the
    phone number, and gets the answer to what the beginning asks."""
    reply = say(kakao_bot, "결제가 안 돼요 " + "ㅠ" * repeat, f"user-long-{repeat}")
    assert reply.status == 200
    said = texts(reply.body)
    assert said[0] == load_guide().message("message_too_long", max_chars=1000)
    assert "1577-1940" in said[0]
    assert "결제" in " ".join(said[1:]), said


MEDIA_FIXTURES = SHARED / "media"


@pytest.mark.parametrize(
    "fixture", sorted(path.stem for path in MEDIA_FIXTURES.glob("*.json")), ids=lambda name: name
)
def test_a_photo_or_sticker_is_answered_from_the_guide_without_nlu(kakao_bot: LiveBot, fixture: str) -> None:
    """Kakao's real media shapes: the guide's answer for that kind (with the phone number), never an
    answer to the address read as words; the conversation keeps the marker, not the address."""
    recorded = json.loads((MEDIA_FIXTURES / f"{fixture}.json").read_text(encoding="utf-8"))
    payload = copy.deepcopy(recorded["request"])
    user = f"user-media-{fixture}"
    payload["userRequest"]["user"]["id"] = user
    payload["userRequest"]["user"].setdefault("properties", {})["botUserKey"] = user
    payload["bot"]["id"] = BOT_ID
    payload["userRequest"].pop("callbackUrl", None)
    answer = post(kakao_bot, payload)
    assert answer.status == 200 and answer.seconds < KAKAO_LIMIT_S
    assert_kakao_limits(answer.body)
    expected = load_guide().message(f"media_{recorded['expected_kind']}")
    assert texts(answer.body)[0] == expected
    (event,) = user_events(kakao_bot, f"kakao:{user}")
    assert "http" not in json.dumps(event, ensure_ascii=False)
    assert event["text"].startswith("["), event["text"]


def test_typed_commands_are_read_as_text(kakao_bot: LiveBot) -> None:
    """"/restart" does not wipe the conversation, and typed JSON entities never reach the actions: the
    customer gets answers, never the technical-error apology."""
    user = "user-commands"
    say(kakao_bot, "결제가 안 돼요", user)
    apology = load_guide().message("technical_error").split("\n")[0]
    for typed in ("/restart", '/refund{"amount": "3만원"}', "/request_human"):
        said = all_text(say(kakao_bot, typed, user).body)
        assert said and apology not in said, (typed, said)
    events = user_events(kakao_bot, f"kakao:{user}")
    assert events[0]["text"] == "결제가 안 돼요", "the conversation was not restarted"
    assert [event["text"] for event in events[1:]] == ["restart", 'refund{"amount": "3만원"}', "/request_human"]
    typed_entities = [entity for event in events for entity in event["parse_data"].get("entities", [])
                      if not entity.get("extractor")]
    assert typed_entities == [], "entities come from our extractors only, never from typed JSON"


def test_the_bot_id_is_accepted_with_kakaos_trailing_mark(kakao_bot: LiveBot) -> None:
    """Kakao sends the same bot id with and without "!"; both are the allowed bot."""
    payload = skill_request("안녕하세요", "user-bang")
    payload["bot"]["id"] = BOT_ID.rstrip("!") + "!"
    assert post(kakao_bot, payload).status == 200


def test_emoji_and_korean_survive_the_round_trip(kakao_bot: LiveBot) -> None:
    """Emoji sequences and Hangul go in and come out intact."""
    body = say(kakao_bot, "송금 잘못 보냈어요 😭👨‍👩‍👧‍👦", "user-emoji").body
    assert user_events(kakao_bot, "kakao:user-emoji")[0]["text"] == "송금 잘못 보냈어요 😭👨‍👩‍👧‍👦"
    assert "송금" in all_text(body)


def test_token_in_the_header_is_accepted(kakao_bot: LiveBot) -> None:
    """The X-Skill-Token header works like ?token=."""
    assert post(kakao_bot, skill_request("안녕하세요", "user-header"), header=True).status == 200


@pytest.mark.parametrize(
    "token, header",
    [
        pytest.param(None, False, id="missing"),
        pytest.param("", False, id="empty"),
        pytest.param("test-skill-token", False, id="prefix-of-the-real-one"),
        pytest.param(TOKEN + "x", False, id="longer"),
        pytest.param("forged", True, id="forged-header"),
    ],
)
def test_missing_or_forged_token_is_refused_and_the_bot_not_run(
    kakao_bot: LiveBot, token: Optional[str], header: bool
) -> None:
    """401 with a JSON error; nothing reaches the tracker."""
    user = f"user-forged-{token}-{header}"
    answer = post(kakao_bot, skill_request("상담원 연결", user), token=token, header=header)
    assert answer.status == 401
    assert set(answer.body) == {"error"}
    assert user_events(kakao_bot, f"kakao:{user}") == []


def test_bot_not_on_the_allow_list_is_refused(kakao_bot: LiveBot) -> None:
    """With KAKAO_BOT_ID set, another Open Builder bot gets 403 even with the right token."""
    payload = skill_request("안녕하세요", "user-other-bot")
    payload["bot"]["id"] = "0123456789abcdef01234567"
    answer = post(kakao_bot, payload)
    assert answer.status == 403
    assert user_events(kakao_bot, "kakao:user-other-bot") == []


def _without(path: str) -> bytes:
    payload = skill_request("안녕하세요", "user-malformed")
    *parents, last = path.split(".")
    target = payload
    for part in parents:
        target = target[part]
    del target[last]
    return json.dumps(payload).encode("utf-8")


def _with(path: str, value: Any) -> bytes:
    payload = skill_request("안녕하세요", "user-malformed")
    *parents, last = path.split(".")
    target = payload
    for part in parents:
        target = target[part]
    target[last] = value
    return json.dumps(payload).encode("utf-8")


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"userRequest": {"utterance": ', id="invalid-json"),
        pytest.param(b"\xff\xfe\x00", id="invalid-utf8"),
        pytest.param(b"", id="empty-body"),
        pytest.param(b"[1, 2, 3]", id="json-array"),
        pytest.param(b"[" * 30_000 + b"]" * 30_000, id="deeply-nested"),
        pytest.param(b"{}", id="empty-object"),
        pytest.param(_without("userRequest"), id="no-userRequest"),
        pytest.param(_without("userRequest.utterance"), id="no-utterance"),
        pytest.param(_without("userRequest.user"), id="no-user"),
        pytest.param(_without("userRequest.user.id"), id="no-user-id"),
        pytest.param(_without("bot"), id="no-bot"),
        pytest.param(_with("userRequest.utterance", None), id="null-utterance"),
        pytest.param(_with("userRequest.utterance", 42), id="number-utterance"),
        pytest.param(_with("userRequest.user.id", ""), id="empty-user-id"),
        pytest.param(_with("userRequest.user.id", "x" * 500), id="huge-user-id"),
        pytest.param(_with("userRequest.callbackUrl", "not a url"), id="bad-callback-url"),
        pytest.param(_with("userRequest.callbackUrl", "file:///etc/passwd"), id="file-callback-url"),
        pytest.param(_with("bot", "5f0e1d2c"), id="bot-not-an-object"),
        pytest.param(b'{"pad": "' + b"x" * 70_000 + b'"}', id="over-64-kB"),
    ],
)
def test_malformed_requests_get_a_400_json_error(kakao_bot: LiveBot, raw: bytes) -> None:
    """Anything that is not a skill request: 400 with a reason, never a 500 or a stack trace."""
    answer = post(kakao_bot, None, raw=raw)
    assert answer.status == 400
    assert set(answer.body) == {"error"}
    assert "Traceback" not in answer.body["error"]


def test_unknown_fields_are_ignored(kakao_bot: LiveBot) -> None:
    """Fields Kakao adds later do not break the skill."""
    payload = skill_request("안녕하세요", "user-extra-fields")
    payload["userRequest"]["newField"] = {"a": [1, 2]}
    payload["somethingNew"] = True
    assert post(kakao_bot, payload).status == 200


def test_health_check(kakao_bot: LiveBot) -> None:
    """GET /webhooks/kakao/ answers ok (for the reverse proxy's health check)."""
    assert requests.get(f"{kakao_bot.rasa_url}/webhooks/kakao/", timeout=5).json() == {"status": "ok"}


# --------------------------------------------------------------------------------------------------
# The bot that is always too slow: callback and apology paths


def test_late_answer_goes_to_the_callback_exactly_once(slow_kakao_bot: LiveBot, callbacks: CallbackReceiver) -> None:
    """useCallback at once, then the real hand-off answer POSTed once to the callback URL."""
    request = skill_request("상담원 연결해 주세요", "slow-user", callback_url=callbacks.url("/callback/one"))
    answer = post(slow_kakao_bot, request)
    assert answer.status == 200 and answer.seconds < 1.0
    assert answer.body == {"version": "2.0", "useCallback": True, "data": {"text": load_guide().message("callback_wait")}}

    (call,) = wait_until(lambda: callbacks.calls_to("/callback/one"))
    assert call.content_type.startswith("application/json")
    assert_kakao_limits(call.body)
    assert PHONE in "\n".join(texts(call.body))
    assert phone_buttons(call.body)[0]["phoneNumber"] == PHONE
    time.sleep(1.5)
    assert len(callbacks.calls) == 1, "posted exactly once"


def test_one_customers_messages_stay_in_order(slow_kakao_bot: LiveBot, callbacks: CallbackReceiver) -> None:
    """Three quick messages: each acknowledged at once; answers arrive in order and fit their questions."""
    user = "slow-order"
    for number, utterance in enumerate(["결제가 안 돼요", "아니요", "고객센터 번호 알려주세요"], 1):
        answer = post(slow_kakao_bot, skill_request(utterance, user, callback_url=callbacks.url(f"/order/{number}")))
        assert answer.body["useCallback"] is True
    wait_until(lambda: len(callbacks.calls) == 3)
    arrived = [call.path for call in sorted(callbacks.calls, key=lambda call: call.at)]
    assert arrived == ["/order/1", "/order/2", "/order/3"]
    first, second, third = (callbacks.calls_to(f"/order/{number}")[0].body for number in (1, 2, 3))
    assert load_guide().topics["payment_failure"].answer.split(".")[0] in all_text(first)
    offer = load_guide().message("offer_case_summary").split("\n")[0]
    assert offer in all_text(second), "아니요 answered the question before it"
    assert PHONE in "\n".join(texts(third))
    assert [event["text"] for event in user_events(slow_kakao_bot, f"kakao:{user}")] == [
        "결제가 안 돼요", "아니요", "고객센터 번호 알려주세요"
    ]


def test_failed_callback_is_not_retried(slow_kakao_bot: LiveBot, callbacks: CallbackReceiver) -> None:
    """When Kakao answers the callback with an error, the channel does not post again."""
    post(slow_kakao_bot, skill_request("환불 문의", "slow-fail", callback_url=callbacks.url("/fail/1")))
    wait_until(lambda: callbacks.calls_to("/fail/1"))
    time.sleep(1.5)
    assert len(callbacks.calls_to("/fail/1")) == 1


def test_late_answer_without_callback_url_apologises_in_time(slow_kakao_bot: LiveBot) -> None:
    """No callbackUrl: a short apology with the number and a phone button, in time. A turn the bot had
    begun goes on and its answer is kept; one it had not begun by the deadline is never run (on a busy
    machine the 0.01 s budget can pass first), so the conversation never holds an unanswered message."""
    user = "slow-no-callback"
    answer = post(slow_kakao_bot, skill_request("상담원 연결", user))
    assert answer.status == 200 and answer.seconds < 1.0
    assert_kakao_limits(answer.body)
    apology = load_guide().message("technical_error")
    assert texts(answer.body)[0].split("\n")[0] == apology.split("\n")[0]
    assert PHONE in texts(answer.body)[0]
    assert phone_buttons(answer.body)[0]["phoneNumber"] == PHONE
    sender = f"kakao:{user}"
    deadline = time.monotonic() + 20.0
    while time.monotonic() < deadline:
        if any(PHONE in text for text in bot_texts(slow_kakao_bot, sender)):
            return  # begun in time: answered and kept
        time.sleep(0.1)
    assert user_events(slow_kakao_bot, sender) == [], "the message reached the bot but its answer was never kept"


def test_a_callback_url_on_another_host_is_never_posted_to(
    slow_kakao_bot: LiveBot, callbacks: CallbackReceiver
) -> None:
    """A callbackUrl that is not on an allowed host (here "localhost", the same receiver under another
    name) is not used: the customer gets the in-time apology, and nothing is POSTed there."""
    request = skill_request("상담원 연결", "slow-foreign", callback_url=callbacks.url("/foreign").replace("127.0.0.1", "localhost"))
    answer = post(slow_kakao_bot, request)
    assert answer.status == 200 and "useCallback" not in answer.body
    assert PHONE in texts(answer.body)[0]
    time.sleep(1.5)
    assert callbacks.calls == []


def test_slow_bot_still_checks_the_token(slow_kakao_bot: LiveBot, callbacks: CallbackReceiver) -> None:
    """A forged request is refused before any callback could be used for it."""
    request = skill_request("안녕하세요", "slow-forged", callback_url=callbacks.url("/forged"))
    answer = post(slow_kakao_bot, request, token="nope")
    assert answer.status == 401
    time.sleep(0.5)
    assert callbacks.calls == []


# --------------------------------------------------------------------------------------------------
# Without a token


def test_without_a_token_every_request_is_refused(tokenless_bot: LiveBot) -> None:
    """KAKAO_SKILL_TOKEN unset: 401 whatever token is sent, and the start-up log says how to set it."""
    for token in (None, "", TOKEN):
        answer = post(tokenless_bot, skill_request("상담원 연결", "tokenless"), token=token)
        assert answer.status == 401
        assert "KAKAO_SKILL_TOKEN" in answer.body["error"]
    assert user_events(tokenless_bot, "kakao:tokenless") == []
    log = (tokenless_bot.logs / "rasa.log").read_text(errors="replace")
    assert "KAKAO_SKILL_TOKEN is not set" in log
    assert "?token=" in log
