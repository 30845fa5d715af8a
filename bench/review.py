"""The review page with 2.000 flagged responses: the first page, a filtered page deep in the list and a bulk
exclude (and restore) of 50, against the bare Flask endpoint served the same way in the same run.

    python bench/review.py [--database sqlite|postgresql|both] [--pg-url URL] [--requests 30] [--flagged 2000]

Per database: a fresh schema (migrations), the son-la-2024 campaign created and opened, 1,5 × FLAGGED responses
written directly through the models (tests/support/reviewing.py: random ids, every answer, as the mixer writes
them), of which exactly FLAGGED get a warning at close (a third answered in 30 s against the pack's 120, a third
straight-lined, a few of those also incomplete); then the real `close_and_validate` raises the warnings, and
ANALYZE runs (as autovacuum would). An admin signs in through the login form of gunicorn (gunicorn.conf.py,
wsgi:app, a free loopback port) and one client makes its requests one after another (keep-alive, after 3
untimed warm-ups):
  first page       GET /admin/c/BENCH/review                                   --requests times
  filtered page    GET …/review?flag=too_fast&status=valid&page=10             --requests times
  exclude 50       POST …/review/bulk with the 50 ids of the first "valid" page and a reason (302); the page that
                   gives the ids is fetched untimed before each POST
  restore 50       POST …/review/bulk restoring the same 50 (302)              10 times each
  every match      "exclude every valid response matching the filter" once: the count shown before confirming,
                   then the confirmed exclusion, then the same to restore them
Median and 90th percentile per kind; the bare endpoint (bench/bare_app.py, GET /ping) is timed the same way
(one client, one request after another, the same gunicorn set-up) before and after, and each median is divided
by the baseline's mean median. Page weight: the HTML of each page, and with its two stylesheets (the page makes
no other request). Afterwards every response has its status from before and the live tallies equal a rebuild,
or the script exits 1.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench import common  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_review"
EMAIL, PASSWORD = "bench@noivu.example", "mat-khau-do-0123456"
CODE = "BENCH"
CYCLES = 10  # exclude + restore of 50
FILTERED = "flag=too_fast&status=valid&page=10"
CHECKBOX = re.compile(r'<input type="checkbox" name="id" value="([0-9a-f]{32})"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """One keep-alive connection with the cookies the server set: a signed-in admin's browser."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = urlencode(form, doseq=True) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t0 = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        payload = r.read()
        dt = time.perf_counter() - t0
        for cookie in r.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return r.status, payload, dt

    def page(self, path: str) -> str:
        status, body, _ = self.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status}")
        return body.decode()

    def sign_in(self) -> None:
        token = CSRF.search(self.page("/admin/login")).group(1)
        status, _, _ = self.request("POST", "/admin/login", {"email": EMAIL, "password": PASSWORD, "csrf_token": token})
        if status != 302:
            raise SystemExit(f"sign-in refused: {status}")


def shape(i: int):
    """Exactly two responses in three need a look: i % 3 == 0 too fast, i % 3 == 1 straight-lined (and every
    other one of those also too fast), one in 30 of the fast ones incomplete; i % 3 == 2 clean."""
    from tests.support.reviewing import Shape

    k = i % 3
    return Shape(fast=k == 0 or (k == 1 and i % 2 == 0), straight=k == 1, incomplete=i % 30 == 3)


def build(app, flagged: int) -> None:
    """The closed campaign; prints how long each step took and how many responses need a look."""
    from survey_app.extensions import db
    from survey_app.models import Campaign, Response, ResponseFlag, ResponseStatus
    from survey_app.services import users
    from survey_app.services.survey import campaigns, closing
    from survey_app.timeutil import now
    from tests.support.reviewing import insert_responses

    with app.app_context():
        start = now()
        c = campaigns.create_campaign(
            common.PACKS / "son-la-2024", CODE, start - timedelta(days=1), start + timedelta(days=10)
        )
        campaigns.open_campaign(c.code)
        users.create_user(EMAIL, PASSWORD, "admin")
        t0 = time.perf_counter()
        insert_responses(c, flagged * 3 // 2, shape)
        t1 = time.perf_counter()
        report = closing.close_and_validate(CODE)
        t2 = time.perf_counter()
        db.session.execute(sa.text("ANALYZE"))  # as autovacuum would after so many new rows
        db.session.commit()
        c = db.session.scalar(sa.select(Campaign).where(Campaign.code == CODE))
        has_flag = sa.exists().where(ResponseFlag.response_id == Response.id)
        to_review = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Response)
            .where(Response.campaign_id == c.id, (Response.status != ResponseStatus.VALID) | has_flag)
        )
        db.session.remove()
        db.engine.dispose()
    print(
        f"set-up: {report.checked} responses written in {t1 - t0:.1f}s, closed and checked in {t2 - t1:.1f}s: "
        f"{to_review} need a look ({report.flagged} with a warning, {report.invalid} invalid)"
    )
    if to_review != flagged:
        raise SystemExit(f"{to_review} responses need a look, not {flagged}")


