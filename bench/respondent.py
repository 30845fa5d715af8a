"""Load test as phones make it: a page load, one autosave per tap, one submit, against gunicorn on a fresh database.

    python bench/respondent.py [--quick] [--database sqlite|postgresql|both] [--pack son-la-2024|hai-cap-2025|both]
                               [--clients 32,64] [--per-client N] [--pg-url URL] [--workers W --threads T]

The tap model, per simulated respondent (a new phone: one keep-alive HTTP/1.1 connection for the whole session,
one respondent at a time per client thread):
  GET /s/<token>                      the questionnaire page (HTML), as a phone opens its link; the questions and
                                      options are read from the page's radio buttons, and the session cookie it
                                      sets is sent back on later page loads, as a browser does;
  PUT /api/v1/r/<token>/answers       once per question, one answer each, as r.js autosaves every tap
                                      (without cookies: r.js uses credentials "omit");
  GET /s/<token>?p=1, ?p=2, …         matrix questionnaires show one rated unit per page: each further unit is a
                                      page load followed by its autosaves;
  POST /api/v1/r/<token>/submit       once at the end.
There is no think time between taps: each client is a phone tapping as fast as the server answers.

Respondents: son-la-2024 spreads them round-robin over every (unit, group) pair the pack allows (20 departments ×
3 groups and 12 districts × 4 groups; everyone rates their own unit: 1 page + 30 to 32 autosaves, as the group's
questions go, + 1 submit).
hai-cap-2025 takes the matrix group only (XA-LD, the leaders of the 6 communes, round-robin), each rating every
department of the campaign, all questions (6 departments × 12 questions: 6 pages + 72 autosaves + 1 submit); its
own-unit groups take the same code path as son-la-2024's.

Per database, one fresh schema; per pack × clients, a new campaign and a new gunicorn (gunicorn.conf.py, wsgi:app)
on a free loopback port, warmed up with a few untimed respondents. Right before and right after each, the same
gunicorn set-up serves bench/bare_app.py to the same number of clients: their mean is the baseline for the ratio.
Afterwards every respondent must be counted exactly once (sessions completed = responses = invitations submitted,
every answer stored) and the live tallies must equal a rebuild, or the script exits 1. Client and server share the
machine's cores, so the figures are relative: read the ratio to the bare endpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import runpy
import secrets
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench import common  # noqa: E402
from bench.common import Client, pct  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_respondent"
KINDS = ("page", "autosave", "submit", "session")
WARM_UP = 4  # untimed respondents per run, so every worker has compiled its templates and loaded the pack
# Respondents per client thread in a full run, and in --quick. The matrix session is about 2,3 × as long.
PER_CLIENT = {"son-la-2024": (5, 1), "hai-cap-2025": (2, 1)}
FIELD = re.compile(r'<input type="radio" name="a:([^":]+):([^"]+)" value="([^"]+)"')
GOTO = re.compile(r'<button name="goto" value="(\d+)"')


# ---------------------------------------------------------------- respondents


def _units(campaign) -> list[tuple[str, str]]:
    from survey_app.extensions import db
    from survey_app.models import Unit

    query = sa.select(Unit.code, Unit.unit_type).where(Unit.campaign_id == campaign.id).order_by(Unit.id)
    return [tuple(row) for row in db.session.execute(query)]


def own_unit_places(campaign) -> list[tuple[str, str]]:
    """Every (unit, group) pair of the pack whose group rates its own unit."""
    groups = [g for g in campaign.pack.groups if not g.is_matrix]
    return [(unit, g.code) for unit, kind in _units(campaign) for g in groups if g.unit_type == kind]


def matrix_places(campaign) -> list[tuple[str, str]]:
    """Every (unit, group) pair of the pack whose group rates all units of another type."""
    groups = [g for g in campaign.pack.groups if g.is_matrix]
    return [(unit, g.code) for unit, kind in _units(campaign) for g in groups if g.unit_type == kind]


PLACES = {"son-la-2024": own_unit_places, "hai-cap-2025": matrix_places}


@dataclass
class Recorder:
    """Timings of one run, per request kind, and what the server accepted (for the after-run check)."""

    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    ends: list[float] = field(default_factory=list)  # time.perf_counter() at the end of every request
    completed: int = 0
    answers: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def session(self, timed: list[tuple[str, float, float]], whole: float, answers: int) -> None:
        with self.lock:
            for kind, seconds, end in timed:
                self.times[kind].append(seconds)
                self.ends.append(end)
            self.times["session"].append(whole)
            self.completed += 1
            self.answers += answers

    @property
    def requests(self) -> int:
        return len(self.ends)


def respond(client: Client, token: str, rng: random.Random, rec: Recorder) -> None:
    """One respondent: the page, one autosave per question, the next unit's page (matrix), …, then submit."""
    timed: list[tuple[str, float, float]] = []
    cookies: dict[str, str] = {}

    def call(kind: str, method: str, path: str, body: dict | None = None, send_cookies: bool = False):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if send_cookies and cookies else {}
        status, payload, seconds, retried = client.request(method, path, body, headers)
        timed.append((kind, seconds, time.perf_counter()))
        return status, payload, retried

    client.close()  # each respondent is another phone: a new connection, kept alive for its whole session
    t0 = time.perf_counter()
    pages, seen_units, given, progress = 1, set(), 0, None
    page = 0
    while page < pages:
        status, html, _ = call("page", "GET", f"/s/{token}" + (f"?p={page}" if page else ""), send_cookies=True)
        if status != 200:
            raise RuntimeError(f"GET page {page}: {status} {html[:200]!r}")
        for header in client.set_cookies:
            name, _, value = header.split(";", 1)[0].partition("=")
            cookies[name.strip()] = value.strip()
        text = html.decode()
        options: dict[tuple[str, str], list[str]] = {}
        for unit, question, option in FIELD.findall(text):
            options.setdefault((unit, question), []).append(option)
        units = {unit for unit, _ in options}
        if len(units) != 1 or units & seen_units:
            raise RuntimeError(f"page {page} shows the units {sorted(units)}, expected one new unit")
        seen_units |= units
        if page == 0:
            pages = max((int(v) + 1 for v in GOTO.findall(text)), default=1)
        for (unit, question), choices in options.items():
            status, body, _ = call(
                "autosave", "PUT", f"/api/v1/r/{token}/answers", {"answers": {unit: {question: rng.choice(choices)}}}
            )
            if status != 200:
                raise RuntimeError(f"PUT answer {unit}/{question}: {status} {body[:200]!r}")
            progress = json.loads(body)["progress"]
            given += 1
        page += 1
    if progress != {"answered": given, "total": given}:
        raise RuntimeError(f"after {given} autosaves the server counts {progress}")
    status, body, retried = call("submit", "POST", f"/api/v1/r/{token}/submit")
    if status != 200 and not (retried and status == 409):  # a retried submit finds the first one stored
        raise RuntimeError(f"POST submit: {status} {body[:200]!r}")
    rec.session(timed, time.perf_counter() - t0, given)


