"""The links and delivery pages through the test client: only configured channels, a preview with a
placeholder link, queueing and a batch's progress fed by the outbox while a real worker sends to a
loopback SMTP server, the no-worker notice, per-person status, the letters PDF and the links file."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp

from bots import worker
from survey_app.extensions import db
from survey_app.models import AuditEntry, Invitation, OutboxMessage, Respondent
from survey_app.services.delivery import preview, queue
from survey_app.services.survey import invitations, people, responding
from survey_app.timeutil import now

from .support.campaigns import full_answers
from .support.delivery import loopback_smtp
from .support.pages import flashes, sign_in, staff, text_of


@pytest.fixture
def smtp(app, monkeypatch):
    with loopback_smtp(app, monkeypatch) as server:
        yield server


@pytest.fixture
def admin(app, client, sonla, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    sign_in(client, staff("admin"))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return sonla


def progress(client, batch=None) -> dict:
    r = client.get("/admin/c/T/send/progress.json", query_string={"batch": batch} if batch else {})
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


def drain() -> int:
    return worker.run(worker.build_channels(("email",)), drain=True)


def test_without_a_configured_channel_the_page_says_what_to_set(app, client, admin):
    page = text_of(client.get("/admin/c/T/send").get_data(as_text=True))
    assert "Chưa cấu hình kênh gửi nào" in page and "MAIL_FROM" in page
    r = client.get("/admin/c/T/send/preview", query_string={"channel": "email", "scope": "all"}, follow_redirects=True)
    assert flashes(r.get_data(as_text=True)) == [
        "Chọn kênh gửi và phạm vi (mọi người, một đơn vị, hoặc người chưa trả lời)."
    ]
    assert client.post("/admin/c/T/send/queue", data={"channel": "email", "scope": "all"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_only_the_configured_channels_are_offered(app, client, admin, smtp):
    page = client.get("/admin/c/T/send").get_data(as_text=True)
    assert re.findall(r'name="channel" value="(\w+)"', page) == ["email"]
    zalo = client.post("/admin/c/T/send/queue", data={"channel": "zalo", "scope": "all"}, follow_redirects=True)
    assert flashes(zalo.get_data(as_text=True))[0].startswith("Chọn kênh gửi")
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_the_preview_is_the_template_filled_for_one_person_with_a_placeholder_link(app, client, admin, smtp):
    token = admin.token("p1@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    r = client.get("/admin/c/T/send/preview", query_string={"channel": "email", "scope": "unit", "unit": "SO-NV"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert not any(t in page for t in admin.tokens.values())  # never a real link
    assert f"http://survey.test/s/{preview.PREVIEW_TOKEN}" in page
    text = text_of(page)
    # Người Thử 1 submitted: the first of SO-NV in name order who has not is Người Thử 2.
    assert f"Mời anh/chị tham gia {admin.campaign.title}" in text
    assert "Kính gửi Người Thử 2" in text and "Gửi tới: p2@thu.example" in text
    assert "srcdoc=" in page and "sandbox" in page
    reminder = client.get("/admin/c/T/send/preview", query_string={"channel": "email", "scope": "remind"})
    assert f"Nhắc lần 1: phiếu {admin.campaign.title}" in text_of(reminder.get_data(as_text=True))
    no_unit = client.get("/admin/c/T/send/preview", query_string={"channel": "email", "scope": "unit"})
    assert no_unit.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0  # a preview queues nothing


def test_a_person_without_an_address_is_shown_as_skipped_in_the_preview(app, admin, smtp):
    p1 = db.session.scalar(sa.select(Respondent).where(Respondent.email == "p1@thu.example"))
    p1.email = None
    db.session.commit()
    message = preview.preview_message(admin.campaign, "email", "invitation", "SO-NV")
    assert (message.full_name, message.address, message.skip) == ("Người Thử 1", None, "no_email")


def test_queue_then_a_worker_sends_and_the_batch_reaches_the_end(app, client, admin, smtp):
    people.add_person(
        admin.campaign, {"unit_code": "SO-NV", "group_code": "SO-CC", "full_name": "Lò Văn Số", "phone": "0912345699"}
    )
    invitations.issue_invitations(admin.campaign)
    r = client.post("/admin/c/T/send/queue", data={"channel": "email", "scope": "all"})
    assert r.status_code == 302
    batch = int(re.search(r"batch=(\d+)", r.headers["Location"]).group(1))
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert flashes(page) == [
        "Đã xếp hàng 7 tin; 0 tin đã có từ trước nên không gửi lại.",
        "Bỏ qua 1 người: 1 không có địa chỉ email.",
    ]
    assert re.search(r'<progress id="bar" max="7" value="0">', page)
    assert 'id="refresh"' in page  # without JavaScript: the counts and a link to refresh them
    before = progress(client, batch)
    assert (before["total"], before["done"], before["finished"], before["counts"]["pending"]) == (7, 0, False, 7)
    assert progress(client) == before  # no batch named: the latest one
    assert drain() == 7
    after = progress(client, batch)
    assert (after["total"], after["done"], after["finished"], after["counts"]["sent"]) == (7, 7, True, 7)
    assert after["notice"] == ""
    assert len(smtp.inbox.received) == 7
    page = client.get(f"/admin/c/T/send?batch={batch}").get_data(as_text=True)
    assert re.search(r'<progress id="bar" max="7" value="7">', page)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "messages.invitations"))
    assert (entry.actor, entry.target, json.loads(entry.detail)) == (
        "admin@noivu.example",
        "email",
        {"already": 0, "queued": 7},
    )
    again = client.post("/admin/c/T/send/queue", data={"channel": "email", "scope": "all"}, follow_redirects=True)
    assert flashes(again.get_data(as_text=True))[0] == "Không có tin mới nào để gửi."


def test_a_unit_and_the_not_yet_answered(app, client, admin, smtp, monkeypatch):
    client.post("/admin/c/T/send/queue", data={"channel": "email", "scope": "unit", "unit": "SO-TC"})
    assert sorted(db.session.scalars(sa.select(OutboxMessage.address))) == ["p4@thu.example", "p5@thu.example"]
    drain()
    token = admin.token("p6@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    monkeypatch.setitem(app.config, "REMINDER_MIN_DAYS", 0)
    client.post("/admin/c/T/send/queue", data={"channel": "email", "scope": "remind"})
    reminded = db.session.scalars(sa.select(OutboxMessage.address).where(OutboxMessage.kind == "reminder1")).all()
    assert sorted(reminded) == [f"p{i}@thu.example" for i in (1, 2, 3, 4, 5, 7)]
    bad = client.post("/admin/c/T/send/queue", data={"channel": "email", "scope": "unit", "unit": "NOPE"})
    assert bad.status_code == 302
    assert flashes(client.get("/admin/c/T/send").get_data(as_text=True))[-1] == "Chọn đơn vị cần gửi."


def test_no_worker_running_is_said_with_the_command_to_run(app, client, admin, smtp):
    report = queue.queue_invitations(admin.campaign, "email")
    fresh = progress(client)
    assert fresh["notice"] == ""  # just queued: a worker has a minute to start
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=now() - timedelta(minutes=5)))
    db.session.commit()
    stalled = progress(client)
    assert "Không thấy tiến trình gửi tin nào đang chạy: 7 tin qua email" in stalled["notice"]
    assert "flask worker" in stalled["notice"]
    assert "flask worker" in text_of(client.get("/admin/c/T/send").get_data(as_text=True))
    # A worker that sent something a moment ago is running: no notice.
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == report.message_ids[0]).values(status="sent", sent_at=now())
    )
    db.session.commit()
    assert progress(client)["notice"] == ""


def test_delivery_status_per_person_with_the_reason_in_vietnamese(app, client, admin, smtp):
    smtp.inbox.refuse = {"p2@thu.example": "550 5.1.1 No such mailbox"}
    queue.queue_invitations(admin.campaign, "email")
    drain()
    failed = client.get("/admin/c/T/send/people", query_string={"status": "failed"}).get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", failed.split('id="deliveries"')[1].split("<tbody>")[1], re.S)
    assert len(rows) == 1
    text = text_of(rows[0])
    assert "Người Thử 2" in text and "gửi không được" in text
    assert "máy chủ thư từ chối địa chỉ hoặc nội dung" in text and "No such mailbox" in text
    unit = text_of(client.get("/admin/c/T/send/people?unit=SO-TC").get_data(as_text=True))
    assert "Người Thử 4" in unit and "Người Thử 2" not in unit and "đã gửi" in unit
    assert client.get("/admin/c/T/send/people?status=nope").status_code == 404


def _qr_pages(data: bytes) -> list[list[str]]:
    doc = pdfium.PdfDocument(data)
    pages = [[b.text for b in zxingcpp.read_barcodes(p.render(scale=200 / 72).to_pil())] for p in doc]
    doc.close()
    return pages


def test_letters_for_one_unit_or_every_unit_in_one_pdf(app, client, admin):
    token = admin.token("p1@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    people.remove_person(
        admin.campaign, db.session.scalar(sa.select(Respondent.id).where(Respondent.email == "p5@thu.example"))
    )
    one = client.post("/admin/c/T/send/letters.pdf", data={"unit": "SO-NV"})
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    assert "thu-moi-t-so-nv.pdf" in one.headers["Content-Disposition"]
    expected = {e: f"http://survey.test/s/{t}" for e, t in admin.tokens.items()}
    assert sorted(c for page in _qr_pages(one.data) for c in page) == sorted(
        [expected["p2@thu.example"], expected["p3@thu.example"]]
    )
    every = _qr_pages(client.post("/admin/c/T/send/letters.pdf", data={}).data)
    # One sheet per unit (Vietnamese order of their names), nobody who submitted or was removed.
    sheets = [("p2", "p3"), ("p4",), ("p6", "p7")]  # Sở Nội vụ < Sở Tài chính < UBND huyện Mai Sơn
    assert [sorted(p) for p in every] == [sorted(expected[f"{e}@thu.example"] for e in s) for s in sheets]
    prints = db.session.scalars(sa.select(AuditEntry.target).where(AuditEntry.action == "letters.print")).all()
    assert prints == ["SO-NV", None]
    assert client.post("/admin/c/T/send/letters.pdf", data={"unit": "NOPE"}).status_code == 404


def test_the_links_file_is_streamed_after_the_warning_and_written_to_the_audit_log(app, client, admin):
    warning = text_of(client.get("/admin/c/T/send/links").get_data(as_text=True))
    assert "Tệp này nhạy cảm: ai có tệp đều trả lời được thay người khác." in warning
    unsure = client.post("/admin/c/T/send/links.csv", data={})
    assert unsure.status_code == 302
    assert db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "invitations.export_links")) is None
    r = client.post("/admin/c/T/send/links.csv", data={"understood": "1"})
    assert r.status_code == 200 and r.is_streamed and r.mimetype == "text/csv"
    assert 'filename="duong-lien-ket-T.csv"' in r.headers["Content-Disposition"]
    assert r.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert {row["email"]: row["link"] for row in rows} == {
        e: f"http://survey.test/s/{t}" for e, t in admin.tokens.items()
    }
    live = set(db.session.scalars(sa.select(Invitation.token_hash).where(Invitation.revoked_at.is_(None))))
    assert {invitations.hash_token(row["link"].rsplit("/", 1)[1]) for row in rows} == live
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "invitations.export_links"))
    assert (entry.actor, json.loads(entry.detail)) == ("admin@noivu.example", {"links": 7})
    written = [p for p in Path(app.instance_path).rglob("*") if p.is_file()] if Path(app.instance_path).exists() else []
    assert written == []
