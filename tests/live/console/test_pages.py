"""The dashboard and the conversations as a signed-in viewer sees them, over real HTTP."""

from __future__ import annotations

import json
import re

import pytest

from tests.live.console.conftest import Browser, RunningConsole, page_text
from tests.unit.console.samples import MASKED_LOW_RATED_COMMENT, MASKED_PHONE_QUESTION, PHONE_QUESTION

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def viewer(running_console: RunningConsole) -> Browser:
    """A signed-in viewer."""
    browser = Browser(running_console.url)
    assert browser.sign_in("jisu").status_code == 302
    return browser


def test_dashboard_counts_the_days_conversations(viewer: Browser) -> None:
    """2026-12-01: seven conversations (one more unclear one than the unit samples), the rates and the charts' data."""
    reply = viewer.get("/?since=2026-12-01&until=2026-12-01")
    assert reply.status_code == 200
    figures = dict(re.findall(r'<strong id="(\w+)">([^<]*)</strong>', reply.text))
    assert figures["conversations"] == "7" and figures["messages"] == "16"
    assert figures["handoff"] == "57.1%" and figures["resolved"] == "42.9%" and figures["rating"] == "3.0점"
    chart = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', reply.text, re.S).group(1))
    assert chart["topics"][0] == "환불 문의" and sum(chart["hours"]) == 16
    assert '<script src="/static/vendor/chart.umd.min.js">' in reply.text
    comments = page_text(reply).split("고객 의견", 1)[1]
    assert comments.index(MASKED_LOW_RATED_COMMENT) < comments.index("친절했어요") and "010-9876" not in reply.text


def test_the_chart_library_is_served_by_the_console(viewer: Browser) -> None:
    """Chart.js comes from the console itself (make console-setup), not from a CDN."""
    reply = viewer.get("/static/vendor/chart.umd.min.js")
    assert reply.status_code == 200 and "Chart" in reply.text[:5000]
    assert "cdn" not in viewer.get("/").text.lower()


def test_dashboard_for_one_channel(viewer: Browser) -> None:
    """KakaoTalk on that day: the one customer who asked for a person, all of it handed off."""
    text = page_text(viewer.get("/?since=2026-12-01&until=2026-12-01&channel=kakao"))
    assert "카카오톡" in text and "대화 1 " in text and "상담원 연결 비율 100.0%" in text


def test_search_finds_handed_off_conversations_of_a_day(viewer: Browser) -> None:
    """The day's hand-offs: four conversations, each marked 상담원 연결."""
    reply = viewer.get("/conversations?since=2026-12-01&until=2026-12-01&handed_off=1")
    assert "4건의 대화를 찾았어요" in page_text(reply)
    assert reply.text.count('<span class="tag handoff">상담원 연결</span>') == 4


def test_search_by_text_and_the_view_masks_personal_data(viewer: Browser) -> None:
    """Searching '010-1234' finds nothing unmasked; '환불' finds the conversation, whose view shows the number masked."""
    assert "0건의 대화를" in page_text(viewer.get("/conversations?q=010-1234-5678"))
    listing = viewer.get("/conversations?q=%ED%99%98%EB%B6%88&since=2026-12-01")
    assert "2건의 대화를 찾았어요" in page_text(listing)
    view = viewer.get("/conversations/rest-3")
    assert view.status_code == 200 and MASKED_PHONE_QUESTION in page_text(view)
    assert PHONE_QUESTION not in view.text


def test_the_view_shows_the_button_tapped_and_the_intent(viewer: Browser) -> None:
    """web-1: the question with its intent and confidence, then '버튼 누름: 네, 해결됐어요'."""
    text = page_text(viewer.get("/conversations/web-1"))
    assert "봇의 판단: refund (97%)" in text and "버튼 누름: 네, 해결됐어요" in text
    assert text.index("환불 언제 돼요") < text.index("안내가 도움이 되셨나요?") < text.index("버튼 누름")


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/conversations?since=어제", 400, "시작 날짜를 2026-12-03처럼 써 주세요"),
        ("/?since=2026-12-05&until=2026-12-01", 400, "끝 날짜가 시작 날짜보다 빨라요"),
        ("/conversations?page=abc", 400, "페이지 번호가 올바르지 않아요"),
        ("/conversations/nobody-here", 404, "대화를 찾을 수 없어요"),
        ("/no-such-page", 404, "페이지를 찾을 수 없어요"),
    ],
)
def test_bad_addresses_get_a_korean_answer(viewer: Browser, path: str, status: int, message: str) -> None:
    """Bad dates, pages and addresses get their own message, never a 500 or a stack trace."""
    reply = viewer.get(path)
    assert reply.status_code == status and message in page_text(reply)
    assert "Traceback" not in reply.text