def bare_median(env_args, requests: int) -> float:
    """Median seconds of GET /ping on bench/bare_app.py, one client, one request after another."""
    with common.Server("bench.bare_app:app", {}, env_args.workers, env_args.threads) as server:
        server.wait_ready("/ping")
        client = common.Client(server.port)
        times = []
        for _ in range(requests):
            status, _, dt, _ = client.request("GET", "/ping")
            if status != 200:
                raise SystemExit(f"GET /ping: {status}")
            times.append(dt)
        client.close()
    return statistics.median(times)


def timed_gets(browser: Browser, path: str, n: int) -> tuple[list[float], int]:
    for _ in range(3):
        browser.page(path)
    times, size = [], 0
    for _ in range(n):
        status, body, dt = browser.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status}")
        times.append(dt)
        size = len(body)
    return times, size


def bulk_cycles(browser: Browser, times: dict[str, list[float]]) -> None:
    base = f"/admin/c/{CODE}/review"
    for cycle in range(CYCLES):
        page = browser.page(f"{base}?status=valid")
        ids, token = CHECKBOX.findall(page), CSRF.search(page).group(1)
        if len(ids) != 50:
            raise SystemExit(f"the first valid page shows {len(ids)} responses, not 50")
        for action in ("exclude", "restore"):
            form = {"csrf_token": token, "status": "valid", "page": "1", "id": ids, "action": action}
            form["reason"] = f"đo hiệu năng, lượt {cycle + 1}"
            status, body, dt = browser.request("POST", f"{base}/bulk", form)
            if status != 302:
                raise SystemExit(f"{action} 50: {status} {body[:300]!r}")
            times[f"{action} 50"].append(dt)


def every_match(browser: Browser, times: dict[str, list[float]]) -> int:
    """Exclude every valid response with a warning, after the count; then restore them all the same way."""
    base = f"/admin/c/{CODE}/review"
    token = CSRF.search(browser.page(base)).group(1)
    count = 0
    for action in ("exclude", "restore"):
        form = {"csrf_token": token, "page": "1", "action": f"{action}_matching", "reason": "đo hiệu năng"}
        status, body, dt = browser.request("POST", f"{base}/bulk", form)
        expected = re.search(r'name="expected" value="(\d+)"', body.decode())
        if status != 200 or not expected:
            raise SystemExit(f"{action} every match, the count: {status}")
        times[f"count before {action} all"].append(dt)
        status, body, dt = browser.request("POST", f"{base}/bulk", form | {"expected": expected.group(1)})
        if status != 302:
            raise SystemExit(f"{action} every match: {status} {body[:300]!r}")
        times[f"{action} all"].append(dt)
        count = int(expected.group(1))
    return count


def check(app) -> list[str]:
    """Every response back to its status after the run, and the live tallies equal to a rebuild."""
    from survey_app.extensions import db
    from survey_app.models import Campaign, Response, ResponseStatus
    from survey_app.services.survey import tallies

    problems = []
    with app.app_context():
        c = db.session.scalar(sa.select(Campaign).where(Campaign.code == CODE))
        excluded = db.session.scalar(
            sa.select(sa.func.count()).where(Response.campaign_id == c.id, Response.status == ResponseStatus.EXCLUDED)
        )
        if excluded:
            problems.append(f"{excluded} responses still excluded after the run")
        live = tallies.snapshot(c)
        tallies.rebuild_tallies(c)
        if tallies.snapshot(c) != live:
            problems.append("live tallies differ from a rebuild")
        db.session.remove()
        db.engine.dispose()
    return problems


