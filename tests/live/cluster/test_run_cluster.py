"""`make run-cluster` as an operator runs it: nginx in front of two Rasa servers, one of them killed.

One cluster for the module, started by the real Makefile target (scripts/run_cluster.sh): PostgreSQL,
Redis, the action server, two Rasa servers, nginx from cluster/nginx.conf.template and the chat page.
Every request goes through nginx, whose ``X-Upstream`` header and access log name the Rasa server that
answered. The server is killed in the last test.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests
import websockets
from playwright.sync_api import expect
from requests.adapters import HTTPAdapter

from tests.live.console.conftest import PASSWORDS, page_text
from tests.live.console.conftest import Browser as ConsoleBrowser
from tests.support.browser import chromium
from tests.support.live_servers import PROJECT_ROOT, free_port, fresh_postgres_database, newest_model

START_TIMEOUT_S = 240
ANSWER_TIMEOUT_S = 30
KAKAO_TOKEN = "cluster-skill-token"
API_TOKEN = "cluster-api-token"
KAKAO_REQUEST: Dict[str, Any] = json.loads(
    (PROJECT_ROOT / "tests" / "data" / "fixtures" / "kakao" / "request.example.json").read_text(encoding="utf-8")
)
PHONE = "1577-1940"
# A conversation whose answers depend on context kept in the shared tracker store (as tests/live/cluster/test_cluster.py).
CONVERSATION = [
    ("결제가 안 돼요", "안내가 도움이 되셨나요?"),
    ("아니요", PHONE),
    ("네", "언제"),
    ("어제 오후요", "오류 메시지"),
]


@dataclass
class Cluster:
    """`make run-cluster` running: nginx on ``balancer_url`` in front of Rasa servers on ``ports``."""

    balancer_url: str
    ports: List[int]
    page_url: str
    origin: str
    run_dir: Path
    database_url: str
    console_url: str

    def upstream(self, port: int) -> str:
        """How nginx names the Rasa server on ``port`` (``X-Upstream``, access log)."""
        return f"127.0.0.1:{port}"


def server_pids(port: int) -> List[int]:
    """Process ids of the Rasa server started on ``port``."""
    found = subprocess.run(["pgrep", "-f", f"rasa run --port {port} "], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def is_running(pid: int) -> bool:
    """Whether process ``pid`` still exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """`make run-cluster` on free ports and a fresh database; stopped with Ctrl-C (SIGINT) at the end."""
    workdir = tmp_path_factory.mktemp("run-cluster")
    ports, balancer_port, page_port = [free_port(), free_port()], free_port(), free_port()
    run_dir = workdir / "nginx"
    with fresh_postgres_database() as database:
        database_url = f"postgresql://postgres@127.0.0.1:5432/{database}"
        env = dict(os.environ, CLUSTER_PORTS=" ".join(map(str, ports)), CLUSTER_PORT=str(balancer_port),
                   CLUSTER_RUN_DIR=str(run_dir), WEB_CHAT_PORT=str(page_port), ACTION_PORT=str(free_port()),
                   CLUSTER_TRACKER_STORE_URL=database_url, REDIS_DB="5", KAKAO_SKILL_TOKEN=KAKAO_TOKEN,
                   RASA_API_TOKEN=API_TOKEN, CONSOLE_PORT=str(free_port()), CONSOLE_DB=str(workdir / "console.db"),
                   CONSOLE_SECRET_FILE=str(workdir / "console-secret"), CONSOLE_ADMIN_USER="boss",
                   CONSOLE_ADMIN_PASSWORD=PASSWORDS["boss"])
        env.pop("CONSOLE_RASA_URLS", None)
        for follows_the_ports in ("ACTION_SERVER_URL", "CLUSTER_WEB_CHAT_SOCKET_URL", "WEB_CHAT_SOCKET_URL",
                                  "WEB_CHAT_ALLOWED_ORIGINS"):
            env.pop(follows_the_ports, None)
        out = workdir / "run-cluster.out"
        make = subprocess.Popen(["make", "-s", "run-cluster"], cwd=PROJECT_ROOT, env=env, stdout=out.open("w"),
                                stderr=subprocess.STDOUT, start_new_session=True)
        nginx_pid: Optional[int] = None
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while "Stop with Ctrl-C" not in out.read_text():
                assert make.poll() is None, out.read_text()
                assert time.monotonic() < deadline, "run-cluster did not start"
                time.sleep(1)
            nginx_pid = int((run_dir / "nginx.pid").read_text())
            yield Cluster(f"http://127.0.0.1:{balancer_port}", ports, f"http://127.0.0.1:{page_port}/",
                          f"http://127.0.0.1:{page_port}", run_dir, database_url, f"http://127.0.0.1:{env['CONSOLE_PORT']}")
            assert make.poll() is None, "run-cluster stopped when one server died"
        finally:
            os.killpg(make.pid, signal.SIGINT)
            try:
                make.wait(timeout=60)
                stopped = True
            except subprocess.TimeoutExpired:
                os.killpg(make.pid, signal.SIGKILL)
                stopped = False
            assert stopped, "Ctrl-C did not stop run-cluster within 60 s"
            assert not any(server_pids(port) for port in ports), "Ctrl-C left a Rasa server running"
            assert nginx_pid is None or not is_running(nginx_pid), "Ctrl-C left nginx running"
            with pytest.raises(requests.ConnectionError):
                requests.get(f"http://127.0.0.1:{page_port}/", timeout=5)


