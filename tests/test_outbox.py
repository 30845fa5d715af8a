"""The outbox itself: claims never overlap, leases hand rows of a dead worker to another, backoff has
jitter and a ceiling, permanent failures stop, and a worker killed with SIGKILL loses nothing."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from survey_app import config as app_config
from survey_app import create_app
from survey_app.config import ROOT
from survey_app.extensions import db
from survey_app.models import OutboxMessage
from survey_app.services.delivery import outbox
from survey_app.services.delivery import queue as delivery
from survey_app.services.delivery.outbox import Outcome
from survey_app.timeutil import now

from .support.campaigns import make_campaign, person
from .support.delivery import Inbox, SmtpServer

EMAIL = {"MAIL_FROM": "khaosat@sonla.example", "SMTP_HOST": "127.0.0.1", "SMTP_TLS": "none"}


@pytest.fixture
def queued(sonla, app, monkeypatch):
    for key, value in EMAIL.items():
        monkeypatch.setitem(app.config, key, value)
    delivery.queue_invitations(sonla.campaign, "email")
    return sonla


def test_two_claims_at_once_never_take_the_same_row(queued, app):
    taken: list[list[int]] = []

    def claim():
        with app.app_context():
            taken.append([m.id for m in outbox.claim(limit=4)])
            db.session.remove()

    db.session.rollback()  # SQLite: every transaction holds the write lock, the test's own too
    threads = [threading.Thread(target=claim) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(t) for t in taken) == [3, 4]
    assert not set(taken[0]) & set(taken[1])
    assert outbox.claim() == []  # all held, leases still running


def test_an_expired_lease_hands_rows_over_and_says_which_may_have_arrived(queued, app, caplog):
    first = outbox.claim(limit=3)
    outbox.mark_in_flight(first[0].id)  # the worker then dies while sending this one
    assert outbox.claim() and outbox.claim() == []
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_([m.id for m in first]))
        .values(lease_until=now() - timedelta(seconds=1))
    )
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="survey_app.services.outbox"):
        again = outbox.claim()
    assert [m.id for m in again] == [m.id for m in first]
    assert [m.interrupted for m in again] == [True, False, False]
    warned = [r.getMessage() for r in caplog.records if "interrupted" in r.getMessage()]
    assert warned == [
        f"outbox {first[0].id} (email): an earlier attempt was interrupted after it started; "
        "resending, the provider cannot tell whether it arrived (at most one duplicate)"
    ]


def test_backoff_grows_with_jitter_up_to_a_ceiling(app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_BASE", 60)
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_MAX", 3600)
    for attempts, full in [(1, 60), (2, 120), (3, 240), (7, 3600), (20, 3600)]:
        delays = [outbox.backoff(attempts) for _ in range(200)]
        assert full / 2 <= min(delays) and max(delays) <= full
        assert len(set(delays)) > 150  # jitter: workers retrying together spread out


def test_retries_stop_at_the_limit_and_deferrals_do_not_count(queued, app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    msg = outbox.claim(limit=1)[0]
    outbox.mark_in_flight(msg.id)
    outbox.record(msg, Outcome.defer(now() - timedelta(seconds=1), "zalo_quota", "-144 quota"))
    row = db.session.get(OutboxMessage, msg.id)
    assert (row.status, row.attempts, row.error_code, row.last_error) == ("pending", 0, "zalo_quota", "-144 quota")
    for expected in ("pending", "failed"):
        msg = outbox.claim(limit=1)[0]
        outbox.mark_in_flight(msg.id)
        outbox.record(msg, Outcome.retry("smtp_temporary", "451 try later"))
        db.session.expire_all()
        row = db.session.get(OutboxMessage, msg.id)
        assert row.status == expected
        row.next_attempt_at = now() - timedelta(days=1)  # first in line again
        db.session.commit()
    assert (row.attempts, row.error_code, row.last_error) == (2, "gave_up", "451 try later")


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_at_most_the_one_in_flight(tmp_path):
    """`flask worker` against a SQLite file, killed with SIGKILL, then restarted."""
    url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    app = create_app(app_config.TestConfig(url))
    inbox = SlowInbox()
    server = SmtpServer(inbox).start()
    try:
        with app.app_context():
            upgrade(revision="heads")
            app.config.update(EMAIL)
            people = [person(i, "SO-NV", "SO-CC") for i in range(1, 41)]
            delivery.queue_invitations(make_campaign(app, tmp_path, "son-la-2024", people).campaign, "email")
            db.session.remove()
        env = (
            os.environ
            | {k: str(v) for k, v in EMAIL.items()}
            | {
                "DATABASE_URL": url,
                "SECRET_KEY": "test-secret-key-0123456789",
                "FLASK_APP": "wsgi.py",
                "LINK_SECRET": "test-link-secret-0123456789",
                "BASE_URL": "http://survey.test",
                "SMTP_PORT": str(server.port),
                "OUTBOX_BATCH": "10",
                "OUTBOX_LEASE_SECONDS": "2",
                "WORKER_POLL_SECONDS": "0.1",
                "LOG_LEVEL": "INFO",
            }
        )
        flask = [sys.executable, "-m", "flask", "worker", "--channel", "email"]
        first = subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while len(inbox.received) < 12 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait()
        before = len(inbox.received)
        assert 12 <= before < 40
        second = subprocess.run([*flask, "--drain"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
    finally:
        server.stop()
    copies = Counter(rcpt for _, (rcpt,), _ in inbox.received)
    assert len(copies) == 40  # every message arrived
    doubled = {r for r, n in copies.items() if n > 1}
    assert max(copies.values()) <= 2 and len(doubled) <= 1
    warned = re.findall(r"outbox (\d+) \(email\): an earlier attempt was interrupted", second.stderr)
    resent = re.findall(r"outbox (\d+) \(email invitation\): sent again after an interrupted attempt", second.stderr)
    assert len(warned) <= 1 and warned == resent  # the log names the one message that may be doubled
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert {r.status for r in rows} == {"sent"}
        assert {r.address for r in rows if str(r.id) in warned} >= doubled
        db.engine.dispose()


class SlowInbox(Inbox):
    """Takes a little time per message, so that a kill lands in the middle of a batch."""

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(0.03)
        return await super().handle_DATA(server, session, envelope)
