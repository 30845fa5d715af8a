"""Email through a real SMTP server on loopback: content, links that open the right questionnaire,
refused and malformed addresses, a server that goes down mid-batch and comes back."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import sqlalchemy as sa

from bots import worker
from survey_app.extensions import db
from survey_app.models import Invitation, OutboxMessage, Respondent
from survey_app.services.delivery import queue as delivery
from survey_app.services.delivery import status as delivery_status

from .support.delivery import LINK, Inbox, SmtpServer, body_text, configure_email


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    server = SmtpServer(inbox).start()
    configure_email(monkeypatch, app, server.port)
    yield server
    server.stop()


def rows() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def drain() -> int:
    return worker.run(worker.build_channels(("email",)), drain=True)


def test_invitations_arrive_in_vietnamese_and_their_links_open_the_right_questionnaire(sonla, smtp, client):
    report = delivery.queue_invitations(sonla.campaign, "email")
    assert (report.queued, report.already, report.skipped) == (7, 0, [])
    stored = json.dumps([m.content for m in rows()])
    assert not any(token in stored for token in sonla.tokens.values())  # the outbox holds no link
    assert drain() == 7
    messages = smtp.inbox.messages()
    assert len(messages) == 7
    by_id = {m.provider_id: m for m in rows()}
    for msg in messages:
        assert msg["Subject"].startswith("Mời anh/chị tham gia Điều tra xã hội học")
        assert msg["From"].addresses[0].display_name == "Sở Nội vụ Sơn La"
        row = by_id[msg["Message-ID"]]  # our own Message-ID, stored with the row
        assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
        email_to = msg["To"].addresses[0].addr_spec
        assert email_to == row.address
        text, html = body_text(msg), body_text(msg, "html")
        assert f"Kính gửi {msg['To'].addresses[0].display_name}" in text
        token = LINK.search(text).group(1)
        assert token == sonla.token(email_to) and f'href="http://survey.test/s/{token}"' in html
        page = client.get(f"/s/{token}")
        assert page.status_code == 200
        inv = db.session.scalar(sa.select(Invitation).join(Respondent).where(Respondent.email == email_to))
        assert inv.status == "opened"  # the link opened this person's own questionnaire
    again = delivery.queue_invitations(sonla.campaign, "email")
    assert (again.queued, again.already) == (0, 7)
    assert drain() == 0 and len(smtp.inbox.received) == 7


def test_refused_recipients_fail_or_retry_by_reply_code_while_the_rest_go(sonla, smtp):
    smtp.inbox.refuse = {"p2@thu.example": "550 5.1.1 No such mailbox", "p3@thu.example": "452 4.2.2 Mailbox full"}
    delivery.queue_invitations(sonla.campaign, "email")
    drain()
    status = {m.address: m for m in rows()}
    refused = status["p2@thu.example"]
    assert (refused.status, refused.error_code) == ("failed", "smtp_refused") and "550" in refused.last_error
    temp = status["p3@thu.example"]
    assert (temp.status, temp.attempts, temp.error_code) == (
        "pending",
        1,
        "smtp_temporary",
    ) and "452" in temp.last_error
    assert sorted(r for _, (r,), _ in smtp.inbox.received) == sorted(
        a for a in status if a not in ("p2@thu.example", "p3@thu.example")
    )
    failures = delivery_status.delivery_failures(sonla.campaign)
    assert [(f.full_name, f.channel, f.status) for f in failures] == [("Người Thử 2", "email", "failed")]
    assert failures[0].try_instead == ("zalo", "letter") and failures[0].code == "smtp_refused"
    last = delivery_status.last_status_by_respondent(sonla.campaign, [status[a].respondent_id for a in status])
    assert last[status["p2@thu.example"].respondent_id] == {"email": "failed"}
    assert last[status["p1@thu.example"].respondent_id] == {"email": "sent"}


def test_missing_or_malformed_addresses_are_skipped_with_a_reason(sonla, smtp):
    people = {p.email: p for p in db.session.scalars(sa.select(Respondent))}
    people["p4@thu.example"].email = None
    people["p5@thu.example"].email = "p5 at thu.example"
    db.session.commit()
    report = delivery.queue_invitations(sonla.campaign, "email")
    assert report.queued == 5
    assert sorted((s.full_name, s.channel, s.reason) for s in report.skipped) == [
        ("Người Thử 4", "email", "no_email"),
        ("Người Thử 5", "email", "bad_email"),
    ]
    assert drain() == 5 and len(smtp.inbox.received) == 5


def test_server_down_mid_batch_keeps_the_rest_pending_and_sends_each_once_when_it_returns(sonla, smtp, app):
    smtp.inbox.down_after = 3
    delivery.queue_invitations(sonla.campaign, "email")
    worker.run_batch(worker.build_channels(("email",)))
    assert smtp.inbox.went_down.is_set()
    smtp.stop()
    assert len(smtp.inbox.received) == 3
    pending = [m for m in rows() if m.status == "pending"]
    assert len(pending) == 4 and all(m.attempts == 0 and m.in_flight_at is None for m in pending)
    assert all(m.error_code in ("smtp_lost_twice", "smtp_unreachable") for m in pending)
    assert worker.run_batch(worker.build_channels(("email",))) == 0  # not due yet: they wait, untried
    smtp.inbox.down_after = None
    smtp.start()
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=sa.func.current_timestamp()))
    db.session.commit()
    drain()
    recipients = Counter(r for _, (r,), _ in smtp.inbox.received)
    assert len(recipients) == 7 and set(recipients.values()) == {1}
    assert {m.status for m in rows()} == {"sent"}


def test_a_reminder_carries_the_current_link_after_a_reissue_and_none_goes_after_submit(sonla, smtp, app):
    from survey_app.services.survey import invitations, responding

    from .support.campaigns import full_answers

    delivery.queue_invitations(sonla.campaign, "email")
    drain()
    new = invitations.reissue_invitation(sonla.campaign, "p2@thu.example")
    q = responding.open_questionnaire(sonla.token("p3@thu.example"))
    report = delivery.queue_reminders(sonla.campaign, channel="email", min_days=0)
    assert report.queued == 7
    responding.submit(sonla.token("p3@thu.example"), full_answers(q))
    drain()
    reminders = [m for m in smtp.inbox.messages() if m["Subject"].startswith("Nhắc lần 1")]
    assert len(reminders) == 6
    to_p2 = next(m for m in reminders if m["To"].addresses[0].addr_spec == "p2@thu.example")
    assert LINK.search(body_text(to_p2)).group(1) == invitations.derive_token(new.campaign_id, new.nonce)
    cancelled = [m for m in rows() if m.status == "cancelled"]
    assert [m.address for m in cancelled] == ["p3@thu.example"]