# ---------------------------------------------------------------- runs


@dataclass
class Result:
    database: str
    pack: str
    clients: int
    respondents: int
    requests: int
    rps: float  # requests over the whole run
    busy_rps: float  # requests while every client still had work (the queue not yet drained)
    bare_rps: float
    times: dict[str, list[float]]
    problems: list[str]

    @property
    def ratio(self) -> float:
        return self.rps / self.bare_rps


def bench_run(database: str, url: str, app, pack: str, clients: int, n: int, args, tmp: Path) -> Result:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n== {database} · {pack} · {clients} clients · {n} respondents (load average before: {load})")
    bare = [common.bench_bare(args.bare_requests, clients, args.workers, args.threads)]
    t0 = time.perf_counter()
    code = f"{pack.split('-')[0].upper()}-{clients}"
    campaign_id, tokens = common.open_campaign(app, pack, code, WARM_UP + n, PLACES[pack], tmp)
    print(f"set-up (campaign {code}, {len(tokens)} links): {time.perf_counter() - t0:.1f}s")
    env = {"DATABASE_URL": url, "SECRET_KEY": args.secret_key, "LINK_SECRET": args.link_secret}
    warm, rec = Recorder(), Recorder()
    with common.Server("wsgi:app", env, args.workers, args.threads) as server:
        server.wait_ready("/api/v1/openapi.json")
        warm_run = common.run_clients(server.port, tokens[:WARM_UP], lambda c, t, r: respond(c, t, r, warm), WARM_UP)
        run = common.run_clients(server.port, tokens[WARM_UP:], lambda c, t, r: respond(c, t, r, rec), clients)
    bare.append(common.bench_bare(args.bare_requests, clients, args.workers, args.threads))
    errors = warm_run.errors + run.errors
    busy = sum(1 for end in rec.ends if end - run.started <= run.drained)
    result = Result(
        database,
        pack,
        clients,
        n,
        rec.requests,
        rec.requests / run.elapsed,
        busy / run.drained if run.drained > 0 else float("nan"),
        sum(bare) / len(bare),  # the baseline before and after: other load on the machine drifts
        rec.times,
        [f"{len(errors)} client errors, first: {errors[0]}"] if errors else [],
    )
    if rec.completed != n:
        result.problems.append(f"{rec.completed} of {n} timed respondents completed")
    completed, answers = warm.completed + rec.completed, warm.answers + rec.answers
    result.problems += common.check_counted_once(app, campaign_id, completed, answers)
    print(
        f"{rec.requests} requests in {run.elapsed:.2f}s: {result.rps:.0f} req/s "
        f"({result.busy_rps:.0f} req/s while all {clients} clients were busy, the first {run.drained:.1f}s); "
        f"÷ bare ({bare[0]:.0f} before, {bare[1]:.0f} after: {result.bare_rps:.0f}) = {result.ratio:.3f}"
    )
    for kind in KINDS:
        values = rec.times[kind]
        print(f"  {kind:<9} n={len(values):<6} p50 {pct(values, 50):7.1f} ms   p99 {pct(values, 99):7.1f} ms")
    if result.problems:
        print("FAILED:", *result.problems, sep="\n  ")
    else:
        print(
            f"checked: {rec.completed} + {warm.completed} warm-up sessions completed = responses = invitations "
            f"submitted, {answers} answers stored, live tallies equal a rebuild"
        )
    return result