def rest(cluster: Cluster, sender: str, message: str) -> Tuple[str, str]:
    """One REST message through nginx: the reply texts joined, and the Rasa server that answered."""
    reply = requests.post(f"{cluster.balancer_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": message}, timeout=ANSWER_TIMEOUT_S)
    reply.raise_for_status()
    return "\n".join(part.get("text", "") for part in reply.json()), reply.headers["X-Upstream"]


def kakao(cluster: Cluster, utterance: str, user: str) -> Tuple[requests.Response, float]:
    """One Kakao skill request through nginx, as Open Builder sends it; the answer and its seconds."""
    payload = json.loads(json.dumps(KAKAO_REQUEST))
    payload["userRequest"]["utterance"] = utterance
    payload["userRequest"]["user"]["id"] = payload["userRequest"]["user"]["properties"]["botUserKey"] = user
    del payload["userRequest"]["callbackUrl"]
    started = time.monotonic()
    reply = requests.post(f"{cluster.balancer_url}/webhooks/kakao/webhook", params={"token": KAKAO_TOKEN},
                          data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                          headers={"Content-Type": "application/json;charset=UTF-8"}, timeout=ANSWER_TIMEOUT_S)
    return reply, time.monotonic() - started


def user_texts_in_tracker(cluster: Cluster, sender: str) -> List[str]:
    """What ``sender`` said, as the shared PostgreSQL tracker store kept it."""
    import sqlalchemy as sa

    engine = sa.create_engine(cluster.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": sender},
            ).fetchall()
    finally:
        engine.dispose()
    return [json.loads(data)["text"] for (data,) in rows]


# --------------------------------------------------------------------------------------------------
# socket.io, spoken by hand: python-engineio's own client needs websocket-client (not installed) or an
# aiohttp newer than Rasa's pin for the WebSocket upgrade. Engine.IO 4 packets: 0 open, 2/3 ping/pong,
# 4 message (socket.io: 40 connect, 42 event), 5 upgrade, 6 noop; polling batches are split by \x1e.


