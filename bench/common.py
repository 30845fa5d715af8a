"""Machinery shared by the HTTP load benchmarks (bench/submit.py, bench/respondent.py).

Set-up in process (a fresh database, a campaign opened with its respondents and links), gunicorn started with
gunicorn.conf.py on a free loopback port, keep-alive clients (one http.client connection per thread), the bare
Flask baseline served the same way, percentiles, and the after-run check that every respondent was counted once.
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import queue
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PACKS = ROOT / "questionnaires"


# ---------------------------------------------------------------- set-up (in process)


def fresh_postgresql(url: str) -> None:
    """Create the database if missing, then drop and recreate its public schema."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    base, name = plain.rsplit("/", 1)
    name = name.split("?", 1)[0]
    if name in ("test", "postgres"):
        raise SystemExit(f"refusing to wipe the database {name!r}: give the benchmark its own database")
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


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def fresh_app(database: str, args, sqlite_file: Path):
    """The app on a new, migrated database: a SQLite file, or the emptied PostgreSQL of `args.pg_url`."""
    if database == "sqlite":
        url = f"sqlite:///{sqlite_file}"
    else:
        url = args.pg_url
        fresh_postgresql(url)
    app = make_app(url, args.secret_key, args.link_secret)
    migrate(app)
    return app


Places = Callable[[object], Sequence[tuple[str, str]]]


def open_campaign(app, pack: str, code: str, n: int, places: Places, workdir: Path) -> tuple[int, list[str]]:
    """Create and open a campaign of `pack`, import N respondents, issue links; the campaign id and the tokens.

    `places(campaign)` lists the (unit code, group code) pairs respondents are spread over, round-robin; the
    tokens come back in that order.
    """
    from survey_app.extensions import db
    from survey_app.models import Invitation
    from survey_app.services.survey import campaigns, invitations, roster
    from survey_app.timeutil import now

    with app.app_context():
        start = now()
        c = campaigns.create_campaign(PACKS / pack, code, start - timedelta(days=1), start + timedelta(days=10))
        campaigns.open_campaign(c.code)
        spots = list(places(c))
        path = workdir / f"respondents-{code}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["unit_code", "group_code", "full_name", "position", "email"])
            for i in range(n):
                unit, group = spots[i % len(spots)]
                w.writerow([unit, group, f"Người Đo {i}", "Chuyên viên", f"p{i}@{code.lower()}.bench.example"])
        roster.import_respondents(c, path)
        invitations.issue_invitations(c)
        nonces = db.session.scalars(
            sa.select(Invitation.nonce).where(Invitation.campaign_id == c.id).order_by(Invitation.id)
        ).all()
        tokens = [invitations.derive_token(c.id, nonce) for nonce in nonces]
        campaign_id = c.id
        db.session.remove()
        db.engine.dispose()
    return campaign_id, tokens


# ---------------------------------------------------------------- the after-run check