def bench_database(database: str, args, tmp: Path) -> list[Result]:
    app = common.fresh_app(database, args, tmp / "bench.sqlite3")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    results = []
    for pack in args.packs:
        per_client = PER_CLIENT[pack][1 if args.quick else 0] if args.per_client is None else args.per_client
        for clients in args.clients:
            results.append(bench_run(database, url, app, pack, clients, per_client * clients, args, tmp))
    return results


def summary(results: list[Result]) -> str:
    """The figures as a Markdown table, numbers written the Vietnamese way (as in the README)."""
    from analysis.vntext import format_number

    ms = lambda r, kind: "{} / {}".format(*(format_number(pct(r.times[kind], p), 0) for p in (50, 99)))  # noqa: E731
    lines = [
        "| database | pack | clients | respondents | requests | req/s | ÷ bare | bare req/s "
        "| page p50 / p99 ms | autosave p50 / p99 ms | submit p50 / p99 ms | session p50 / p99 ms | check |",
        "|" + "---|" * 13,
    ]
    for r in results:
        cells = [r.database, r.pack, str(r.clients), format_number(r.respondents, 0), format_number(r.requests, 0)]
        cells += [format_number(r.rps, 0), format_number(r.ratio, 3), format_number(r.bare_rps, 0)]
        cells += [ms(r, kind) for kind in KINDS]
        cells.append("FAILED" if r.problems else "ok")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _clients(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive numbers, e.g. 32,64")
    return values


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help="one respondent per client, 32 clients unless --clients is given"
    )
    ap.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--pack", choices=[*PER_CLIENT, "both"], default="both")
    ap.add_argument("--clients", type=_clients, help="concurrent clients, comma-separated (default 32,64)")
    ap.add_argument("--per-client", type=int, help="respondents per client (default: 5 son-la-2024, 2 hai-cap-2025)")
    ap.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT),
        help=f"PostgreSQL database, created if missing, its schema wiped (default {PG_DEFAULT})",
    )
    ap.add_argument("--workers", type=int, help="gunicorn workers (default: as gunicorn.conf.py decides)")
    ap.add_argument("--threads", type=int, help="gunicorn threads per worker (default: as gunicorn.conf.py decides)")
    args = ap.parse_args()
    args.clients = args.clients or ([32] if args.quick else [32, 64])
    args.packs = list(PER_CLIENT) if args.pack == "both" else [args.pack]
    args.bare_requests = 3000 if args.quick else 6000
    args.secret_key, args.link_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    print(
        f"{os.cpu_count()} CPU cores, shared by clients, servers and databases; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + f"; gunicorn {args.workers or conf['workers']} workers × {args.threads or conf['threads']} threads"
    )
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-respondent-") as tmp:
        for database in databases:
            results += bench_database(database, args, Path(tmp))
    print(f"\n{time.perf_counter() - started:.0f}s in all; load average after: {os.getloadavg()[0]:.2f}\n")
    print(summary(results))
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