class FromAddress(HTTPAdapter):
    """Connects from one loopback address (127.0.0.0/8), as a customer on another IP would."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class SocketIOCustomer:
    """A web chat customer on address ``address``: Engine.IO long-polling first, then the WebSocket upgrade."""

    def __init__(self, cluster: Cluster, address: str = "127.0.0.1") -> None:
        self.cluster = cluster
        self.address = address
        self.http = requests.Session()
        self.http.mount("http://", FromAddress(address))
        self.sid = ""
        self.upstreams: List[str] = []  # the Rasa server of every request, in order

    def _polling(self, method: str, data: Optional[str] = None) -> List[str]:
        params = {"EIO": "4", "transport": "polling", **({"sid": self.sid} if self.sid else {})}
        reply = self.http.request(method, f"{self.cluster.balancer_url}/socket.io/", params=params, data=data,
                                  headers={"Origin": self.cluster.origin}, timeout=ANSWER_TIMEOUT_S)
        reply.raise_for_status()
        self.upstreams.append(reply.headers["X-Upstream"])
        return reply.text.split("\x1e")

    def open(self) -> None:
        """The Engine.IO handshake and the socket.io connect, both over long-polling."""
        (opened,) = self._polling("GET")
        assert opened.startswith("0") and "websocket" in json.loads(opened[1:])["upgrades"]
        self.sid = json.loads(opened[1:])["sid"]
        assert self._polling("POST", "40") == ["OK"]
        assert any(packet.startswith("40") for packet in self._polling("GET"))

    def emit_polling(self, event: str, data: Any) -> List[str]:
        """Sends a socket.io event by long-polling POST; returns the packets of the next poll."""
        self._polling("POST", "42" + json.dumps([event, data], ensure_ascii=False))
        return self._polling("GET")

    def upgrade_and_say(self, session_id: str, message: str, answers: int) -> List[Dict[str, Any]]:
        """Upgrades to WebSocket (probe, then upgrade), says ``message``, returns the next ``answers``."""
        url = self.cluster.balancer_url.replace("http://", "ws://")
        uri = f"{url}/socket.io/?EIO=4&transport=websocket&sid={self.sid}"

        async def talk() -> List[Dict[str, Any]]:
            async with websockets.connect(uri, origin=self.cluster.origin, local_addr=(self.address, 0)) as ws:
                self.upstreams.append(ws.response_headers["X-Upstream"])
                await ws.send("2probe")
                assert await asyncio.wait_for(ws.recv(), ANSWER_TIMEOUT_S) == "3probe"
                await ws.send("5")
                await ws.send("42" + json.dumps(["user_uttered", {"message": message, "session_id": session_id}],
                                                ensure_ascii=False))
                received: List[Dict[str, Any]] = []
                while len(received) < answers:
                    packet = await asyncio.wait_for(ws.recv(), ANSWER_TIMEOUT_S)
                    if packet == "2":
                        await ws.send("3")
                    elif packet.startswith("42"):
                        event, data = json.loads(packet[2:])
                        if event == "bot_uttered":
                            received.append(data)
                return received

        return asyncio.run(talk())


# --------------------------------------------------------------------------------------------------
# Tests (the server is killed in the last one)


def test_rest_is_spread_over_both_servers(cluster: Cluster) -> None:
    """Six customers' REST messages through nginx: round-robin, three to each Rasa server."""
    upstreams = [rest(cluster, f"spread-{index}", "고객센터 전화번호 알려주세요") for index in range(6)]
    assert all(PHONE in text for text, _ in upstreams)
    answered_by = [upstream for _, upstream in upstreams]
    assert sorted(answered_by) == sorted([cluster.upstream(port) for port in cluster.ports] * 3)
    assert all(first != second for first, second in zip(answered_by, answered_by[1:], strict=False)), answered_by
    access_log = (cluster.run_dir / "nginx-access.log").read_text()
    for port in cluster.ports:
        assert f"upstream={cluster.upstream(port)} upstream_status=200" in access_log


def test_conversation_continues_across_servers(cluster: Cluster) -> None:
    """Each turn of one conversation on the other server: the context comes from PostgreSQL."""
    sender = "across-servers"
    answered_by = []
    for message, expected in CONVERSATION:
        text, upstream = rest(cluster, sender, message)
        assert expected in text, f"'{message}' got {text!r}"
        answered_by.append(upstream)
    assert all(first != second for first, second in zip(answered_by, answered_by[1:], strict=False)), answered_by
    assert user_texts_in_tracker(cluster, sender) == [message for message, _ in CONVERSATION]


