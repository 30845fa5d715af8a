"""Load test: N respondents complete the questionnaire through the JSON API against gunicorn, on a fresh database.

    python bench/submit.py [--n 400] [--clients 32] [--db sqlite|postgresql|both] [--pg-url URL]

Per database: a fresh schema (migrations), the son-la-2024 campaign opened with N respondents and their links,
then gunicorn (gunicorn.conf.py, wsgi:app) on a free loopback port; `--clients` threads each take tokens from a
queue and, per questionnaire, GET it, PUT every answer at once and POST submit, each request timed. Before that,
the same gunicorn setup serves bench/bare_app.py (one JSON endpoint) to the same clients, as the baseline.
Afterwards: exactly N responses, N submitted invitations, and the live tallies equal to a rebuild, or exit 1.
Client and server share the machine's cores, so the figures are relative (see the ratio to the bare app).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402  (fresh_postgresql and make_app are also used by bench/dashboard.py)
    Client,
    Server,
    bench_bare,
    check_counted_once,
    fresh_postgresql,
    make_app,
    migrate,
    open_campaign,
    pct,
    run_clients,
)

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
# Respondent groups of son-la-2024 with a unit each may belong to (unit types must match).
PLACES = [("SO-NV", "SO-CC"), ("SO-TC", "SO-LDP"), ("SO-NV", "SO-LD"), ("H-MAI-SON", "H-PB"), ("H-MAI-SON", "H-XA")]


@dataclass
class Timings:
    get: list[float] = field(default_factory=list)
    put: list[float] = field(default_factory=list)
    submit: list[float] = field(default_factory=list)
    whole: list[float] = field(default_factory=list)
    answers: int = 0  # answers given by the questionnaires the server accepted
    lock: threading.Lock = field(default_factory=threading.Lock)


def answers_for(q: dict, rng: random.Random) -> dict:
    out = {}
    for section in q["sections"]:
        unit = out.setdefault(section["unit"]["code"], {})
        for area in section["areas"]:
            for question in area["questions"]:
                unit[question["code"]] = rng.choice(q["scales"][question["scale"]])["code"]
    return out


def complete(client: Client, token: str, rng: random.Random, t: Timings) -> None:
    t0 = time.perf_counter()
    status, body, dt_get, _ = client.request("GET", f"/api/v1/r/{token}")
    if status != 200:
        raise RuntimeError(f"GET questionnaire: {status} {body[:200]!r}")
    answers = answers_for(json.loads(body), rng)
    status, body, dt_put, _ = client.request("PUT", f"/api/v1/r/{token}/answers", {"answers": answers})
    if status != 200:
        raise RuntimeError(f"PUT answers: {status} {body[:200]!r}")
    status, body, dt_submit, retried = client.request("POST", f"/api/v1/r/{token}/submit")
    if status != 200 and not (retried and status == 409):  # a retried submit finds the first one stored
        raise RuntimeError(f"POST submit: {status} {body[:200]!r}")
    whole = time.perf_counter() - t0
    with t.lock:
        t.get.append(dt_get)
        t.put.append(dt_put)
        t.submit.append(dt_submit)
        t.whole.append(whole)
        t.answers += sum(len(given) for given in answers.values())


# ---------------------------------------------------------------- runs


def bench_db(backend: str, args, bare_rps: float, tmp: Path) -> bool:
    print(
        f"\n== {backend}: {args.n} questionnaires, {args.clients} clients, "
        f"gunicorn {args.workers} workers × {args.threads} threads"
    )
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        url = args.pg_url
        fresh_postgresql(url)
    secret_key, link_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    app = make_app(url, secret_key, link_secret)
    t0 = time.perf_counter()
    migrate(app)
    campaign_id, tokens = open_campaign(app, "son-la-2024", "BENCH", args.n, lambda _c: PLACES, tmp)
    print(f"set-up (migrations, campaign, {len(tokens)} links): {time.perf_counter() - t0:.1f}s")
    env = {"DATABASE_URL": url, "SECRET_KEY": secret_key, "LINK_SECRET": link_secret}
    timings = Timings()
    with Server("wsgi:app", env, args.workers, args.threads) as server:
        server.wait_ready("/api/v1/openapi.json")
        run = run_clients(server.port, tokens, lambda c, tok, rng: complete(c, tok, rng, timings), args.clients)
    elapsed, errors = run.elapsed, run.errors
    done = len(timings.submit)
    per_s = done / elapsed
    req_s = 3 * done / elapsed
    print(f"{done} questionnaires in {elapsed:.2f}s: {per_s:.1f} submits/s ({req_s:.0f} req/s over GET+PUT+POST)")
    for name, values in (
        ("GET questionnaire", timings.get),
        ("PUT answers", timings.put),
        ("POST submit", timings.submit),
        ("whole questionnaire", timings.whole),
    ):
        print(f"  {name:<20} p50 {pct(values, 50):7.1f} ms   p99 {pct(values, 99):7.1f} ms")
    print(
        f"  vs bare Flask: submits/s ÷ bare req/s = {per_s / bare_rps:.3f}; "
        f"our req/s ÷ bare req/s = {req_s / bare_rps:.3f}"
    )
    problems = [f"{len(errors)} client errors, first: {errors[0]}"] if errors else []
    if done != args.n:
        problems.append(f"{done} questionnaires completed, expected {args.n}")
    problems += check_counted_once(app, campaign_id, done, timings.answers)
    if problems:
        print(f"FAILED on {backend}:", *problems, sep="\n  ")
        return False
    print(
        f"{backend}: {args.n} responses, {args.n} submitted invitations, tallies equal a rebuild: "
        "no response lost or doubled"
    )
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=400, help="questionnaires to complete (default 400)")
    ap.add_argument("--clients", type=int, default=32, help="concurrent client threads (default 32)")
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT),
        help=f"PostgreSQL database, created if missing, its schema wiped (default {PG_DEFAULT})",
    )
    ap.add_argument("--workers", type=int, default=int(os.environ.get("GUNICORN_WORKERS", "2")))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", "8")))
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"{os.cpu_count()} CPU cores; clients and server share them")
    bare_rps = bench_bare(max(3 * args.n, 5000), args.clients, args.workers, args.threads)
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for backend in backends:
            ok = bench_db(backend, args, bare_rps, Path(tmp)) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
