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
from survey_app.services import monitoring, users
from survey_app.services.survey import responding

from .support.browser import ARTIFACTS
from .support.campaigns import full_answers

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