def test_socketio_polling_then_websocket_stays_on_one_server(cluster: Cluster) -> None:
    """The web chat's transport through nginx: handshake, polls and the upgraded WebSocket on one server."""
    customer = SocketIOCustomer(cluster)
    customer.open()
    confirmed = customer.emit_polling("session_request", {"session_id": "socketio-sticky"})
    assert '42["session_confirm","socketio-sticky"]' in confirmed
    answers = customer.upgrade_and_say("socketio-sticky", CONVERSATION[0][0], answers=2)
    assert CONVERSATION[0][1] in answers[-1]["text"]
    assert [reply["payload"] for reply in answers[-1]["quick_replies"]][:2] == ["/affirm", "/deny"]
    assert len(customer.upstreams) == 6 and len(set(customer.upstreams)) == 1, customer.upstreams
    assert user_texts_in_tracker(cluster, "socketio-sticky") == [CONVERSATION[0][0]]


def test_socketio_customers_on_other_addresses_use_both_servers(cluster: Cluster) -> None:
    """The client address picks the server: 16 addresses reach both, each its own server throughout."""
    seen = set()
    for last in range(1, 17):
        customer = SocketIOCustomer(cluster, f"127.0.0.{last}")
        customer.open()
        assert len(set(customer.upstreams)) == 1, customer.upstreams
        seen.add(customer.upstreams[0])
    assert seen == {cluster.upstream(port) for port in cluster.ports}


def test_kakao_through_the_load_balancer(cluster: Cluster) -> None:
    """Kakao skill requests through nginx are answered inside Kakao's limit, round-robin."""
    answered_by = set()
    for turn in range(2):
        reply, seconds = kakao(cluster, "고객센터 전화번호 알려주세요", f"kakao-cluster-{turn}")
        assert reply.status_code == 200 and seconds < 4.5
        assert PHONE in json.dumps(reply.json(), ensure_ascii=False)
        answered_by.add(reply.headers["X-Upstream"])
    assert answered_by == {cluster.upstream(port) for port in cluster.ports}
    probe = requests.get(f"{cluster.balancer_url}/webhooks/kakao/", timeout=10)
    assert probe.status_code == 200 and probe.json() == {"status": "ok"}


def test_long_messages_pass_nginx(cluster: Cluster) -> None:
    """Bodies up to the Kakao channel's 1 MiB reach Rasa (no 413 from nginx) and get the polite answer."""
    long_text = "결제가 안 돼요. " * 30_000  # 300,000 characters, 660 kB of UTF-8
    text, _ = rest(cluster, "long-rest", long_text)
    assert PHONE in text
    reply, _ = kakao(cluster, "송금 " * 140_000, "kakao-long")  # just under 1 MiB of JSON
    assert reply.status_code == 200 and PHONE in json.dumps(reply.json(), ensure_ascii=False)


def test_unpublished_paths_and_health(cluster: Cluster) -> None:
    """/health answers while a Rasa server does; Rasa's other paths are not published."""
    health = requests.get(f"{cluster.balancer_url}/health", timeout=10)
    assert health.status_code == 200 and health.text.startswith("Hello from Rasa")
    assert requests.get(f"{cluster.balancer_url}/status", timeout=10).status_code == 404
    assert requests.get(f"{cluster.balancer_url}/conversations/x/tracker", timeout=10).status_code == 404


def test_chat_page_points_at_the_load_balancer(cluster: Cluster) -> None:
    """The chat page run-cluster serves opens its socket.io connection to nginx, not to one server."""
    config = requests.get(f"{cluster.page_url}config.js", timeout=10)
    assert json.dumps({"socketUrl": cluster.balancer_url}) in config.text
    assert cluster.balancer_url in requests.get(cluster.page_url, timeout=10).headers["Content-Security-Policy"]


