"""The live dashboard in headless Chromium against a real threaded server: an admin signs in, watches the
dashboard, and questionnaires submitted meanwhile through the JSON API appear without a reload; plotly
draws under the page's Content-Security-Policy; Vietnamese column sorting; desktop and phone screenshots."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request

import pytest

from survey_app.extensions import db
from survey_app.services import lagging, monitoring, users
from survey_app.services.survey import closing, responding
from survey_app.timeutil import format_vn

from .support.browser import ARTIFACTS
from .support.campaigns import full_answers, make_campaign, person

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "giamsat@noivu.example", "mat-khau-thu-0123"
DESKTOP = dict(viewport={"width": 1366, "height": 768}, locale="vi-VN")
POLLED = re.compile(r"\d{1,2}:\d{2}:\d{2}")  # toLocaleTimeString("vi-VN"), set after a good poll
SUBMITTERS = ["p1@thu.example", "p2@thu.example", "p4@thu.example", "p6@thu.example", "p7@thu.example"]
# Records every CSP violation the page meets (runs through DevTools, so the page's own CSP does not block it).
CSP_PROBE = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
# The rows of #cells as [unit, group, submitted] texts, in display order.
CELL_ROWS = """() => Array.from(document.querySelectorAll("#cells tbody tr"))
  .map(tr => [tr.cells[0].textContent, tr.cells[1].textContent, tr.cells[3].textContent])"""
SORTED_BY = """([col, dir]) => {
  const c = new Intl.Collator("vi");
  const v = Array.from(document.querySelectorAll("#cells tbody tr")).map(tr => tr.cells[col].textContent);
  return v.length > 1 && v.every((x, i) => i === 0 || dir * c.compare(v[i - 1], x) <= 0);
}"""
# Elements sticking out to the right of the viewport, not counting those inside a horizontal scroller.
OVERFLOWING = """() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const e of document.body.querySelectorAll("*")) {
    let p = e.parentElement, scrolled = false;
    for (; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === "auto" || ox === "scroll" || ox === "hidden") { scrolled = true; break; }
    }
    if (!scrolled && e.getBoundingClientRect().right > w + 1) out.push(e.tagName + (e.id ? "#" + e.id : ""));
  }
  return out.slice(0, 10);
}"""


def _expect():
    from playwright.sync_api import expect

    return expect


def idle() -> None:
    """End the test thread's transaction (on SQLite it holds the write lock the server needs)."""
    db.session.rollback()


class Watched:
    """A page with its console errors, uncaught exceptions and CSP violations collected."""

    def __init__(self, context):
        context.add_init_script(CSP_PROBE)
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))

    def _console(self, msg) -> None:
        if (msg.location or {}).get("url", "").endswith("/favicon.ico"):
            return  # the browser asks for one by itself; the app has none
        if msg.type in ("error", "assert") or "Content Security Policy" in msg.text:
            self.problems.append(f"console.{msg.type}: {msg.text}")

    def check(self) -> None:
        violations = self.page.evaluate("window.__csp || []")
        assert not self.problems and not violations, f"browser problems: {self.problems} CSP: {violations}"


def sign_in_and_open(context, base: str, code: str) -> Watched:
    """Sign in through the /admin/login form, open the dashboard and wait for its first poll."""
    w = Watched(context)
    page = w.page
    page.goto(f"{base}/admin/login")
    page.locator('input[name="email"]').fill(EMAIL)
    page.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    assert page.url == f"{base}/admin/", page.url
    page.goto(f"{base}/admin/c/{code}/")
    _expect()(page.locator("#updated")).to_have_text(POLLED, timeout=10_000)
    _expect()(page.locator("#cells tbody tr").first).to_be_visible()
    return w


def kpi(page, key: str) -> str:
    return page.locator(f'#kpi [data-k="{key}"]').text_content()


def _send(base: str, method: str, path: str, body: dict) -> int:
    req = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status


