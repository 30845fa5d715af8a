"""The dashboard read at a glance, in headless Chromium at 1366×768 against a real threaded server: the
headline (what lags, time left, the reminder button) in the first screen, charts sorted by value with full
unit names, Vietnamese day labels and numbers, area names, a withheld unit's scores, and the closed state."""

from __future__ import annotations

import re

import pytest

from survey_app.extensions import db
from survey_app.services import lagging, monitoring, users
from survey_app.services.survey import closing
from survey_app.timeutil import format_vn

from .support.browser import ARTIFACTS
from .support.campaigns import make_campaign, person
from .test_dashboard_browser import DESKTOP, EMAIL, PASSWORD, _expect, idle, sign_in_and_open, submit_in_background

pytestmark = pytest.mark.browser


ENGLISH_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")
# Tick labels of one chart axis, top to bottom (y) or left to right (x), as drawn.
TICKS = """([chart, axis]) => Array.from(document.querySelectorAll(`#${chart} .${axis}tick text`))
  .map(t => [t.textContent, t.getBoundingClientRect()[axis === "x" ? "left" : "top"]])
  .sort((a, b) => a[1] - b[1]).map(t => t[0])"""
BOX = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, scrolled: document.scrollingElement.scrollTop, height: window.innerHeight}; }"""


def withhold(unit_code: str):
    """Serve the scores as the disclosure rule will: this unit's figures withheld (fewer than k responses).
    The real answer is fetched from the server and only that unit's entry is changed."""

    def handle(route):
        response = route.fetch()
        body = response.json()
        for u in body["units"]:
            if u["unit_code"] == unit_code:
                u.update(disclosed=False, reason="below_k", k=3, total=None, percent=None, rank=None, areas=None)
                u.update(unanswered=None, groups=[])
        route.fulfill(response=response, json=body)

    return handle


