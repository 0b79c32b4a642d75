"""The web chat as a customer meets it: the page in headless Chromium, rasa-webchat, the live bot.

Debian's chromium (``make browser-setup``) is driven by Playwright; the bot is the real one (trained
model, action server, SQLite) on Rasa's socket.io channel, the page comes from ``web/serve.py`` and the
widget from ``web/node_modules`` (``make web-setup``). Nothing leaves the machine.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Iterator, List

import pytest
import requests
from playwright.sync_api import Browser, Locator, Page, expect

from paybot.settings import PROJECT_ROOT
from tests.support.browser import chromium
from tests.support.live_servers import LiveBot, free_port, live_bot
from web.serve import serving

ARTIFACTS = PROJECT_ROOT / "artifacts"
PHONE = "1577-1940"
TEL_LINK = 'a[href="tel:15771940"]'
XSS = "<img src=x onerror=alert(1)>"
JAVASCRIPT_LINK = "[눌러 보세요](javascript:alert(2))"
# The first answer waits for the model to warm up; later ones come in well under a second.
ANSWER_TIMEOUT_MS = 30_000
# Records whether the widget ever showed its typing indicator (it shows before each bot message).
WATCH_TYPING_INDICATOR = """
window.__typingIndicatorSeen = false;
new MutationObserver(() => {
  if (document.querySelector('.rw-typing-indication')) { window.__typingIndicatorSeen = true; }
}).observe(document, { childList: true, subtree: true });
"""


@dataclass
class WebChat:
    """The chat page on ``page_url`` (origin ``origin``), talking to ``bot``."""

    page_url: str
    origin: str
    bot: LiveBot


@pytest.fixture(scope="module")
def web_chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebChat]:
    """The live bot accepting the page's origin only, and the page server pointing at it."""
    page_port = free_port()
    origin = f"http://127.0.0.1:{page_port}"
    workdir = tmp_path_factory.mktemp("web-chat")
    with live_bot(workdir, extra_env={"WEB_CHAT_ALLOWED_ORIGINS": origin}) as bot:
        with serving(page_port, bot.rasa_url) as page_server:
            yield WebChat(page_server.url, origin, bot)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless chromium, driven by Playwright (no browser download)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized tab (empty localStorage) in Korean."""
    context = browser.new_context(viewport={"width": 420, "height": 860}, locale="ko-KR")
    context.set_default_timeout(ANSWER_TIMEOUT_MS)
    opened = context.new_page()
    opened.add_init_script(WATCH_TYPING_INDICATOR)
    yield opened
    context.close()


def bot_messages(page: Page) -> Locator:
    """Every bot message bubble in the widget."""
    return page.locator("#webchat .rw-response")


def customer_messages(page: Page) -> Locator:
    """Every customer message bubble in the widget."""
    return page.locator("#webchat .rw-client")


def type_message(page: Page, text: str) -> None:
    """Types a message into the widget's input and sends it with Enter, as a customer would."""
    page.locator("#webchat .rw-new-message").fill(text)
    page.keyboard.press("Enter")


def conversation_texts(page: Page) -> List[str]:
    """Every message of the conversation as shown, in order."""
    return page.locator("#webchat .rw-message-text").all_inner_texts()


def session_id(page: Page) -> str:
    """The session id rasa-webchat keeps in localStorage (the conversation's sender id in Rasa)."""
    return json.loads(page.evaluate("window.localStorage.getItem('chat_session')"))["session_id"]