def submit_in_background(app, base: str, tokens: list[str]) -> tuple[threading.Thread, list]:
    """Complete and submit each questionnaire through the JSON API from another thread."""
    errors: list = []

    def run() -> None:
        try:
            with app.app_context():  # the service calls need one; its own session, ended before each request
                for token in tokens:
                    answers = full_answers(responding.open_questionnaire(token, mark_opened=False))
                    db.session.rollback()
                    assert _send(base, "PUT", f"/api/v1/r/{token}/answers", {"answers": answers}) == 200
                    assert _send(base, "POST", f"/api/v1/r/{token}/submit", {}) == 200
                db.session.remove()
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def test_dashboard_updates_live(app, sonla, live_server, browser, phone):  # noqa: F811
    expect = _expect()
    users.create_user(EMAIL, PASSWORD, "admin")
    code = sonla.campaign.code
    campaign_id = sonla.campaign.id
    tokens = [sonla.token(e) for e in SUBMITTERS]
    idle()

    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    try:
        w = sign_in_and_open(context, live_server, code)
        page = w.page
        assert kpi(page, "submitted") == "0"
        before = page.evaluate(CELL_ROWS)
        assert before and all(r[2] == "0" for r in before)
        expect(page.locator("#ch-rate.js-plotly-plot svg.main-svg").first).to_be_attached()
        expect(page.locator("#ch-days svg.main-svg").first).to_be_attached()
        expect(page.locator("#scores table").first).to_be_visible()
        w.check()  # plotly's <style> element is refused under style-src 'self' alone: the charts then cover the tables

        # Sorting: by group, then by unit ascending and descending, all in Vietnamese collation order.
        page.locator("#cells thead th").nth(1).click()
        assert page.evaluate(SORTED_BY, [1, 1])
        header = page.locator("#cells thead th").nth(0)
        header.click()
        expect(header).to_have_attribute("aria-sort", "ascending")
        assert page.evaluate(SORTED_BY, [0, 1])
        header.click()
        expect(header).to_have_attribute("aria-sort", "descending")
        assert page.evaluate(SORTED_BY, [0, -1])

        thread, errors = submit_in_background(app, live_server, tokens)
        thread.join(30)
        assert not thread.is_alive() and not errors, errors
        done = time.monotonic()
        expected = sorted(
            (c.unit_name, c.group_name, str(c.submitted))
            for c in monitoring.cells(db.session.get(type(sonla.campaign), campaign_id))
        )
        idle()
        assert sum(int(c[2]) for c in expected) == len(tokens)

        # No reload: the next poll (every 5 s) brings the new figures.
        expect(page.locator('#kpi [data-k="submitted"]')).to_have_text(str(len(tokens)), timeout=10_000)
        deadline = done + 10
        while sorted(map(tuple, page.evaluate(CELL_ROWS))) != expected and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert sorted(map(tuple, page.evaluate(CELL_ROWS))) == expected
        print(f"\ndashboard caught up {time.monotonic() - done:.1f} s after the last submit")
        assert kpi(page, "valid") == str(len(tokens))
        assert page.evaluate(SORTED_BY, [0, -1])  # the chosen order survives the refresh
        expect(page.locator("#ch-rate svg.main-svg .bars path").first).to_be_attached()
        w.check()
        ARTIFACTS.mkdir(exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / "dashboard-1366.png"))
    finally:
        context.close()

    # The same dashboard on a phone: nothing but the tables' own scrollers moves sideways.
    m = sign_in_and_open(phone, live_server, code)
    expect(m.page.locator('#kpi [data-k="submitted"]')).to_have_text(str(len(tokens)))
    expect(m.page.locator("#ch-rate svg.main-svg").first).to_be_attached()
    width = m.page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a 390 px phone ({width} px): {m.page.evaluate(OVERFLOWING)}"
    m.check()
    m.page.screenshot(path=str(ARTIFACTS / "dashboard-390.png"))


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
