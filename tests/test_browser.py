"""The questionnaire in a real phone browser (headless Chromium, 390×844) against a real threaded server:
autosave and resume, the no-JavaScript form, and answers given offline reaching the server later."""

from __future__ import annotations

import time

import pytest

from survey_app.extensions import db
from survey_app.respond.texts import MESSAGES
from survey_app.services.survey import responding

from .support.browser import ARTIFACTS
from .support.campaigns import taken_in

pytestmark = pytest.mark.browser


def _expect():
    from playwright.sync_api import expect

    return expect


def idle() -> None:
    """End the test thread's transaction (on SQLite it holds the write lock the server needs)."""
    db.session.rollback()


def server_answers(token: str) -> dict:
    answers = responding.open_questionnaire(token, mark_opened=False).answers
    idle()
    return answers


def responses() -> int:
    """Submissions taken in: released responses and those waiting sealed for the mixer."""
    n = taken_in()
    idle()
    return n


def answer(page, index: int, expect_saved: bool = True) -> tuple[str, str]:
    """Tap one option label of the index-th question; returns (field name, option code)."""
    box = page.locator("fieldset").nth(index)
    labels = box.locator("label")
    k = index % labels.count()
    radio = labels.nth(k).locator("input")
    name, value = radio.get_attribute("name"), radio.get_attribute("value")
    labels.nth(k).tap()
    _expect()(radio).to_be_checked()
    if expect_saved:
        _expect()(box.locator(".st")).to_have_text("Đã lưu")
    return name, value


def as_answers(chosen: dict[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, value in chosen.items():
        _, unit, question = name.split(":")
        out.setdefault(unit, {})[question] = value
    return out


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a 390 px phone (scrollWidth {width})"


def test_phone_autosave_resume_submit(app, sonla, live_server, phone):  # noqa: F811
    expect = _expect()
    token = sonla.token("p2@thu.example")
    idle()
    page = phone.new_page()
    page.goto(f"{live_server}/s/{token}")
    total = page.locator("fieldset").count()
    assert total >= 10
    half = total // 2

    chosen = dict(answer(page, i) for i in range(half))
    expect(page.locator("#count")).to_have_text(f"Đã trả lời {half}/{total} câu")
    assert server_answers(token) == as_answers(chosen)
    no_horizontal_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "questionnaire-390.png"))

    # Nothing is left queued on the phone, so what the reload shows comes from the server.
    assert page.evaluate("JSON.parse(localStorage.getItem('pending:' + location.pathname) || '{}')") == {}
    page.evaluate("localStorage.clear()")
    page.reload()
    for name, value in chosen.items():
        expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_checked()
    expect(page.locator("#count")).to_have_text(f"Đã trả lời {half}/{total} câu")
    assert page.locator("input[type=radio]:checked").count() == half

    chosen.update(answer(page, i) for i in range(half, total))
    expect(page.locator("#count")).to_have_text(f"Đã trả lời {total}/{total} câu")
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Nộp phiếu").tap()
    expect(page.locator("h1")).to_have_text(MESSAGES["thanks"]["title"])
    no_horizontal_scroll(page)
    assert responses() == 1


def test_without_javascript_the_form_saves_and_submits(app, sonla, live_server, phone_without_js):  # noqa: F811
    expect = _expect()
    token = sonla.token("p3@thu.example")
    idle()
    page = phone_without_js.new_page()
    page.goto(f"{live_server}/s/{token}")
    total = page.locator("fieldset").count()
    half = total // 2
    chosen = dict(answer(page, i, expect_saved=False) for i in range(half))
    assert page.locator(".st").first.text_content() == ""  # no script ran
    with page.expect_navigation():  # POST, then 303 back to the page
        page.get_by_role("button", name="Lưu", exact=True).tap()
    assert page.url == f"{live_server}/s/{token}"
    assert server_answers(token) == as_answers(chosen)
    for name, value in chosen.items():
        expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_checked()
    expect(page.locator("#count")).to_have_text(f"Đã trả lời {half}/{total} câu")

    for i in range(half, total):
        answer(page, i, expect_saved=False)
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Nộp phiếu").tap()
    expect(page.locator("h1")).to_have_text(MESSAGES["thanks"]["title"])
    assert responses() == 1


def test_offline_answer_is_sent_when_the_network_returns(app, sonla, live_server, phone):  # noqa: F811
    expect = _expect()
    token = sonla.token("p5@thu.example")
    idle()
    page = phone.new_page()
    page.goto(f"{live_server}/s/{token}")

    phone.set_offline(True)
    name, value = answer(page, 0, expect_saved=False)
    box = page.locator("fieldset").nth(0)
    expect(box.locator(".st")).to_contain_text("Chưa gửi")
    expect(page.locator("#net")).to_contain_text("Mất kết nối")
    assert server_answers(token) == {}

    phone.set_offline(False)
    try:
        expect(box.locator(".st")).to_have_text("Đã lưu", timeout=1500)
    except AssertionError:  # the browser did not fire 'online' by itself
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(box.locator(".st")).to_have_text("Đã lưu")
    expect(page.locator("#net")).to_have_text("")
    deadline = time.monotonic() + 5
    while server_answers(token) != as_answers({name: value}) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server_answers(token) == as_answers({name: value})
