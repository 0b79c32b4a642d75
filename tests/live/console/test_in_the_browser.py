"""The console as support staff use it: Debian's chromium clicking through the pages of a running console.

Sign-in (a wrong password refused), what a viewer may not do, the dashboard's figures for the sample
conversations, a search and a conversation with its personal data masked, labelling an inbox message into
``data/nlu`` and undoing it, a clash refused on the page, and editing the guide (a misspelt placeholder
refused with the entry named, a good edit saved and previewed).
"""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from paybot.guide import load_guide
from tests.live.console.conftest import PASSWORDS, UNCLEAR, RunningConsole, sign_in_page
from tests.support.browser import chromium
from tests.unit.console.samples import MASKED_PHONE_QUESTION, PHONE_QUESTION

pytestmark = pytest.mark.live
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless chromium for the whole module."""
    with chromium() as launched:
        yield launched


def signed_in(browser: Browser, running_console: RunningConsole, name: str, password: str = "") -> Page:
    """A new browser window signed in as ``name`` through the sign-in form."""
    page = browser.new_context(locale="ko-KR").new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(running_console.url + "/")
    expect(page).to_have_url(f"{running_console.url}/login?next=/")
    sign_in_page(page, running_console.url, name, password)
    return page


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(browser: Browser, running_console: RunningConsole) -> None:
    page = browser.new_context(locale="ko-KR").new_page()
    page.goto(running_console.url + "/login")
    page.get_by_label("아이디").fill("jisu")
    page.get_by_label("비밀번호").fill("not the password")
    page.get_by_role("button", name="로그인").click()
    expect(page.locator("body")).to_contain_text("아이디나 비밀번호가 맞지 않아요")
    expect(page.locator("nav")).to_have_count(0)
    page.get_by_label("아이디").fill("jisu")
    page.get_by_label("비밀번호").fill(PASSWORDS["jisu"])
    page.get_by_role("button", name="로그인").click()
    expect(page.locator("header")).to_contain_text("jisu 님 (조회)")


def test_the_dashboard_shows_the_days_figures(browser: Browser, running_console: RunningConsole) -> None:
    page = signed_in(browser, running_console, "jisu")
    page.get_by_label("시작").fill("2026-12-01")
    page.get_by_label("끝").fill("2026-12-01")
    page.get_by_role("button", name="보기").click()
    expect(page.locator("#conversations")).to_have_text("7")
    expect(page.locator("#handoff")).to_have_text("57.1%")
    expect(page.locator("canvas").first).to_be_visible()  # Chart.js drew the charts


def test_a_viewer_reads_but_cannot_teach_or_edit_the_guide(browser: Browser, running_console: RunningConsole) -> None:
    page = signed_in(browser, running_console, "jisu")
    expect(page.get_by_role("link", name="학습", exact=True)).to_have_count(0)
    page.get_by_role("link", name="안내 자료").click()
    page.get_by_role("link", name="보기").first.click()
    expect(page.locator("body")).to_contain_text("조회 계정은 안내 자료를 고칠 수 없어요")
    expect(page.get_by_role("button", name="저장")).to_have_count(0)
    page.goto(running_console.url + "/teach")
    expect(page.locator("body")).to_contain_text("권한이 없어요")


def test_search_and_a_conversation_with_personal_data_masked(browser: Browser, running_console: RunningConsole) -> None:
    page = signed_in(browser, running_console, "jisu")
    page.get_by_role("link", name="대화 기록").click()
    page.get_by_label("고객이 쓴 말").fill("환불")
    page.get_by_label("시작").fill("2026-12-01")
    page.get_by_role("button", name="찾기").click()
    expect(page.locator("body")).to_contain_text("2건의 대화를 찾았어요")
    page.goto(running_console.url + "/conversations/rest-3")
    expect(page.locator(".turns")).to_contain_text(MASKED_PHONE_QUESTION)
    assert PHONE_QUESTION not in page.content()


def test_label_an_inbox_message_then_undo_it(browser: Browser, running_console: RunningConsole) -> None:
    accounts = running_console.project.nlu_dir / "account.yml"
    before = accounts.read_text(encoding="utf-8")
    page = signed_in(browser, running_console, "minji")
    page.get_by_role("link", name="학습", exact=True).click()
    message = page.locator(".inbox li", has_text=UNCLEAR).first
    message.get_by_label("의도").select_option("account_access")
    message.get_by_role("button", name="이 의도로 학습").click()
    expect(page.locator("body")).to_contain_text("account_access 의도에 1문장을 추가했어요")
    assert f"- {UNCLEAR}" in accounts.read_text(encoding="utf-8")
    page.locator("#changes tr", has_text=UNCLEAR).get_by_role("button", name="되돌리기").click()
    expect(page.locator("#changes")).to_contain_text("님이 되돌림")
    assert accounts.read_text(encoding="utf-8") == before


def test_a_clash_with_another_intent_is_refused_on_the_page(browser: Browser, running_console: RunningConsole) -> None:
    refunds = running_console.project.nlu_dir / "refunds.yml"
    before = refunds.read_bytes()
    page = signed_in(browser, running_console, "minji")
    page.goto(running_console.url + "/teach")
    form = page.locator("form.add")
    form.get_by_label("의도").select_option("refund")
    form.get_by_label("고객이 쓸 만한 문장").fill("결제가 안 돼요")
    form.get_by_role("button", name="검사하고 추가").click()
    expect(page.locator("body")).to_contain_text("payment_failure")
    assert refunds.read_bytes() == before


def test_a_guide_edit_is_refused_for_a_bad_placeholder_and_saved_when_good(
    browser: Browser, running_console: RunningConsole
) -> None:
    guide_path = running_console.project.root / "content" / "guide.yml"
    before = guide_path.read_text(encoding="utf-8")
    page = signed_in(browser, running_console, "minji")
    page.get_by_role("link", name="안내 자료").click()
    page.get_by_label("찾기").fill("환불과 교환 조건")
    page.get_by_role("button", name="찾기").click()
    page.locator("tr", has_text="topics.refund.answer").get_by_role("link", name="고치기").click()
    text = page.get_by_label("문장")

    text.fill("환불은 결제 건마다 달라요. 고객센터 {phnoe}으로 문의해 주세요.")
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_role("alert")).to_contain_text("topics.refund.answer")
    expect(page.get_by_role("alert")).to_contain_text("{phnoe}")
    assert guide_path.read_text(encoding="utf-8") == before

    page.get_by_label("문장").fill("환불 시점은 결제 건마다 달라서 제가 정확히 안내해 드릴 수 없어요.\n고객센터 {phone}으로 문의해 주세요.")
    page.get_by_role("button", name="미리 보기").click()
    expect(page.locator("#draft-preview")).to_contain_text("고객센터 1577-1940으로 문의해 주세요.")
    assert guide_path.read_text(encoding="utf-8") == before  # a preview writes nothing
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_role("status")).to_contain_text("저장했어요")
    expect(page.locator("#shown-now")).to_contain_text("환불 시점은 결제 건마다 달라서")
    assert load_guide(guide_path).topics["refund"].answer.startswith("환불 시점은 결제 건마다 달라서")

    page.get_by_role("link", name="← 안내 자료 목록").click()
    page.locator("#history tr", has_text="topics.refund.answer").get_by_role("button", name="되돌리기").click()
    expect(page.get_by_role("status")).to_contain_text("되돌렸어요")
    assert guide_path.read_text(encoding="utf-8") == before


def test_an_admin_adds_promotes_and_removes_an_account(browser: Browser, running_console: RunningConsole) -> None:
    admin = signed_in(browser, running_console, "boss")
    admin.get_by_role("link", name="계정").click()
    form = admin.locator("form[action='/users']")
    form.get_by_label("아이디").fill("dahye")
    form.get_by_label("비밀번호 (10자 이상)").fill("dahye password 1")
    form.get_by_label("비밀번호 확인").fill("dahye password 1")
    form.get_by_role("button", name="계정 만들기").click()
    expect(admin.get_by_role("status")).to_contain_text("'dahye' 계정을 만들었어요 (역할: 조회)")

    dahye = signed_in(browser, running_console, "dahye", "dahye password 1")
    expect(dahye.get_by_role("link", name="학습", exact=True)).to_have_count(0)
    admin.get_by_label("dahye 역할").select_option("trainer")
    admin.locator("tr[data-account='dahye']").get_by_role("button", name="역할 바꾸기").click()
    expect(admin.get_by_role("status")).to_contain_text("학습 담당(으)로 바꿨어요")
    dahye.reload()
    expect(dahye.get_by_role("link", name="학습", exact=True)).to_have_count(1)  # at once, no new sign-in

    admin.locator("tr[data-account='dahye']").get_by_role("button", name="계정 지우기").click()
    expect(admin.get_by_role("status")).to_contain_text("'dahye' 계정을 지웠어요")
    dahye.reload()
    expect(dahye).to_have_url(f"{running_console.url}/login?next=/")
    expect(admin.locator("tr[data-account='boss']").get_by_role("button", name="계정 지우기")).to_have_count(0)