def bench_database(database: str, args, tmp: Path) -> dict:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n== {database} (load average before: {load})")
    app = common.fresh_app(database, args, tmp / "bench-review.sqlite3")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    build(app, args.flagged)
    bare = [bare_median(args, args.bare_requests)]
    kinds = ("first page", "filtered page", "exclude 50", "restore 50")
    kinds += ("count before exclude all", "exclude all", "count before restore all", "restore all")
    times: dict[str, list[float]] = {k: [] for k in kinds}
    env = {"DATABASE_URL": url, "SECRET_KEY": args.secret_key, "LINK_SECRET": args.link_secret}
    sizes = {}
    with common.Server("wsgi:app", env, args.workers, args.threads) as server:
        server.wait_ready("/admin/login")
        browser = Browser(server.port)
        browser.sign_in()
        times["first page"], sizes["first page"] = timed_gets(browser, f"/admin/c/{CODE}/review", args.requests)
        filtered = f"/admin/c/{CODE}/review?{FILTERED}"
        times["filtered page"], sizes["filtered page"] = timed_gets(browser, filtered, args.requests)
        css = sum(len(browser.page(f"/static/{name}")) for name in ("admin.css", "review.css"))
        bulk_cycles(browser, times)
        matched = every_match(browser, times)
    bare.append(bare_median(args, args.bare_requests))
    baseline = statistics.mean(bare)
    problems = check(app)
    print(f"bare Flask endpoint, one client: median {1000 * bare[0]:.2f} ms before, {1000 * bare[1]:.2f} ms after")
    for kind, values in times.items():
        median = statistics.median(values)
        p90 = common.pct(values, 90)
        print(
            f"  {kind:<24} n={len(values):<3} median {1000 * median:7.1f} ms  p90 {p90:7.1f} ms  "
            f"÷ bare {median / baseline:6.1f}"
        )
    for kind, size in sizes.items():
        print(f"  {kind}: {size} bytes of HTML, {size + css} with its two stylesheets")
    print(f"  'every match': {matched} valid responses with a warning excluded, then restored")
    if problems:
        print("FAILED:", *problems, sep="\n  ")
    else:
        print("checked: statuses as before, tallies equal a rebuild")
    return {"database": database, "times": times, "sizes": sizes, "css": css, "bare": baseline, "problems": problems}


def summary(results: list[dict]) -> str:
    """The figures as a Markdown table, numbers written the Vietnamese way (as in the README)."""
    from analysis.vntext import format_number

    kinds = list(results[0]["times"])
    lines = ["| | " + " | ".join(r["database"] for r in results) + " |", "|---|" + "---|" * len(results)]
    for kind in kinds:
        cells = []
        for r in results:
            median = statistics.median(r["times"][kind])
            cells.append(f"{format_number(1000 * median, 1)} ms (×{format_number(median / r['bare'], 0)})")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines.append("| bare endpoint | " + " | ".join(f"{format_number(1000 * r['bare'], 2)} ms" for r in results) + " |")
    for kind in ("first page", "filtered page"):
        sizes = [f"{format_number(r['sizes'][kind], 0)} B (+ CSS {format_number(r['css'], 0)} B)" for r in results]
        lines.append(f"| {kind}, bytes | " + " | ".join(sizes) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT),
        help=f"PostgreSQL database, created if missing, its schema wiped (default {PG_DEFAULT})",
    )
    ap.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    ap.add_argument("--flagged", type=int, default=2000, help="responses that need a look (default 2000)")
    ap.add_argument("--workers", type=int, help="gunicorn workers (default: as gunicorn.conf.py decides)")
    ap.add_argument("--threads", type=int, help="gunicorn threads per worker (default: as gunicorn.conf.py decides)")
    args = ap.parse_args()
    args.bare_requests = 300
    args.secret_key, args.link_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    print(f"{os.cpu_count()} CPU cores, shared by the client, gunicorn and the database")
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        for database in databases:
            results.append(bench_database(database, args, Path(tmp)))
    print(f"\nload average after: {os.getloadavg()[0]:.2f}\n")
    print(summary(results))
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