def test_chat_page_in_the_browser_through_the_load_balancer(cluster: Cluster) -> None:
    """A customer chats on the page in Chromium; the widget's polling and WebSocket reach one server."""
    with chromium() as browser:
        page = browser.new_context(locale="ko-KR").new_page()
        page.set_default_timeout(ANSWER_TIMEOUT_S * 1000)
        page.goto(cluster.page_url)
        expect(page.locator("#webchat .rw-response").first).to_be_visible()  # the greeting
        page.locator("#webchat .rw-new-message").fill(CONVERSATION[0][0])
        page.keyboard.press("Enter")
        expect(page.locator("#webchat .rw-response").last).to_contain_text("도움이 되셨나요")
        session = json.loads(page.evaluate("window.localStorage.getItem('chat_session')"))["session_id"]
    assert CONVERSATION[0][0] in user_texts_in_tracker(cluster, session)
    socket_lines = [line for line in (cluster.run_dir / "nginx-access.log").read_text().splitlines()
                    if "GET /socket.io/?EIO=4&transport=websocket" in line and '" 101 ' in line]
    assert socket_lines, "the widget never upgraded to a WebSocket through nginx"
    sid = re.search(r"sid=([^& ]+)", socket_lines[-1]).group(1)
    upstreams = {re.search(r"upstream=(\S+)", line).group(1)
                 for line in (cluster.run_dir / "nginx-access.log").read_text().splitlines() if f"sid={sid}" in line}
    assert len(upstreams) == 1, f"one Engine.IO session on several servers: {upstreams}"


def test_the_console_publishes_to_both_servers_without_a_restart(cluster: Cluster) -> None:
    """run-cluster starts the console with both servers' API: it shows each one's model, and publishing the
    model reloads it on both (Rasa's PUT /model) while a conversation goes on through nginx."""
    admin = ConsoleBrowser(cluster.console_url)
    assert admin.sign_in("boss").status_code == 302
    page = page_text(admin.get("/models"))
    model = newest_model().name
    for port in cluster.ports:
        running = re.search(rf"http://127\.0\.0\.1:{port}: 지금 쓰는 모델 (\S+)", page)
        assert running and running.group(1).endswith(model), page
    text, _server = rest(cluster, "publish-1", "결제가 안 돼요")
    assert "도움이 되셨나요" in text
    reply = admin.post("/models/publish", {"model": model, "override": "1"})
    published = page_text(reply)
    assert reply.status_code == 200 and "발행했어요" in published, published
    assert all(f"127.0.0.1:{port}" in published for port in cluster.ports)
    text, _server = rest(cluster, "publish-1", "아니요")
    assert PHONE in text  # the conversation goes on after both servers reloaded


def test_rest_goes_on_when_one_server_is_killed(cluster: Cluster) -> None:
    """One Rasa server killed mid-conversation: nginx sends everything to the other, with the context."""
    first, second = cluster.ports
    sender = "survivor"
    text, _ = rest(cluster, sender, "송금이 안 돼요")
    assert "도움이 되셨나요" in text
    for pid in server_pids(first):
        os.kill(pid, signal.SIGKILL)
    time.sleep(1)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{first}/", timeout=5)
    text, upstream = rest(cluster, sender, "아니요")
    assert PHONE in text, "the hand-off needs the kept context"
    for index in range(4):
        text, upstream = rest(cluster, f"after-kill-{index}", "고객센터 전화번호 알려주세요")
        # "A, B" when nginx tried the dead server first (after fail_timeout), else "B".
        assert PHONE in text and upstream.split(", ")[-1] == cluster.upstream(second), upstream
    reply, _ = kakao(cluster, "고객센터 전화번호 알려주세요", "kakao-after-kill")
    assert reply.status_code == 200 and PHONE in json.dumps(reply.json(), ensure_ascii=False)
    assert requests.get(f"{cluster.balancer_url}/health", timeout=10).ok
