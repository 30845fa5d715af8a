"""Delivery benchmark: N invitation emails through the outbox to a loopback SMTP server (aiosmtpd).

    python bench/send.py [--n 10000] [--pg-url URL]

Runs, in one process tree and one run: a bare smtplib loop in its own process (build each message
as the worker does, send it on one connection: the floor), one `flask worker --drain` on SQLite, then one and two
workers on PostgreSQL (database `bench_send`, created if missing, its schema replaced). Each run
starts from freshly queued rows; the server counts messages by Message-ID and the run fails if any
is missing or doubled. The SMTP server, the workers and the database share the machine's cores,
so read the ratios, not the absolute rates.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from tests.delivery_support import Inbox, SmtpServer  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_send"
SECRETS = {"SECRET_KEY": "bench-secret-key-0123456789", "LINK_SECRET": "bench-link-secret-0123456789"}


class CountingInbox(Inbox):
    """Keeps only the Message-ID of each message (10,000 full messages would skew memory and time)."""

    async def handle_DATA(self, server, session, envelope):
        head = envelope.content.split(b"\r\n\r\n", 1)[0]
        mid = next(
            (line.split(b":", 1)[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"message-id:")),
            b"",
        )
        self.received.append(mid)
        return "250 OK"


def environment(url: str, port: int) -> dict[str, str]:
    return (
        os.environ
        | SECRETS
        | {
            "DATABASE_URL": url,
            "BASE_URL": "https://khaosat.example.gov.vn",
            "FLASK_APP": "wsgi.py",
            "MAIL_FROM": "khaosat@sonla.example",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_TLS": "none",
            "LOG_LEVEL": "WARNING",
            "OUTBOX_BATCH": "100",
            "WORKER_POLL_SECONDS": "0.2",
        }
    )


def prepare(url: str, n: int, port: int, tmp: Path):
    """Fresh schema, a campaign with n respondents and their links, n invitation emails queued."""
    os.environ.update(environment(url, port))
    from flask_migrate import upgrade

    from survey_app import create_app
    from survey_app.extensions import db
    from survey_app.services.delivery import queue as delivery
    from survey_app.services.survey import campaigns, invitations, roster
    from survey_app.timeutil import now

    app = create_app()
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade(revision="heads")
        start = now()
        c = campaigns.create_campaign(
            ROOT / "questionnaires" / "son-la-2024", "B", start - timedelta(days=1), start + timedelta(days=20)
        )
        campaigns.open_campaign(c.code)
        people = tmp / "people.csv"
        with people.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["unit_code", "group_code", "full_name", "email"])
            w.writerows(["SO-NV", "SO-CC", f"Nguyễn Văn Thử {i}", f"cb{i}@sonla.example"] for i in range(n))
        roster.import_respondents(c, people)
        invitations.issue_invitations(c)
        report = delivery.queue_invitations(c, "email")
        assert report.queued == n, report
        db.engine.dispose()
    return app


def ensure_pg_database(url: str) -> None:
    server, _, name = url.rpartition("/")
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()


def bare_loop(url: str, port: int) -> tuple[int, float]:
    """The floor: build the same messages as the worker and send them on one plain smtplib connection.

    Runs in its own process, like the workers, so that it does not share this process's interpreter
    lock with the aiosmtpd server thread.
    """
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    child = ctx.Process(target=_bare_child, args=(url, port, results))
    child.start()
    sent, elapsed = results.get(timeout=3600)
    child.join()
    return sent, elapsed


def _bare_child(url: str, port: int, results) -> None:
    os.environ.update(environment(url, port))
    from bots.email import build_message
    from survey_app import create_app
    from survey_app.extensions import db
    from survey_app.services.delivery import outbox

    app = create_app()
    with app.app_context():
        claimed = outbox.claim(limit=10**9)
        outbox.attach_links(claimed)
        db.session.execute(sa.text("UPDATE outbox_message SET status = 'pending', lease_until = NULL"))
        db.session.commit()
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for m in claimed:
                smtp.send_message(build_message(m, app.config), from_addr=app.config["MAIL_FROM"], to_addrs=[m.address])
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    results.put((len(claimed), elapsed))


def workers(url: str, port: int, count: int) -> float:
    """Start `count` `flask worker --drain` processes and wait until all have exited."""
    cmd = [sys.executable, "-m", "flask", "worker", "--channel", "email", "--drain"]
    started = time.perf_counter()
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=environment(url, port)) for _ in range(count)]
    codes = [p.wait() for p in procs]
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    return time.perf_counter() - started


def check(inbox: CountingInbox, n: int) -> None:
    copies = Counter(inbox.received)
    if len(copies) != n or max(copies.values()) != 1:
        raise SystemExit(
            f"expected {n} distinct messages once each, got {len(copies)} distinct, {sum(copies.values())} in all"
        )
    inbox.received.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    args = parser.parse_args()
    inbox = CountingInbox()
    server = SmtpServer(inbox).start()
    results: list[tuple[str, float]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            prepare(sqlite_url, args.n, server.port, Path(tmp))
            sent, bare = bare_loop(sqlite_url, server.port)
            check(inbox, args.n)
            results.append(("bare smtplib loop", bare))
            results.append(("1 worker, SQLite", workers(sqlite_url, server.port, 1)))
            check(inbox, args.n)
            ensure_pg_database(args.pg_url)
            for count in (1, 2):
                prepare(args.pg_url, args.n, server.port, Path(tmp))
                results.append((f"{count} worker(s), PostgreSQL", workers(args.pg_url, server.port, count)))
                check(inbox, args.n)
    finally:
        server.stop()
    print(f"\n{args.n} invitation emails to aiosmtpd on 127.0.0.1 ({os.cpu_count()} cores)")
    print(f"{'run':<28}{'seconds':>10}{'msg/s':>10}{'of bare':>10}")
    for name, seconds in results:
        print(f"{name:<28}{seconds:>10.1f}{args.n / seconds:>10.0f}{bare / seconds:>10.0%}")


if __name__ == "__main__":
    main()
