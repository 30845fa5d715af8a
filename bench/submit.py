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
import csv
import http.client
import json
import os
import queue
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
# Respondent groups of son-la-2024 with a unit each may belong to (unit types must match).
PLACES = [("SO-NV", "SO-CC"), ("SO-TC", "SO-LDP"), ("SO-NV", "SO-LD"), ("H-MAI-SON", "H-PB"), ("H-MAI-SON", "H-XA")]


# ---------------------------------------------------------------- set-up (in process)


def fresh_postgresql(url: str) -> None:
    """Create the database if missing, then drop and recreate its public schema."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    base, name = plain.rsplit("/", 1)
    name = name.split("?", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def make_app(url: str, secret_key: str, link_secret: str):
    from survey_app import create_app
    from survey_app.config import Config

    config = Config()
    config.SQLALCHEMY_DATABASE_URI, config.SECRET_KEY, config.LINK_SECRET = url, secret_key, link_secret
    config.LOG_LEVEL = "ERROR"  # the pack's known warnings, printed at every campaign creation, are noise here
    return create_app(config)


def prepare(app, n: int, workdir: Path) -> tuple[int, list[str]]:
    """Migrate, create and open the campaign, import N respondents, issue links; the campaign id and tokens."""
    from flask_migrate import upgrade

    from survey_app.extensions import db
    from survey_app.models import Invitation
    from survey_app.services.survey import campaigns, invitations, roster
    from survey_app.timeutil import now

    with app.app_context():
        upgrade()
        start = now()
        c = campaigns.create_campaign(
            ROOT / "questionnaires" / "son-la-2024", "BENCH", start - timedelta(days=1), start + timedelta(days=10)
        )
        campaigns.open_campaign(c.code)
        path = workdir / "respondents.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["unit_code", "group_code", "full_name", "position", "email"])
            for i in range(n):
                unit, group = PLACES[i % len(PLACES)]
                w.writerow([unit, group, f"Người Đo {i}", "Chuyên viên", f"p{i}@bench.example"])
        roster.import_respondents(c, path)
        invitations.issue_invitations(c)
        nonces = db.session.scalars(sa.select(Invitation.nonce).where(Invitation.campaign_id == c.id)).all()
        tokens = [invitations.derive_token(c.id, nonce) for nonce in nonces]
        campaign_id = c.id
        db.session.remove()
        db.engine.dispose()
    return campaign_id, tokens


def verify(app, campaign_id: int, n: int) -> list[str]:
    """Problems found: response and invitation counts, live tallies against a rebuild."""
    from survey_app.extensions import db
    from survey_app.models import Campaign, Invitation, Response
    from survey_app.services.survey import tallies

    problems = []
    with app.app_context():
        c = db.session.get(Campaign, campaign_id)
        count = lambda q: db.session.scalar(sa.select(sa.func.count()).select_from(q.subquery()))  # noqa: E731
        responses = count(sa.select(Response.id).where(Response.campaign_id == c.id))
        submitted = count(
            sa.select(Invitation.id).where(Invitation.campaign_id == c.id, Invitation.status == "submitted")
        )
        if responses != n:
            problems.append(f"{responses} responses stored, expected {n}")
        if submitted != n:
            problems.append(f"{submitted} invitations submitted, expected {n}")
        live = tallies.snapshot(c)
        tallies.rebuild_tallies(c)
        rebuilt = tallies.snapshot(c)
        for table in rebuilt:
            if live[table] != rebuilt[table]:
                diff = set(live[table].items()) ^ set(rebuilt[table].items())
                problems.append(f"{table}: live counters differ from a rebuild ({len(diff)} rows differ)")
        db.session.remove()
        db.engine.dispose()
    return problems


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn -c gunicorn.conf.py <app> on a free loopback port, stopped on exit."""

    def __init__(self, app_spec: str, env: dict, workers: int, threads: int):
        self.port = free_port()
        full_env = (
            os.environ
            | env
            | {
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(workers),
                "GUNICORN_THREADS": str(threads),
                "GUNICORN_ACCESSLOG": "/dev/null",
                "RATELIMIT_TOKEN_ROUTES": "1000000 per minute",
                "RATELIMIT_UNKNOWN_TOKEN": "1000000 per minute",
                "LOG_LEVEL": "WARNING",
            }
        )
        self.proc = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "--log-level", "warning", app_spec], cwd=ROOT, env=full_env
        )

    def wait_ready(self, path: str, timeout: float = 30) -> None:
        """Wait until `path` answers, then warm every worker up with a few parallel requests (untimed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", path)
                if conn.getresponse().status < 500:
                    conn.close()
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"gunicorn did not answer on port {self.port} within {timeout}s")
        run_clients(self.port, range(200), lambda c, _j, _r: c.request("GET", path), 16)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# ---------------------------------------------------------------- clients

RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.CannotSendRequest)


class Client:
    """One keep-alive connection; reconnects once when the server closed it."""

    def __init__(self, port: int):
        self.port, self.conn = port, None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, float, bool]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        t0 = time.perf_counter()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                payload = r.read()
                if r.will_close:
                    self.conn.close()
                    self.conn = None
                return r.status, payload, time.perf_counter() - t0, attempt > 1
            except RETRYABLE:
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Timings:
    get: list[float] = field(default_factory=list)
    put: list[float] = field(default_factory=list)
    submit: list[float] = field(default_factory=list)
    whole: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
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
    q = json.loads(body)
    status, body, dt_put, _ = client.request("PUT", f"/api/v1/r/{token}/answers", {"answers": answers_for(q, rng)})
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


def run_clients(port: int, jobs: list, work, clients: int) -> tuple[float, list[str]]:
    """`clients` threads share the job queue; returns the elapsed seconds and the errors."""
    q: queue.Queue = queue.Queue()
    for job in jobs:
        q.put(job)
    errors: list[str] = []
    start = threading.Barrier(clients + 1)

    def worker(seed: int):
        client, rng = Client(port), random.Random(seed)
        start.wait()
        while True:
            try:
                job = q.get_nowait()
            except queue.Empty:
                break
            try:
                work(client, job, rng)
            except Exception as exc:  # counted and reported; the run goes on
                errors.append(f"{type(exc).__name__}: {exc}")
        if client.conn:
            client.conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    start.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    return time.perf_counter() - t0, errors


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# ---------------------------------------------------------------- runs


def bench_bare(requests: int, clients: int, workers: int, threads: int) -> float:
    with Server("bench.bare_app:app", {}, workers, threads) as server:
        server.wait_ready("/ping")
        latencies: list[float] = []

        def ping(client: Client, _job, _rng):
            status, body, dt, _ = client.request("GET", "/ping")
            if status != 200:
                raise RuntimeError(f"GET /ping: {status}")
            latencies.append(dt)

        elapsed, errors = run_clients(server.port, range(requests), ping, clients)
    if errors:
        raise SystemExit(f"baseline failed: {len(errors)} errors, first: {errors[0]}")
    rps = requests / elapsed
    print(
        f"bare Flask app: {requests} requests in {elapsed:.2f}s = {rps:.0f} req/s, "
        f"p50 {pct(latencies, 50):.1f} ms, p99 {pct(latencies, 99):.1f} ms"
    )
    return rps


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
    campaign_id, tokens = prepare(app, args.n, tmp)
    print(f"set-up (migrations, campaign, {len(tokens)} links): {time.perf_counter() - t0:.1f}s")
    env = {"DATABASE_URL": url, "SECRET_KEY": secret_key, "LINK_SECRET": link_secret}
    timings = Timings()
    with Server("wsgi:app", env, args.workers, args.threads) as server:
        server.wait_ready("/api/v1/openapi.json")
        elapsed, errors = run_clients(
            server.port, tokens, lambda c, tok, rng: complete(c, tok, rng, timings), args.clients
        )
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
    problems += verify(app, campaign_id, args.n)
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