def test_dashboard_headline_at_a_glance(app, tmp_path, live_server, browser):  # noqa: F811
    expect = _expect()
    # Four officials of Sở Nội vụ in one group (enough for its live score to be shown), two of Sở Tài chính,
    # two of a district; questionnaires submitted as phones do, through the JSON API.
    people = [person(i, "SO-NV", "SO-CC") for i in range(1, 5)]
    people += [person(5, "SO-TC", "SO-CC"), person(6, "SO-TC", "SO-CC")]
    people += [person(7, "H-MAI-SON", "H-XA"), person(8, "H-MAI-SON", "H-XA")]
    setup = make_campaign(app, tmp_path, "son-la-2024", people)
    users.create_user(EMAIL, PASSWORD, "admin")
    campaign, code = setup.campaign, setup.campaign.code
    tokens = [setup.token(f"p{i}@thu.example") for i in (1, 2, 3, 5)]
    idle()
    thread, errors = submit_in_background(app, live_server, tokens)
    thread.join(30)
    assert not thread.is_alive() and not errors, errors
    cells = monitoring.cells(db.session.get(type(campaign), campaign.id))
    short = sum(1 for c in cells if c.status != "n/a" and c.valid < c.minimum)  # Công chức sở need 5: 3 is short
    days = [d for d, _ in lagging.daily_series(db.session.get(type(campaign), campaign.id))]
    idle()

    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    context.route("**/api/v1/campaigns/*/scores", withhold("SO-TC"))
    try:
        w = sign_in_and_open(context, live_server, code)
        page = w.page
        expect(page.locator("#ch-scores-so svg.main-svg").first).to_be_attached()
        # The headline, whole, in the first screen: nothing to scroll for.
        for part in ("#glance", "#g-remind button"):
            box = page.evaluate(BOX, part)
            assert box["scrolled"] == 0 and 0 <= box["top"] and box["bottom"] <= box["height"], (part, box)
        expect(page.locator("#g-left")).to_have_text(re.compile(r"^Còn \d+ ngày \d+ giờ$"))
        expect(page.locator("#g-short")).to_have_text(str(short))
        slow = ["UBND huyện Mai Sơn", "Sở Tài chính", "Sở Nội vụ"]  # 0 of 2, 1 of 2, 3 of 4
        assert page.locator("#g-slow li a").all_text_contents() == slow
        expect(page.locator("#g-remind button")).to_have_text("Nhắc người chưa nộp ở 3 đơn vị này")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-headline-1366.png"))

        # Response rates: lowest first, full unit names on a category axis, percent ticks.
        assert page.evaluate(TICKS, ["ch-rate", "y"]) == slow
        assert page.evaluate(TICKS, ["ch-rate", "x"]) == ["0%", "20%", "40%", "60%", "80%", "100%"]
        # Days: dd/mm labels we made, whole-number counts.
        assert page.evaluate(TICKS, ["ch-days", "x"]) == [f"{d[8:10]}/{d[5:7]}" for d in days]
        counts = page.evaluate(TICKS, ["ch-days", "y"])
        assert counts and all(re.fullmatch(r"\d{1,3}(\.\d{3})*", t) for t in counts), counts
        assert len(set(counts)) == len(counts)  # no 0, 0, 1, 1 from rounding fractional ticks
        svg_text = " ".join(page.locator("svg text").all_text_contents())
        assert not ENGLISH_MONTHS.search(svg_text), svg_text
        # Decimal commas in the charts too: the hover label of Sở Nội vụ's bar.
        page.locator("#ch-rate").scroll_into_view_if_needed()
        bar = page.locator("#ch-rate .bars path").nth(2).bounding_box()
        for dx in (0, 1):  # plotly reads the pointer from mousemove events
            page.mouse.move(bar["x"] + bar["width"] / 2 + dx, bar["y"] + bar["height"] / 2)
        expect(page.locator("#ch-rate .hoverlayer .hovertext").first).to_contain_text("Sở Nội vụ: 75,0% (3/4)")

        # Scores: area names as headers; a withheld unit says so instead of figures and leaves the chart.
        headers = page.locator("#scores-so thead th").all_text_contents()
        areas = [a.name for t in campaign.pack.unit_types if t.code == "so" for a in t.areas][:7]
        assert headers[2:9] == areas and not any(re.fullmatch(r"LV\d", h) for h in headers)
        withheld = page.locator("#scores-so tbody tr", has_text="Sở Tài chính")
        expect(withheld).to_contain_text("chưa đủ 3 phiếu để hiển thị")
        assert not re.search(r"\d,\d\d", withheld.text_content())
        shown = page.locator("#scores-so tbody tr", has_text="Sở Nội vụ")
        expect(shown).to_contain_text(re.compile(r"\d+,\d\d"), timeout=15_000)  # its figures, once counted
        expect(page.locator("#ch-scores-so .ytick text", has_text="Sở Nội vụ")).to_have_count(1)
        names = page.evaluate(TICKS, ["ch-scores-so", "y"])
        assert "Sở Nội vụ" in names and "Sở Tài chính" not in names
        # Sorting the scores table keeps the withheld row whole (it spans the figure columns).
        page.locator("#scores-so thead th").nth(0).click()
        expect(page.locator("#scores-so tbody tr").last).to_contain_text("chưa đủ 3 phiếu để hiển thị")
        w.check()
    finally:
        context.close()


def test_closed_early_the_dashboard_says_closed_and_when(app, sonla, live_server, browser):  # noqa: F811
    expect = _expect()
    users.create_user(EMAIL, PASSWORD, "monitor")
    code, closes_at = sonla.campaign.code, sonla.campaign.closes_at
    closing.close_and_validate(code)
    closed_at = db.session.get(type(sonla.campaign), sonla.campaign.id).closed_at
    idle()  # and no attribute of a model from here on: loading one would take SQLite's write lock again
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    try:
        w = sign_in_and_open(context, live_server, code)
        page = w.page
        # Redrawn by the script after its poll, from the JSON's ISO times, in Vietnam time.
        page.evaluate("document.getElementById('g-when').textContent = ''")  # the next poll (5 s) writes it again
        when = f"lúc {format_vn(closed_at)} (hạn là {format_vn(closes_at)})"
        expect(page.locator("#g-when")).to_have_text(when, timeout=15_000)
        expect(page.locator("#g-left")).to_have_text("Đã đóng sớm")
        assert "hết hạn" not in page.locator("body").text_content()
        assert page.locator("#g-remind").count() == 0
        w.check()
    finally:
        context.close()