def check_counted_once(app, campaign_id: int, completed: int, answers: int | None = None) -> list[str]:
    """Problems found after a run: each completed respondent counted exactly once, live tallies equal a rebuild.

    `completed` is the number of sessions whose submit the server accepted; `answers`, when given, the number
    of answers those sessions gave (none may be lost). Submissions whose cells have not yet reached k wait
    sealed for the mixer: they are flushed first, as closing does, so that every one is counted.
    """
    from survey_app.extensions import db
    from survey_app.models import Answer, Campaign, Invitation, Response
    from survey_app.services.survey import mixing, tallies

    problems = []
    with app.app_context():
        c = db.session.get(Campaign, campaign_id)
        mixing.mix(c, flush=True)
        responses = db.session.scalar(sa.select(sa.func.count(Response.id)).where(Response.campaign_id == c.id))
        submitted = db.session.scalar(
            sa.select(sa.func.count(Invitation.id)).where(
                Invitation.campaign_id == c.id, Invitation.status == "submitted"
            )
        )
        if not (responses == submitted == completed):
            problems.append(
                f"{completed} sessions completed, {responses} responses stored, {submitted} invitations submitted"
            )
        if answers is not None:
            stored = db.session.scalar(
                sa.select(sa.func.count()).select_from(Answer).join(Response).where(Response.campaign_id == c.id)
            )
            if stored != answers:
                problems.append(f"{stored} answers stored, the completed sessions gave {answers}")
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
    """gunicorn -c gunicorn.conf.py <app> on a free loopback port, stopped on exit.

    Workers and threads left as None keep what gunicorn.conf.py decides (its environment variables or defaults).
    """

    def __init__(self, app_spec: str, env: dict, workers: int | None = None, threads: int | None = None):
        self.port = free_port()
        sizing = {"GUNICORN_WORKERS": workers, "GUNICORN_THREADS": threads}
        full_env = (
            os.environ
            | env
            | {k: str(v) for k, v in sizing.items() if v is not None}
            | {
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
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
        self.set_cookies: list[str] = []  # the Set-Cookie headers of the last response

    def close(self) -> None:
        """Drop the connection: the next request opens a new one (a new phone)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, float, bool]:
        """Status, body, seconds and whether the request had to be sent again on a new connection."""
        data = json.dumps(body).encode() if body is not None else None
        headers = ({"Content-Type": "application/json"} if data is not None else {}) | (headers or {})
        t0 = time.perf_counter()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                payload = r.read()
                self.set_cookies = r.headers.get_all("Set-Cookie") or []
                if r.will_close:
                    self.close()
                return r.status, payload, time.perf_counter() - t0, attempt > 1
            except RETRYABLE:
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Run:
    """What run_clients measured: seconds from the start until the last and the first client ran out of jobs."""

    elapsed: float
    drained: float  # until the first client found the queue empty: up to here every client was busy
    started: float  # time.perf_counter() at the start, to place timestamps taken during the run
    errors: list[str] = field(default_factory=list)


def run_clients(port: int, jobs, work, clients: int) -> Run:
    """`clients` threads, each with its own connection, share the job queue: work(client, job, rng)."""
    q: queue.Queue = queue.Queue()
    for job in jobs:
        q.put(job)
    errors: list[str] = []
    idle: list[float] = []
    start = threading.Barrier(clients + 1)

    def worker(seed: int):
        client, rng = Client(port), random.Random(seed)
        start.wait()
        while True:
            try:
                job = q.get_nowait()
            except queue.Empty:
                idle.append(time.perf_counter())
                break
            try:
                work(client, job, rng)
            except Exception as exc:  # counted and reported; the run goes on
                errors.append(f"{type(exc).__name__}: {exc}")
        client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    start.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    return Run(time.perf_counter() - t0, min(idle) - t0, t0, errors)


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def bench_bare(requests: int, clients: int, workers: int | None = None, threads: int | None = None) -> float:
    """Requests per second of bench/bare_app.py (one JSON endpoint) under the same gunicorn set-up and clients."""
    with Server("bench.bare_app:app", {}, workers, threads) as server:
        server.wait_ready("/ping")
        latencies: list[float] = []

        def ping(client: Client, _job, _rng):
            status, body, dt, _ = client.request("GET", "/ping")
            if status != 200:
                raise RuntimeError(f"GET /ping: {status}")
            latencies.append(dt)

        run = run_clients(server.port, range(requests), ping, clients)
    if run.errors:
        raise SystemExit(f"baseline failed: {len(run.errors)} errors, first: {run.errors[0]}")
    rps = requests / run.elapsed
    print(
        f"bare Flask app, {clients} clients: {requests} requests in {run.elapsed:.2f}s = {rps:.0f} req/s, "
        f"p50 {pct(latencies, 50):.1f} ms, p99 {pct(latencies, 99):.1f} ms"
    )
    return rps
