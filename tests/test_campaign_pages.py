"""The campaign page and what an admin does there: the step list with its numbers (outbox counts by
channel and status from a real SMTP run), open, move the deadline (every refusal), close after a dry
run that counts exactly what closing then does and writes nothing; the pack as a workbook; roles."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from bots import worker
from survey_app.extensions import db
from survey_app.models import AuditEntry, Campaign, RespondentGroup, Response, ResponseFlag, SealedResponse, UnitFlag
from survey_app.packs import load_pack
from survey_app.packs.xlsx import load_workbook_pack
from survey_app.services.delivery import queue
from survey_app.services.survey import campaigns, closing, responding
from survey_app.timeutil import VN, aware, now

from .support.campaigns import PACKS, full_answers, release
from .support.delivery import Inbox, SmtpServer, configure_email
from .support.pages import csrf, sign_in


def _page(client, code: str) -> str:
    r = client.get(f"/admin/c/{code}/campaign")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def _step(page: str, key: str) -> str:
    """The text of one step of the list, tags removed."""
    li = re.search(rf'<li class="(\w+)" data-step="{key}">(.*?)</li>', page, re.S)
    return li.group(1) + ": " + " ".join(re.sub(r"<[^>]+>", " ", li.group(2)).split())


def _post(client, path: str, code: str, **data):
    return client.post(path, data={"csrf_token": csrf(client, f"/admin/c/{code}/campaign"), **data})


def _closes(code: str) -> datetime:
    db.session.rollback()
    return aware(db.session.scalar(sa.select(Campaign.closes_at).where(Campaign.code == code))).astimezone(VN)


def _draft(code: str = "D", days: int = 5) -> Campaign:
    start = now() + timedelta(days=days)
    return campaigns.create_campaign(PACKS / "son-la-2024", code, start, start + timedelta(days=20))


def test_the_steps_count_what_was_done_and_name_the_next(client, sonla, app, monkeypatch):
    inbox = Inbox(refuse={"p7@thu.example": "550 5.1.1 No such user"})
    server = SmtpServer(inbox).start()
    try:
        configure_email(monkeypatch, app, server.port)
        queue.queue_invitations(sonla.campaign, "email")
        worker.run(worker.build_channels(("email",)), drain=True)
    finally:
        server.stop()
    answers = full_answers(responding.open_questionnaire(sonla.token("p1@thu.example")))
    responding.submit(sonla.token("p1@thu.example"), answers)
    sign_in(client, "admin")
    page = _page(client, sonla.campaign.code)
    assert _step(page, "pack") == "done: ✓ đã xong Bộ câu hỏi : son-la-2024: 64 câu hỏi, 7 nhóm đối tượng, k = 3"
    assert _step(page, "units") == "done: ✓ đã xong Danh sách đơn vị : 32 đơn vị"
    assert _step(page, "officials") == "done: ✓ đã xong Danh sách cán bộ : 7 người"
    assert _step(page, "links") == "done: ✓ đã xong Cấp đường liên kết cá nhân : 7/7 người có đường liên kết"
    assert _step(page, "opened") == "done: ✓ đã xong Mở đợt khảo sát : 1 người đã mở phiếu, 1 phiếu đã nộp"
    assert _step(page, "sent") == (
        "next: → bước tiếp theo Gửi thư mời : 6/7 người đã nhận thư mời; email: gửi không được 1, đã gửi 6"
    )
    assert _step(page, "closed") == (  # one submission: it waits sealed for k of its cell
        "todo: ○ chưa làm Đóng đợt và kiểm tra phiếu : 0 phiếu hợp lệ, 0 không hợp lệ, 0 đã loại; "
        "1 phiếu đã nộp đang chờ vào kết quả"
    )
    assert _step(page, "appraisal") == "todo: ○ chưa làm Nhập điểm thẩm định : 0/32 đơn vị"
    assert _step(page, "satisfaction") == "todo: ○ chưa làm Nhập điểm hài lòng của người dân : 0/32 đơn vị"
    # The other engineer's roster and sending pages are linked by their addresses.
    code = sonla.campaign.code
    assert (
        f'href="/admin/c/{code}/roster">Danh sách cán bộ' in page and f'href="/admin/c/{code}/send">Gửi thư mời' in page
    )
    listing = client.get("/admin/").get_data(as_text=True)
    assert f'<a href="/admin/c/{code}/send">Gửi thư mời</a>' in listing


def test_a_new_campaign_says_to_import_the_officials_next(client):
    _draft("D")
    sign_in(client, "admin")
    page = _page(client, "D")
    assert _step(page, "units").startswith("done:") and _step(page, "officials").startswith("next:")
    assert "Mở đợt khảo sát</button>" in page
    listing = client.get("/admin/").get_data(as_text=True)
    assert '<a href="/admin/c/D/roster">Danh sách cán bộ</a>' in listing and "chưa mở" in listing


def test_a_pack_without_satisfaction_rules_skips_that_step(client, matrix):
    sign_in(client, "monitor")
    page = _page(client, matrix.campaign.code)
    assert _step(page, "satisfaction") == (
        "skipped: – không cần Nhập điểm hài lòng của người dân : bộ câu hỏi không tính điểm hài lòng"
    )
    # A monitor reads the page but is offered no change.
    assert (
        "Lưu thời điểm đóng" not in page and "Mở đợt khảo sát</button>" not in page and "Đóng đợt khảo sát…" not in page
    )


def test_open_from_the_page_and_not_once_closed(client):
    _draft("D")
    sign_in(client, "admin")
    r = _post(client, "/admin/c/D/open", "D")
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/c/D/campaign")
    db.session.rollback()
    assert db.session.scalar(sa.select(Campaign.status).where(Campaign.code == "D")) == "open"
    assert "Đã mở đợt khảo sát D" in client.get("/admin/c/D/campaign").get_data(as_text=True)
    closing.close_and_validate("D")
    _post(client, "/admin/c/D/open", "D")
    assert db.session.scalar(sa.select(Campaign.status).where(Campaign.code == "D")) == "closed"
    page = client.get("/admin/c/D/campaign").get_data(as_text=True)
    assert "Đợt khảo sát D đã đóng; một đợt đã đóng không mở lại được." in page
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.campaign_code == "D").order_by(AuditEntry.id)
    )
    assert list(actions) == [
        "campaign.create",
        "campaign.open",
        "campaign.close",
    ]


def test_the_deadline_moves_and_a_bare_date_closes_at_23_59(client, sonla):
    code = sonla.campaign.code
    sign_in(client, "admin")
    day = (now().astimezone(VN) + timedelta(days=30)).date()
    r = _post(client, f"/admin/c/{code}/deadline", code, closes_date=day.isoformat())
    assert r.status_code == 302
    assert _closes(code) == datetime(day.year, day.month, day.day, 23, 59, tzinfo=VN)
    _post(client, f"/admin/c/{code}/deadline", code, closes_date=day.isoformat(), closes_time="17:30")
    assert _closes(code).time().isoformat() == "17:30:00"
    page = client.get(f"/admin/c/{code}/campaign").get_data(as_text=True)
    assert f"nay đóng lúc 17:30 ngày {day:%d/%m/%Y}" in page
    assert f'name="closes_date" value="{day.isoformat()}"' in page and 'value="17:30"' in page
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "<td>Đổi thời điểm đóng</td>" in audit
    assert f"<td>đóng lúc 17:30 ngày {day:%d/%m/%Y} (trước đó: 23:59 ngày {day:%d/%m/%Y})</td>" in audit


def test_a_deadline_that_ran_out_can_be_moved_and_answers_come_again(client, sonla):
    code = sonla.campaign.code
    c = db.session.scalar(sa.select(Campaign).where(Campaign.code == code))
    c.closes_at = now() - timedelta(minutes=5)
    db.session.commit()
    assert campaigns.accepting_answers(c) == "closed"
    sign_in(client, "admin")
    _post(
        client,
        f"/admin/c/{code}/deadline",
        code,
        closes_date=(now() + timedelta(days=3)).astimezone(VN).date().isoformat(),
    )
    db.session.rollback()
    assert campaigns.accepting_answers(campaigns.get_campaign(code)) is None


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ({"closes_date": "2020-01-01"}, "đã qua; hãy chọn một thời điểm sau bây giờ"),
        ({"closes_date": "ngày mai"}, "«ngày mai» không phải ngày giờ hợp lệ"),
        ({"closes_date": ""}, "«–» không phải ngày giờ hợp lệ"),
    ],
)
def test_a_deadline_in_the_past_or_unreadable_is_refused(client, sonla, when, said):
    code = sonla.campaign.code
    before = _closes(code)
    sign_in(client, "admin")
    _post(client, f"/admin/c/{code}/deadline", code, **when)
    assert said in client.get(f"/admin/c/{code}/campaign").get_data(as_text=True)
    assert _closes(code) == before


def test_a_deadline_before_the_opening_or_of_a_closed_campaign_is_refused(client):
    draft = _draft("D", days=10)
    sign_in(client, "admin")
    before = _closes("D")
    early = (aware(draft.opens_at) - timedelta(days=2)).astimezone(VN).date().isoformat()
    _post(client, "/admin/c/D/deadline", "D", closes_date=early)
    assert "phải sau thời điểm mở" in client.get("/admin/c/D/campaign").get_data(as_text=True)
    assert _closes("D") == before
    closing.close_and_validate("D")
    later = (before + timedelta(days=5)).date().isoformat()
    _post(client, "/admin/c/D/deadline", "D", closes_date=later)
    assert "Đợt khảo sát D đã đóng" in client.get("/admin/c/D/campaign").get_data(as_text=True)
    assert _closes("D") == before


def test_the_close_page_counts_what_closing_will_do_and_writes_nothing(client, sonla):
    code = sonla.campaign.code
    for n in (1, 2, 3, 4, 5):  # SO-NV: the leadership (p1) and two officials; SO-TC: two people
        token = sonla.token(f"p{n}@thu.example")
        responding.submit(token, full_answers(responding.open_questionnaire(token)))
    # Submissions wait sealed for the mixer; the preview counts them, as closing releases them, and
    # leaves them waiting.
    assert closing.preview_close(code).checked == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedResponse)) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    release(sonla.campaign)
    # The leadership's response loses an answer behind the application's back: closing finds it incomplete.
    leadership = sa.select(RespondentGroup.id).where(RespondentGroup.code == "SO-LD").scalar_subquery()
    broken = db.session.scalar(sa.select(Response.id).where(Response.group_id == leadership))
    db.session.execute(
        sa.text(
            "DELETE FROM answer WHERE response_id = :r AND question_id = (SELECT MIN(question_id) FROM answer WHERE response_id = :r)"
        ),
        {"r": broken},
    )
    db.session.commit()
    sign_in(client, "admin")
    page = client.get(f"/admin/c/{code}/close").get_data(as_text=True)
    shown = dict(re.findall(r'<dd data-k="(\w+)">([\d.]+)</dd>', page))
    # Every answer "A", submitted at once: straight-lined and faster than the pack's 120 s; both units flagged.
    assert shown == {"checked": "5", "valid": "4", "invalid": "1", "flagged": "5", "unit_flags": "2"}
    assert 'Không hợp lệ: chưa đủ câu</td><td class="n">1</td>' in page
    assert 'Cảnh báo: trả lời quá nhanh</td><td class="n">5</td>' in page
    db.session.rollback()  # the dry run wrote nothing
    assert db.session.scalar(sa.select(Campaign.status).where(Campaign.code == code)) == "open"
    assert set(db.session.scalars(sa.select(Response.status))) == {"valid"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResponseFlag)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnitFlag)) == 0
    assert not db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "campaign.close"))
    preview = closing.preview_close(code)
    # The form on the page closes for real: the report is the one shown.
    r = client.post(f"/admin/c/{code}/close", data={"csrf_token": csrf(client, f"/admin/c/{code}/close")})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/c/{code}/review")
    review = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "kiểm tra 5 phiếu: 1 không hợp lệ, 5 phiếu có cảnh báo cần xem lại, 2 cảnh báo theo đơn vị" in review
    db.session.rollback()
    statuses = list(db.session.scalars(sa.select(Response.status)))
    assert sorted(statuses) == ["invalid", "valid", "valid", "valid", "valid"]
    assert db.session.scalar(sa.select(Response.status).where(Response.id == broken)) == "invalid"
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(ResponseFlag.response_id)))) == preview.flagged
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnitFlag)) == preview.unit_flags
    # A closed campaign has no close page any more.
    r = client.get(f"/admin/c/{code}/close")
    assert r.status_code == 302 and "đã đóng" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_the_dashboard_asks_through_the_close_page(client, sonla):
    sign_in(client, "admin")
    page = client.get(f"/admin/c/{sonla.campaign.code}/").get_data(as_text=True)
    assert f'href="/admin/c/{sonla.campaign.code}/close"' in page
    assert f'action="/admin/c/{sonla.campaign.code}/close"' not in page


def test_the_campaigns_pack_downloads_as_the_workbook_it_was_made_from(client, sonla):
    sign_in(client, "monitor")
    r = client.get(f"/admin/c/{sonla.campaign.code}/tieu-chi.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "tieu-chi-T.xlsx" in r.headers["Content-Disposition"]
    assert load_workbook_pack(r.get_data()).content == sonla.campaign.pack_content
    shipped = client.get("/admin/packs/hai-cap-2025/tieu-chi.xlsx")
    assert load_workbook_pack(shipped.get_data()).content == load_pack(PACKS / "hai-cap-2025").content
    assert client.get("/admin/packs/khong-co/tieu-chi.xlsx").status_code == 404


def test_roles_on_the_campaign_pages(client, sonla):
    code = sonla.campaign.code
    sign_in(client, "unit", "SO-NV")
    for path in (
        f"/admin/c/{code}/campaign",
        f"/admin/c/{code}/close",
        f"/admin/c/{code}/tieu-chi.xlsx",
        "/admin/campaigns/new",
    ):
        assert client.get(path).status_code == 403, path
    token = csrf(client, f"/admin/c/{code}/u/SO-NV")
    for path in (f"/admin/c/{code}/open", f"/admin/c/{code}/deadline", "/admin/campaigns", "/admin/campaigns/check"):
        assert client.post(path, data={"csrf_token": token, "closes_date": "2031-01-01"}).status_code == 403, path
    assert _closes(code) < datetime(2031, 1, 1, tzinfo=VN)


def test_an_unknown_campaign_is_404(client):
    sign_in(client, "admin")
    for path in ("/admin/c/KHONG/campaign", "/admin/c/KHONG/close", "/admin/c/KHONG/tieu-chi.xlsx"):
        assert client.get(path).status_code == 404, path
    token = csrf(client, "/admin/")
    assert client.post("/admin/c/KHONG/deadline", data={"csrf_token": token}).status_code == 404
    assert client.post("/admin/c/KHONG/open", data={"csrf_token": token}).status_code == 404