def user_texts_in_tracker(bot: LiveBot, sender_id: str) -> List[str]:
    """What the customer said in conversation ``sender_id``, as Rasa's tracker store kept it."""
    with sqlite3.connect(bot.tracker_db) as database:
        rows = database.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender_id,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def test_customer_conversation_in_the_browser(web_chat: WebChat, page: Page) -> None:
    """Korean UI, typed and tapped messages, a tel: link, a reload that keeps it all, escaped text."""
    dialogs: List[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(web_chat.page_url)

    # The widget in Korean, greeting first (initPayload "/greet") with its quick replies.
    expect(page.locator("#webchat .rw-title")).to_have_text("결제 고객지원")
    expect(page.locator("#webchat .rw-title")).to_be_visible()
    expect(page.locator("#webchat .rw-new-message")).to_have_attribute("placeholder", "메시지를 입력하세요")
    expect(bot_messages(page).first).to_contain_text("무엇을 도와드릴까요")
    expect(page.locator("#webchat .rw-reply", has_text="환불 문의")).to_be_visible()

    # Typed: the refund answer, then "was this helpful?" with two quick replies.
    type_message(page, "환불 받고 싶어요")
    expect(customer_messages(page).last).to_have_text("환불 받고 싶어요")
    expect(bot_messages(page).filter(has_text="환불이 언제, 어디로 들어오는지는")).to_be_visible()
    assert page.evaluate("window.__typingIndicatorSeen"), "no typing indicator before the bot's answer"

    # Tapped: a quick reply with an intent payload, then one with a plain-text payload ("5").
    page.locator("#webchat .rw-reply", has_text="네, 해결됐어요").click()
    expect(customer_messages(page).last).to_have_text("네, 해결됐어요")
    expect(bot_messages(page).filter(has_text="해결되셨다니 다행이에요")).to_be_visible()
    page.locator("#webchat .rw-reply", has_text="⭐ 5").click()
    expect(bot_messages(page).filter(has_text="더 하고 싶은 말씀")).to_be_visible()

    # Asking for a person: the hand-off answer shows the number as a tel: link.
    answered = bot_messages(page).count()
    type_message(page, "상담원 연결해 주세요")
    handoff = bot_messages(page).nth(answered)
    expect(handoff).to_contain_text("상담원과 직접 이야기하시려면")
    expect(handoff.locator(TEL_LINK)).to_have_text(PHONE)
    expect(bot_messages(page).filter(has_text="정리해 드릴까요")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat.png"), full_page=True)

    # A reload shows the same conversation, link included, and keeps the same session.
    before_reload, session_before = conversation_texts(page), session_id(page)
    page.reload()
    expect(bot_messages(page).filter(has_text="정리해 드릴까요")).to_be_visible()
    assert conversation_texts(page) == before_reload
    expect(bot_messages(page).locator(TEL_LINK).first).to_have_text(PHONE)
    assert session_id(page) == session_before

    # HTML and Markdown typed by a customer are shown as text: no image, no link, no script.
    answered = bot_messages(page).count()
    type_message(page, XSS)
    expect(customer_messages(page).last).to_have_text(XSS)
    expect(bot_messages(page).nth(answered)).to_be_visible()
    assert page.locator("#webchat img[src='x']").count() == 0
    answered = bot_messages(page).count()
    type_message(page, JAVASCRIPT_LINK)
    expect(customer_messages(page).last).to_have_text(JAVASCRIPT_LINK)
    expect(bot_messages(page).nth(answered)).to_be_visible()
    assert customer_messages(page).locator("a").count() == 0
    page.screenshot(path=str(ARTIFACTS / "web-chat-after-reload.png"), full_page=True)
    assert dialogs == []

    # The server kept one conversation across the reload (session_persistence).
    said = user_texts_in_tracker(web_chat.bot, session_before)
    assert said[said.index("환불 받고 싶어요"):] == [
        "환불 받고 싶어요", "/affirm", "5", "상담원 연결해 주세요", XSS, JAVASCRIPT_LINK,
    ]


def test_page_on_another_origin_cannot_connect(web_chat: WebChat, page: Page) -> None:
    """The same page opened as http://localhost:<port> (not allowed in this test) is refused a socket."""
    other_origin_url = web_chat.page_url.replace("127.0.0.1", "localhost")
    with page.expect_event("requestfailed", lambda request: "/socket.io/" in request.url) as handshake:
        page.goto(other_origin_url)
    assert handshake.value.failure == "net::ERR_FAILED"  # refused: no Access-Control-Allow-Origin
    assert bot_messages(page).count() == 0


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        pytest.param(None, True, id="page-origin"),
        pytest.param("http://evil.example", False, id="other-site"),
        pytest.param("http://localhost:1", False, id="other-port"),
    ],
)
def test_socketio_handshake_checks_the_origin(web_chat: WebChat, origin: str | None, accepted: bool) -> None:
    """Engine.IO's handshake is accepted, with CORS headers, only for an allowed Origin."""
    origin = origin or web_chat.origin
    response = requests.get(
        f"{web_chat.bot.rasa_url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": origin},
        timeout=10,
    )
    if accepted:
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == origin
    else:
        assert response.status_code == 400
        assert "not an accepted origin" in response.text
        assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("고객센터 1577-1940으로 전화해 주세요.", "고객센터 [1577-1940](tel:15771940)으로 전화해 주세요.", id="in-korean"),
        pytest.param("1577-1940", "[1577-1940](tel:15771940)", id="alone"),
        pytest.param("서울 02-123-4567, 휴대폰 010-1234-5678", "서울 [02-123-4567](tel:021234567), 휴대폰 [010-1234-5678](tel:01012345678)", id="landline-mobile"),
        pytest.param("[1577-1940](tel:15771940)", "[1577-1940](tel:15771940)", id="already-linked"),
        pytest.param("2026-11-25 결제, 11577-19400원, E1577-1940", "2026-11-25 결제, 11577-19400원, E1577-1940", id="not-numbers"),
        pytest.param("<b>1577-1940</b>", "<b>[1577-1940](tel:15771940)</b>", id="markup-untouched"),
    ],
)
def test_phone_numbers_become_tel_links(web_chat: WebChat, page: Page, text: str, expected: str) -> None:
    """The page's rewrite of bot texts links phone numbers and changes nothing else."""
    page.goto(web_chat.page_url)
    assert page.evaluate("text => window.paybotWebChat.linkPhoneNumbers(text)", text) == expected
