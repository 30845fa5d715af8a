"""The services behind the roster and sending pages, where the pages do not reach: a corrected file
cancels what waited for the old details, the plan's digest, a new link by respondent id, reminders
after a cancellation, and the no-worker signal per channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from survey_app.errors import ServiceError
from survey_app.extensions import db
from survey_app.models import MessageStatus, OutboxMessage, Respondent
from survey_app.services.delivery import queue, status
from survey_app.services.survey import invitations, people, roster
from survey_app.services.survey.roster_checks import CANCEL_CODES
from survey_app.texts import say
from survey_app.timeutil import now

from .support.campaigns import RESPONDENT_HEADER, person, write_csv


@pytest.fixture
def mail(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "khaosat@sonla.example")


def rid(email: str) -> int:
    return db.session.scalar(sa.select(Respondent.id).where(Respondent.email == email))


def test_the_roster_cancellations_have_their_words():
    assert [say(f"send.{c}") for c in CANCEL_CODES] == [
        "thông tin người nhận đã được sửa sau khi xếp hàng; hãy gửi lại để dùng thông tin mới",
        "người nhận đã được rút khỏi danh sách",
    ]


def test_a_corrected_file_cancels_what_waited_for_the_old_details_and_only_that(sonla, mail, tmp_path):
    queue.queue_invitations(sonla.campaign, "email")
    renamed = person(2, "SO-NV", "SO-CC")
    renamed[2] = "Người Thử Hai"
    regrouped = person(3, "SO-NV", "SO-LDP")  # the group is not in the message: it stays queued
    report = roster.import_respondents(
        sonla.campaign,
        write_csv(tmp_path / "p.csv", RESPONDENT_HEADER, [renamed, regrouped, person(1, "SO-NV", "SO-LD")]),
    )
    assert (report.created, report.updated, report.unchanged, report.moved, report.cancelled) == (0, 2, 1, 1, 1)
    by_person = dict(db.session.execute(sa.select(OutboxMessage.respondent_id, OutboxMessage.status)).all())
    assert by_person[rid("p2@thu.example")] == MessageStatus.CANCELLED
    assert by_person[rid("p3@thu.example")] == MessageStatus.PENDING
    again = queue.queue_invitations(sonla.campaign, "email")
    assert (again.queued, again.already) == (1, 6)
    fresh = db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.respondent_id == rid("p2@thu.example"), OutboxMessage.status == "pending"
        )
    )
    assert fresh.content["name"] == "Người Thử Hai" and "Kính gửi Người Thử Hai" in fresh.content["text"]


def test_the_plan_digest_follows_what_the_import_would_write(sonla, tmp_path):
    path = write_csv(tmp_path / "p.csv", RESPONDENT_HEADER, [person(1, "SO-NV", "SO-LD"), person(9, "SO-NV", "SO-CC")])
    first = roster.plan_respondents(sonla.campaign, path)
    assert roster.plan_respondents(sonla.campaign, path).digest == first.digest
    people.add_person(
        sonla.campaign,
        {"unit_code": "SO-NV", "group_code": "SO-CC", "full_name": "Người Thử 9", "email": "p9@thu.example"},
    )
    second = roster.plan_respondents(sonla.campaign, path)
    assert second.counts["new"] == 0 and second.digest != first.digest
    with pytest.raises(ServiceError) as refused:
        roster.import_respondents(sonla.campaign, path, expected_digest=first.digest)
    assert refused.value.code == "roster_changed_since_preview"
    done = roster.import_respondents(sonla.campaign, path, expected_digest=second.digest)
    assert (done.created, done.updated, done.unchanged) == (0, 1, 1)  # p9's position and phone come from the file


def test_a_new_link_by_respondent_id_even_when_the_phone_is_shared(sonla):
    p1 = db.session.get(Respondent, rid("p1@thu.example"))
    p2 = db.session.get(Respondent, rid("p2@thu.example"))
    p2.phone = p1.phone
    db.session.commit()
    with pytest.raises(ServiceError) as shared:
        invitations.reissue_invitation(sonla.campaign, "0912000001")
    assert shared.value.code == "phone_shared"
    new = invitations.reissue_invitation(sonla.campaign, respondent_id=p2.id)
    assert new.respondent_id == p2.id
    removed = rid("p3@thu.example")
    people.remove_person(sonla.campaign, removed)
    with pytest.raises(ServiceError) as none:
        invitations.reissue_invitation(sonla.campaign, respondent_id=removed)
    assert (none.value.code, none.value.params["person"]) == ("no_live_invitation", "Người Thử 3")


def test_a_cancelled_message_does_not_count_as_a_reminder_sent(sonla, mail):
    queue.queue_reminders(sonla.campaign, channel="email", min_days=0)
    p2 = rid("p2@thu.example")
    people.correct_person(sonla.campaign, p2, people.get_person(sonla.campaign, p2).form() | {"position": "Phó phòng"})
    report = queue.queue_reminders(sonla.campaign, channel="email", min_days=0, max_reminders=1)
    assert report.queued == 1  # only the corrected person: the others had their one reminder
    assert sorted(s.reason for s in report.skipped) == ["max_reminders"] * 6
    kinds = db.session.scalars(
        sa.select(OutboxMessage.kind).where(OutboxMessage.respondent_id == p2).order_by(OutboxMessage.id)
    ).all()
    assert kinds == ["reminder1", "reminder1"]


def test_no_worker_is_told_per_channel(sonla, mail):
    queue.queue_invitations(sonla.campaign, "email")
    ids = sorted(db.session.scalars(sa.select(OutboxMessage.id)))
    long_ago = now() - timedelta(minutes=10)
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=long_ago))
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids[:3])).values(channel="zalo"))
    db.session.commit()
    assert [(s.channel, s.waiting) for s in status.stalled_channels()] == [("email", 4), ("zalo", 3)]
    # An email worker that sent a moment ago: email is moving, Zalo (not served) still waits.
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == ids[3]).values(status="sent", sent_at=now()))
    db.session.commit()
    assert [(s.channel, s.waiting) for s in status.stalled_channels()] == [("zalo", 3)]
    # A worker holding Zalo rows under a live lease is running too.
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == ids[0])
        .values(status="sending", lease_until=now() + timedelta(minutes=5))
    )
    db.session.commit()
    assert status.stalled_channels() == []
    assert status.stalled_channels(grace_seconds=3600) == []  # nothing has waited an hour
