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


# Where a question landed after a jump: its box, the sticky progress bar's bottom edge, and whether the
# top of its legend is really what the phone shows there (not the bar drawn over it).
LANDED = """(id) => {
  const box = document.getElementById(id), legend = box.querySelector("legend").getBoundingClientRect();
  const hit = document.elementFromPoint(legend.left + 4, legend.top + 4);
  const r = box.getBoundingClientRect(), bar = document.querySelector(".prog").getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, bar: bar.bottom, height: window.innerHeight,
          legend: !!hit && box.contains(hit) && hit.closest("legend") !== null};
}"""


def jump_lands_in_view(page, number: str, fieldset_id: str) -> None:
    """Tap the missing question's number in the list; the question must be wholly visible below the bar."""
    import re

    page.locator("#problems").get_by_role("link", name=number, exact=True).tap()
    _expect()(page).to_have_url(re.compile(f"#{re.escape(fieldset_id)}$"))
    seen = page.evaluate(LANDED, fieldset_id)
    assert seen["top"] >= seen["bar"] - 0.5, f"question {number} starts under the sticky bar: {seen}"
    assert seen["bottom"] <= seen["height"], f"question {number} runs off the screen: {seen}"
    assert seen["legend"], f"something covers the first line of question {number}: {seen}"


def field_id(name: str) -> str:
    _, unit, question = name.split(":")
    return f"q-{unit}-{question}"


def open_link(context, base: str, token: str):
    """A new page of this phone on the personal link (the test thread's transaction ended first)."""
    idle()
    page = context.new_page()
    page.goto(f"{base}/s/{token}")
    return page


def submit_and_see_thanks(page) -> None:
    page.get_by_role("button", name="Nộp phiếu").tap()
    _expect()(page.locator("h1")).to_have_text(MESSAGES["thanks"]["title"])
    assert responses() == 1


def test_failed_submit_numbers_marks_and_jumps_to_the_missing(app, sonla, live_server, phone):  # noqa: F811
    expect = _expect()
    page = open_link(phone, live_server, sonla.token("p7@thu.example"))
    total = page.locator("fieldset").count()
    gaps = [2, 6, 11]  # questions 3, 7 and 12 as the page numbers them
    names = [page.locator("fieldset").nth(i).locator("input").first.get_attribute("name") for i in range(total)]
    for i in range(total):
        if i not in gaps:
            answer(page, i)
    page.get_by_role("button", name="Nộp phiếu").tap()
    expect(page.locator("#problems h2")).to_have_text("Còn 3 câu chưa trả lời")
    assert page.locator("#problems a").all_text_contents() == ["3", "7", "12"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "questionnaire-missing-list-390.png"))
    marked = page.locator("fieldset.bad")
    assert [marked.nth(i).get_attribute("id") for i in range(marked.count())] == [field_id(names[i]) for i in gaps]
    for i in gaps:  # in words too, not by colour alone
        expect(page.locator("fieldset").nth(i).locator("legend .flag")).to_have_text("Chưa trả lời")
    assert responses() == 0

    for number, i in zip(("12", "3", "7"), (11, 2, 6), strict=True):
        jump_lands_in_view(page, number, field_id(names[i]))
        if number == "12":
            page.screenshot(path=str(ARTIFACTS / "questionnaire-missing-390.png"))
    no_horizontal_scroll(page)

    # Answering a marked question unmarks it and its number in the list, at once.
    answer(page, 11)
    box = page.locator("fieldset").nth(11)
    expect(box.locator(".flag")).to_have_count(0)
    expect(box).not_to_have_class("bad")
    expect(page.locator("#problems").get_by_role("link", name="12", exact=True)).to_have_class("done")
    expect(page.locator("fieldset.bad")).to_have_count(2)
    answer(page, 2)
    answer(page, 6)
    submit_and_see_thanks(page)


def test_without_javascript_the_missing_list_still_jumps_into_view(app, sonla, live_server, phone_without_js):  # noqa: F811
    expect = _expect()
    page = open_link(phone_without_js, live_server, sonla.token("p4@thu.example"))
    total = page.locator("fieldset").count()
    last = page.locator("fieldset").nth(total - 2).locator("input").first.get_attribute("name")
    for i in range(total):
        if i != total - 2:
            answer(page, i, expect_saved=False)
    page.get_by_role("button", name="Nộp phiếu").tap()
    expect(page.locator("#problems h2")).to_have_text("Còn 1 câu chưa trả lời")
    jump_lands_in_view(page, str(total - 1), field_id(last))
    expect(page.locator(f"#{field_id(last)} legend .flag")).to_have_text("Chưa trả lời")
    answer(page, total - 2, expect_saved=False)
    submit_and_see_thanks(page)


def test_matrix_unit_list_counts_follow_the_answers(app, matrix, live_server, phone):  # noqa: F811
    expect = _expect()
    page = open_link(phone, live_server, matrix.token("p3@thu.example"))
    page.locator("details.units summary").tap()
    mine, other = page.locator("#done"), page.locator("details.units li small").nth(1)
    total = page.locator("fieldset").count()
    expect(mine).to_have_text(f"0/{total}")
    for i in range(3):
        answer(page, i)
        expect(mine).to_have_text(f"{i + 1}/{total}")
    for i in range(3, total):
        answer(page, i)
    expect(mine).to_have_text(f"{total}/{total} ✓")
    expect(other).to_have_text(f"0/{total}")  # another unit's page: nothing answered there
    page.evaluate("localStorage.clear()")
    page.reload()  # the server agrees
    expect(page.locator("#done")).to_have_text(f"{total}/{total} ✓")

    # The third unit: four answers, then submit from the last unit with the rest left empty. One line per unit,
    # an empty unit is one link ("1–12"), and a jump to another unit's page lands on the question, marked.
    units = page.locator("details.units li").count()
    third = page.locator("details.units li button").nth(2).text_content()
    page.locator("details.units summary").tap()
    page.locator("details.units li button").nth(2).tap()
    expect(page.locator("h1")).to_have_text(f"Đánh giá: {third}")
    for i in range(4):
        answer(page, i)
    expect(page.locator("#done")).to_have_text(f"4/{total}")
    page.locator("details.units summary").tap()
    page.locator("details.units li button").nth(units - 1).tap()
    page.get_by_role("button", name="Nộp phiếu").tap()
    lines = page.locator("#problems li")
    expect(lines).to_have_count(units - 1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "questionnaire-matrix-missing-390.png"))
    assert lines.nth(0).locator("a").all_text_contents() == [f"1–{total}"]
    line = lines.nth(1)
    expect(line).to_have_text(f"{third}: câu 5–{total}")
    line.get_by_role("link", name=f"5–{total}", exact=True).tap()
    expect(page.locator("h1")).to_have_text(f"Đánh giá: {third}")
    target = page.url.split("#")[1]
    seen = page.evaluate(LANDED, target)
    assert seen["top"] >= seen["bar"] - 0.5 and seen["bottom"] <= seen["height"] and seen["legend"], seen
    expect(page.locator(f"#{target}.bad legend .flag")).to_have_text("Chưa trả lời")
    expect(page.locator("#problems li")).to_have_count(units - 1)
    no_horizontal_scroll(page)
