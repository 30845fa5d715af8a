"""One person on the roster pages: the searchable list in Vietnamese order, add, correct, move,
remove (link revoked, pending messages cancelled, counters equal to a rebuild), a new link, and the
refusals once a person has submitted."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEntry, Invitation, MessageStatus, OutboxMessage, Respondent
from survey_app.services.delivery import queue
from survey_app.services.survey import invitations, people, responding

from .support.campaigns import full_answers
from .support.pages import flashes, progress_equals_rebuild, sign_in, staff, text_of

NAMES = ["Đinh Văn Hà", "Dương Thị Lan", "Âu Văn Tú", "Anh Thị Mai", "Bùi Văn Cường", "Ông Văn Tám", "Ôn Thị Ba"]


@pytest.fixture
def admin(app, client, sonla, monkeypatch):
    sign_in(client, staff("admin"))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setitem(app.config, "MAIL_FROM", "khaosat@sonla.example")  # email is a configured channel
    return sonla


def form(unit="SO-NV", group="SO-CC", name="Lường Văn Mới", email="moi@thu.example", phone="", **more) -> dict:
    return {"unit_code": unit, "group_code": group, "full_name": name, "email": email, "phone": phone} | more


def rid(email: str) -> int:
    return db.session.scalar(sa.select(Respondent.id).where(Respondent.email == email))


def live(email: str) -> Invitation | None:
    return db.session.scalar(
        sa.select(Invitation).join(Respondent).where(Respondent.email == email, Invitation.revoked_at.is_(None))
    )


def names_listed(page: str) -> list[str]:
    body = page.split('<table id="people">', 1)[1].split("</table>", 1)[0]
    return [text_of(n) for n in re.findall(r'<td><a href="/admin/c/T/roster/people/\d+">(.*?)</a></td>', body)]


def test_the_list_is_in_vietnamese_order_and_searchable_without_accents(app, client, admin):
    for i, name in enumerate(NAMES):
        people.add_person(admin.campaign, form(name=name, email=f"n{i}@thu.example"))
    page = client.get("/admin/c/T/roster/people?unit=SO-NV").get_data(as_text=True)
    # a < ă < â < b < c < d < đ < … < n < o < ô; a word ends before any letter ("Ôn" < "Ông").
    assert names_listed(page) == [
        "Anh Thị Mai",
        "Âu Văn Tú",
        "Bùi Văn Cường",
        "Dương Thị Lan",
        "Đinh Văn Hà",
        "Người Thử 1",
        "Người Thử 2",
        "Người Thử 3",
        "Ôn Thị Ba",
        "Ông Văn Tám",
    ]
    assert "chưa có đường liên kết" in text_of(page) and "chưa mở" in text_of(page)

    def found(q: str, unit: str = "") -> list[str]:
        return names_listed(
            client.get("/admin/c/T/roster/people", query_string={"q": q, "unit": unit}).get_data(as_text=True)
        )

    assert found("duong") == ["Dương Thị Lan"]
    assert found("DINH van") == ["Đinh Văn Hà"]
    assert found("Ông văn") == ["Ông Văn Tám"]
    assert found("p5@THU") == ["Người Thử 5"]  # another unit: the search spans every unit
    assert found("0912 000 006") == ["Người Thử 6"]
    assert found("+84912000007") == ["Người Thử 7"]
    assert found("người thử", "SO-TC") == ["Người Thử 4", "Người Thử 5"]
    assert found("không có ai") == []
    assert client.get("/admin/c/T/roster/people?unit=NOPE").status_code == 404


def test_a_persons_page_shows_their_link_state_and_never_their_answers(app, client, admin):
    token = admin.token("p2@thu.example")
    q = responding.open_questionnaire(token)
    first = q.sections[0].questions[0]
    responding.save_answers(token, {q.sections[0].unit.code: {first.code: "B"}})
    page = client.get(f"/admin/c/T/roster/people/{rid('p2@thu.example')}").get_data(as_text=True)
    assert "đang trả lời" in text_of(page)
    assert first.text not in page
    assert client.get("/admin/c/T/roster/people/99999").status_code == 404


def test_adding_names_every_bad_field_and_writes_nothing(app, client, admin):
    before = db.session.scalar(sa.select(sa.func.count(Respondent.id)))
    bad = client.post("/admin/c/T/roster/people", data=form(group="H-XA", email="x@", phone="123", name=""))
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    errors = [text_of(e) for e in re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', page)]
    assert errors == [
        "nhóm H-XA dành cho đơn vị loại «huyen», nhưng SO-NV thuộc loại «so»",
        "bắt buộc, đang để trống",
        "địa chỉ email không hợp lệ (x@)",
        "số điện thoại Việt Nam không hợp lệ (123)",
    ]
    assert "Chưa lưu: 4 ô cần sửa (xem bên dưới)." in flashes(page)
    assert 'value="x@"' in page  # what was typed stays in the form
    taken = client.post("/admin/c/T/roster/people", data=form(email="P1@thu.example"))
    assert taken.status_code == 422
    assert "p1@thu.example đã có trong danh sách" in text_of(taken.get_data(as_text=True))
    shared = client.post("/admin/c/T/roster/people", data=form(phone="0912 000 001"))
    assert "trùng người: +84912000001 đã thuộc về p1@thu.example trong danh sách" in text_of(
        shared.get_data(as_text=True)
    )
    assert db.session.scalar(sa.select(sa.func.count(Respondent.id))) == before


def test_add_then_give_a_first_link(app, client, admin):
    added = client.post("/admin/c/T/roster/people", data=form(name="  Lường   Văn Mới ", position="Chuyên viên"))
    assert added.status_code == 302
    new_id = rid("moi@thu.example")
    assert added.headers["Location"].endswith(f"/admin/c/T/roster/people/{new_id}")
    person = db.session.get(Respondent, new_id)
    assert (person.full_name, person.unit.code, person.group.code, person.person_key) == (
        "Lường Văn Mới",
        "SO-NV",
        "SO-CC",
        "moi@thu.example",
    )
    assert live("moi@thu.example") is None
    client.post(f"/admin/c/T/roster/people/{new_id}/issue")
    assert live("moi@thu.example") is not None
    assert progress_equals_rebuild(admin.campaign)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.actor == "admin@noivu.example")).all()
    assert actions == ["respondent.add", "invitations.issue"]


def test_correcting_an_address_cancels_what_waited_for_the_old_one_and_sending_again_works(app, client, admin):
    queue.queue_invitations(admin.campaign, "email")
    p5 = rid("p5@thu.example")
    values = people.get_person(admin.campaign, p5).form() | {"email": "p5.moi@thu.example"}
    r = client.post(f"/admin/c/T/roster/people/{p5}", data=values, follow_redirects=True)
    assert flashes(r.get_data(as_text=True)) == [
        "Đã lưu thông tin của Người Thử 5.",
        "1 tin đang chờ gửi đã huỷ vì thông tin người nhận thay đổi: hãy gửi lại cho họ.",
    ]
    old = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.respondent_id == p5))
    assert (old.status, old.error_code, old.address) == (MessageStatus.CANCELLED, "person_changed", "p5@thu.example")
    assert "gửi lại để dùng thông tin mới" in text_of(r.get_data(as_text=True))  # the reason on their page
    again = queue.queue_invitations(admin.campaign, "email")
    assert (again.queued, again.already) == (1, 6)
    fresh = db.session.scalars(
        sa.select(OutboxMessage.address).where(OutboxMessage.respondent_id == p5, OutboxMessage.status == "pending")
    ).all()
    assert fresh == ["p5.moi@thu.example"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "respondent.correct"))
    audit_page = text_of(client.get("/admin/audit").get_data(as_text=True))
    assert entry.actor == "admin@noivu.example" and "sửa: Email" in audit_page


def test_moving_a_person_moves_the_counters_and_their_link_keeps_working(app, client, admin):
    p4 = rid("p4@thu.example")
    values = people.get_person(admin.campaign, p4).form() | {"unit_code": "SO-NV", "group_code": "SO-CC"}
    r = client.post(f"/admin/c/T/roster/people/{p4}", data=values, follow_redirects=True)
    assert flashes(r.get_data(as_text=True))[0].startswith("Đã chuyển Người Thử 4 sang đơn vị hoặc nhóm mới")
    invited = dict(
        db.session.execute(
            sa.text(
                "SELECT u.code, SUM(p.invited) FROM progress_counter p JOIN unit u ON u.id = p.unit_id GROUP BY u.code"
            )
        ).all()
    )
    assert invited == {"SO-NV": 4, "SO-TC": 1, "H-MAI-SON": 2}
    assert progress_equals_rebuild(admin.campaign)
    assert client.get(f"/s/{admin.token('p4@thu.example')}").status_code == 200
    q = responding.open_questionnaire(admin.token("p4@thu.example"), mark_opened=False)
    assert (q.own_unit.code, q.group.code) == ("SO-NV", "SO-CC")
    assert "từ SO-TC sang SO-NV, nhóm SO-CC" in text_of(client.get("/admin/audit").get_data(as_text=True))


def test_removing_revokes_the_link_cancels_messages_and_counts_no_more(app, client, admin):
    token = admin.token("p4@thu.example")
    q = responding.open_questionnaire(token)
    responding.save_answers(token, {q.sections[0].unit.code: {q.sections[0].questions[0].code: "A"}})
    queue.queue_invitations(admin.campaign, "email")
    p4 = rid("p4@thu.example")
    unsure = client.post(f"/admin/c/T/roster/people/{p4}/remove", follow_redirects=True)
    assert flashes(unsure.get_data(as_text=True)) == ["Đánh dấu ô xác nhận để rút người này khỏi danh sách."]
    assert live("p4@thu.example") is not None
    r = client.post(f"/admin/c/T/roster/people/{p4}/remove", data={"confirm": "1"}, follow_redirects=True)
    assert flashes(r.get_data(as_text=True)) == [
        "Đã rút Người Thử 4 khỏi danh sách.",
        "Đường liên kết của người này không dùng được nữa.",
    ]
    assert client.get(f"/s/{token}").status_code == 410
    revoked = db.session.scalar(sa.select(Invitation).where(Invitation.respondent_id == p4))
    assert revoked.revoked_at is not None and revoked.draft is None  # the draft answers are gone
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.respondent_id == p4))
    assert (message.status, message.error_code) == (MessageStatus.CANCELLED, "removed_from_roster")
    assert progress_equals_rebuild(admin.campaign)
    assert db.session.scalar(sa.text("SELECT SUM(invited) FROM progress_counter")) == 6
    listing = client.get("/admin/c/T/roster/people?unit=SO-TC").get_data(as_text=True)
    assert "đã rút khỏi danh sách" in text_of(listing)
    home = client.get("/admin/c/T/roster").get_data(as_text=True)
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", home, re.S) if "<td>SO-TC</td>" in r)
    assert re.findall(r'<td class="n">(\d+)</td>', row) == ["1", "1", "0", "1"]  # people, links, submitted, removed
    # Nothing reaches a removed person: no new link, no message, no letter.
    issued = client.post("/admin/c/T/send/issue", follow_redirects=True)
    assert flashes(issued.get_data(as_text=True)) == ["Đã cấp 0 đường liên kết; 6 người đã có đường liên kết."]
    assert live("p4@thu.example") is None
    assert queue.queue_invitations(admin.campaign, "email").queued == 0
    again = client.post(f"/admin/c/T/roster/people/{p4}/remove", data={"confirm": "1"}, follow_redirects=True)
    assert flashes(again.get_data(as_text=True)) == [
        "Người Thử 4 đã được rút khỏi danh sách; hãy đưa trở lại danh sách trước khi sửa."
    ]

    # Back on the list through the add form (the page's restore button posts the same fields).
    back = client.post("/admin/c/T/roster/people", data=people.get_person(admin.campaign, p4).form())
    assert back.status_code == 302 and rid("p4@thu.example") == p4
    assert db.session.get(Respondent, p4).removed_at is None
    invitations_issued = client.post(f"/admin/c/T/roster/people/{p4}/issue", follow_redirects=True)
    assert "Đã cấp 1 đường liên kết" in flashes(invitations_issued.get_data(as_text=True))[-1]
    assert client.get(f"/s/{token}").status_code == 410  # the old link stays dead
    assert progress_equals_rebuild(admin.campaign)


def test_a_new_link_for_one_person(app, client, admin):
    old = admin.token("p6@thu.example")
    r = client.post(f"/admin/c/T/roster/people/{rid('p6@thu.example')}/reissue", follow_redirects=True)
    assert flashes(r.get_data(as_text=True)) == [
        "Đã cấp đường liên kết mới cho Người Thử 6; đường liên kết cũ không dùng được nữa. Hãy gửi lại cho họ."
    ]
    assert client.get(f"/s/{old}").status_code == 410
    new = invitations.derive_token(admin.campaign.id, live("p6@thu.example").nonce)
    assert new != old and client.get(f"/s/{new}").status_code == 200
    assert progress_equals_rebuild(admin.campaign)


def test_nothing_changes_once_a_person_has_submitted(app, client, admin):
    token = admin.token("p3@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    p3 = rid("p3@thu.example")
    before = db.session.execute(sa.select(Respondent.unit_id, Respondent.group_id, Respondent.position)).all()
    values = people.get_person(admin.campaign, p3).form() | {"position": "Trưởng phòng", "unit_code": "SO-TC"}
    refused = "Người Thử 3 đã nộp phiếu: không sửa, chuyển đơn vị hay rút khỏi danh sách được nữa."
    for url, data in (("", values), ("/remove", {"confirm": "1"})):
        r = client.post(f"/admin/c/T/roster/people/{p3}{url}", data=data, follow_redirects=True)
        assert flashes(r.get_data(as_text=True)) == [refused]
    r = client.post(f"/admin/c/T/roster/people/{p3}/reissue", follow_redirects=True)
    assert flashes(r.get_data(as_text=True)) == [
        "Người Thử 3 đã nộp phiếu; cấp đường liên kết mới sẽ cho phép nộp lần thứ hai."
    ]
    assert db.session.execute(sa.select(Respondent.unit_id, Respondent.group_id, Respondent.position)).all() == before
    assert live("p3@thu.example").status == "submitted"
    page = text_of(client.get(f"/admin/c/T/roster/people/{p3}").get_data(as_text=True))
    assert "Người này đã nộp phiếu" in page and "Rút khỏi danh sách" not in page
    assert progress_equals_rebuild(admin.campaign)
