"""The dashboard's headline over HTTP: who is answering, what lags, the closed state, and the reminder
action that queues the non-respondents of the units the headline names."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Campaign, OutboxMessage, Respondent, SubmissionDay
from survey_app.services import lagging, monitoring, users
from survey_app.services.survey import closing, responding
from survey_app.timeutil import aware, format_vn, now, today_vn

from .support.campaigns import full_answers

PASSWORD = "mat-khau-dai-0123"


def _csrf(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def _login(client, role: str = "admin") -> None:
    email = f"{role}@thu.example"
    users.create_user(email, PASSWORD, role)
    page = client.get("/admin/login").get_data(as_text=True)
    r = client.post("/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": _csrf(page)})
    assert r.status_code == 302


def _submit(setup, email: str) -> None:
    token = setup.token(email)
    responding.submit(token, full_answers(responding.open_questionnaire(token)))


def _start(setup, email: str) -> None:
    token = setup.token(email)
    q = responding.open_questionnaire(token)
    section = q.sections[0]
    responding.save_answers(token, {section.unit.code: {section.questions[0].code: "A"}})


def _page(client, code: str) -> str:
    r = client.get(f"/admin/c/{code}/")
    assert r.status_code == 200
    return html.unescape(r.get_data(as_text=True))


def _kpi(text: str, key: str) -> str:
    return re.search(rf'data-k="{key}">([^<]*)<', text).group(1)


def test_answering_counts_who_started_and_has_not_submitted(client, sonla):
    _login(client, "monitor")
    responding.open_questionnaire(sonla.token("p1@thu.example"))  # opened only
    _start(sonla, "p2@thu.example")
    _start(sonla, "p4@thu.example")
    _submit(sonla, "p3@thu.example")  # started too, on the way to submitting
    _submit(sonla, "p6@thu.example")
    ov = client.get(f"/api/v1/campaigns/{sonla.campaign.code}/progress").get_json()["overview"]
    assert (ov["opened"], ov["started"], ov["submitted"], ov["answering"]) == (5, 4, 2, 2)
    assert {t: v["answering"] for t, v in ov["by_type"].items()} == {"so": 2, "huyen": 0}
    page = _page(client, sonla.campaign.code)
    assert _kpi(page, "answering") == "2"
    assert _kpi(page, "submitted") == "2"


def test_after_an_early_close_the_dashboard_says_closed_and_when(client, sonla):
    _login(client)
    code = sonla.campaign.code
    closes_at = sonla.campaign.closes_at
    closing.close_and_validate(code)
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.code == code))
    closed_at = campaign.closed_at
    body = client.get(f"/api/v1/campaigns/{code}/progress").get_json()
    ov = body["overview"]
    assert ov["closed_early"] is True and ov["seconds_left"] == 0
    assert ov["closed_at"] == body["campaign"]["closed_at"]
    assert datetime.fromisoformat(ov["closed_at"]) == aware(closed_at)
    page = _page(client, code)
    assert "Đã đóng sớm" in page
    assert f"lúc {format_vn(closed_at)} (hạn là {format_vn(closes_at)})" in page
    assert "hết hạn" not in page
    assert "Đóng đợt khảo sát và kiểm tra phiếu" not in page  # nothing left to close
    assert 'id="g-remind"' not in page  # and nobody left to remind


def test_a_deadline_passed_without_closing_says_so(client, sonla):
    _login(client)
    campaign = db.session.get(Campaign, sonla.campaign.id)
    campaign.closes_at = now() - timedelta(hours=1)
    db.session.commit()
    page = _page(client, sonla.campaign.code)
    assert "Đã hết hạn" in page and "chưa đóng đợt khảo sát" in page and "Đã đóng" not in page
    assert client.get(f"/api/v1/campaigns/{sonla.campaign.code}/progress").get_json()["overview"]["closed_at"] is None


def test_an_open_campaign_shows_the_time_left(client, sonla):
    _login(client)
    before = monitoring.overview(sonla.campaign).seconds_left
    page = _page(client, sonla.campaign.code)
    after = monitoring.overview(sonla.campaign).seconds_left
    assert after > 9 * 86400  # make_campaign closes ten days from now
    shown = re.search(r'id="g-left">Còn (\d+) ngày (\d+) giờ<', page)
    assert shown and int(shown.group(1)) in {before // 86400, after // 86400}
    assert int(shown.group(2)) in {before % 86400 // 3600, after % 86400 // 3600}
    assert f"đến {format_vn(sonla.campaign.closes_at)}" in page


def test_the_headline_names_the_lowest_rates_and_the_cells_short_of_their_minimum(client, sonla):
    _login(client)
    _submit(sonla, "p2@thu.example")
    _submit(sonla, "p3@thu.example")  # Sở Nội vụ: 2 of 3
    _submit(sonla, "p5@thu.example")  # Sở Tài chính: 1 of 2; UBND huyện Mai Sơn: 0 of 2
    page = _page(client, sonla.campaign.code)
    slow = re.search(r'<ol id="g-slow".*?</ol>', page, re.S).group(0)
    names = re.findall(r'<a href="[^"]+">([^<]+)</a> <strong>([^<]+)</strong>', slow)
    assert names == [("UBND huyện Mai Sơn", "0,0%"), ("Sở Tài chính", "50,0%"), ("Sở Nội vụ", "66,7%")]
    form = re.search(r'<form method="post" action="([^"]+)" id="g-remind".*?</form>', page, re.S)
    assert form.group(1) == f"/admin/c/{sonla.campaign.code}/remind"
    assert re.findall(r'name="unit" value="([^"]+)"', form.group(0)) == ["H-MAI-SON", "SO-TC", "SO-NV"]
    # Below the minimum: counted from the cells themselves, not from the headline's own code.
    cells = monitoring.cells(sonla.campaign)
    short = [c for c in cells if c.status != "n/a" and c.valid < c.minimum]
    assert len(short) > 5  # 20 departments and 12 districts, most of them without anyone invited
    assert re.search(r'id="g-short">([^<]+)<', page).group(1) == str(len(short))
    assert re.search(r'id="g-rated">([^<]+)<', page).group(1) == str(sum(c.status != "n/a" for c in cells))
    listed = re.findall(r"<li><span class=\"st (\w+)\">", re.search(r'id="g-short-list".*?</ul>', page, re.S).group(0))
    assert len(listed) == 5 and listed == sorted(listed, key=lambda s: s != "not_met")
    assert f"và {len(short) - 5} ô khác" in page
    body = client.get(f"/api/v1/campaigns/{sonla.campaign.code}/progress").get_json()
    assert [u["unit_code"] for u in body["units"]] == ["H-MAI-SON", "SO-TC", "SO-NV"]
    assert len(body["short_cells"]) == len(short)
    assert {tuple(k) for k in body["short_cells"]} == {(c.unit_code, c.group_code) for c in short}


def test_a_focal_point_gets_only_their_units_headline(client, sonla):
    users.create_user("unit@thu.example", PASSWORD, "unit", "SO-NV")
    page = client.get("/admin/login").get_data(as_text=True)
    client.post("/admin/login", data={"email": "unit@thu.example", "password": PASSWORD, "csrf_token": _csrf(page)})
    body = client.get(f"/api/v1/campaigns/{sonla.campaign.code}/progress").get_json()
    assert [u["unit_code"] for u in body["units"]] == ["SO-NV"]
    assert {k[0] for k in body["short_cells"]} == {"SO-NV"}
    assert "days" not in body


def _queued() -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(Respondent.email, OutboxMessage.kind).join(Respondent, Respondent.id == OutboxMessage.respondent_id)
    ).all()
    return sorted(rows)


def test_reminding_the_headline_units_queues_their_non_respondents_only(app, client, sonla):
    app.config["MAIL_FROM"] = "snv@thu.example"
    try:
        _login(client)
        _submit(sonla, "p2@thu.example")
        _submit(sonla, "p6@thu.example")
        code = sonla.campaign.code
        page = _page(client, code)
        form = re.search(r'id="g-remind".*?</form>', page, re.S).group(0)
        units = re.findall(r'name="unit" value="([^"]+)"', form)
        assert units == ["SO-TC", "SO-NV", "H-MAI-SON"]  # 0 of 2, 1 of 3, 1 of 2
        # As the page posts it, minus Sở Tài chính: the admin is reminding two of the three units.
        r = client.post(f"/admin/c/{code}/remind", data={"csrf_token": _csrf(page), "unit": ["H-MAI-SON", "SO-NV"]})
        assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/c/{code}/")
        # Sở Nội vụ: p1 and p3 (p2 submitted); Mai Sơn: p7 (p6 submitted); Sở Tài chính's p4 and p5: nobody asked.
        assert _queued() == [
            ("p1@thu.example", "reminder1"),
            ("p3@thu.example", "reminder1"),
            ("p7@thu.example", "reminder1"),
        ]
        flashed = html.unescape(client.get(f"/admin/c/{code}/").get_data(as_text=True))
        assert (
            "Đã xếp hàng 3 lời nhắc cho người chưa nộp phiếu của UBND huyện Mai Sơn, Sở Nội vụ; 0 người được bỏ qua."
            in flashed
        )

        # Again at once: nobody twice; the page says why.
        client.post(f"/admin/c/{code}/remind", data={"csrf_token": _csrf(page), "unit": ["H-MAI-SON", "SO-NV"]})
        assert len(_queued()) == 3
        again = html.unescape(client.get(f"/admin/c/{code}/").get_data(as_text=True))
        assert "Đã xếp hàng 0 lời nhắc" in again and "3 người được bỏ qua (vừa nhận tin gần đây: 3)" in again
    finally:
        app.config["MAIL_FROM"] = None


def test_the_reminder_action_refuses_what_it_should(app, client, sonla):
    app.config["MAIL_FROM"] = "snv@thu.example"
    try:
        code = sonla.campaign.code
        _login(client, "monitor")
        page = _page(client, code)
        assert 'id="g-remind"' not in page  # a monitor reads, and is not offered the button
        assert (
            client.post(f"/admin/c/{code}/remind", data={"csrf_token": _csrf(page), "unit": "SO-NV"}).status_code == 403
        )
        client.post("/admin/logout", data={"csrf_token": _csrf(page)})
        _login(client, "admin")
        assert client.post(f"/admin/c/{code}/remind", data={"unit": "SO-NV"}).status_code == 400  # no CSRF token
        page = _page(client, code)
        r = client.post(f"/admin/c/{code}/remind", data={"csrf_token": _csrf(page), "unit": ["NO-SUCH", ""]})
        assert r.status_code == 302
        assert "Không có đơn vị nào để nhắc" in html.unescape(client.get(f"/admin/c/{code}/").get_data(as_text=True))
        assert _queued() == []
        assert client.post("/admin/c/NOPE/remind", data={"csrf_token": _csrf(page), "unit": "SO-NV"}).status_code == 404
    finally:
        app.config["MAIL_FROM"] = None


def test_without_a_channel_the_reminder_action_says_so(client, sonla):
    _login(client)
    page = _page(client, sonla.campaign.code)
    client.post(f"/admin/c/{sonla.campaign.code}/remind", data={"csrf_token": _csrf(page), "unit": "SO-NV"})
    assert "Chưa cấu hình kênh gửi nào" in html.unescape(
        client.get(f"/admin/c/{sonla.campaign.code}/").get_data(as_text=True)
    )
    assert _queued() == []


def test_the_daily_series_has_every_day_with_zeros(app, sonla):
    campaign = db.session.get(Campaign, sonla.campaign.id)
    campaign.opens_at = now() - timedelta(days=4)
    db.session.add(SubmissionDay(campaign_id=campaign.id, day=today_vn() - timedelta(days=2), submitted=7))
    db.session.commit()
    days = lagging.daily_series(campaign)
    expected = [(today_vn() - timedelta(days=d)).isoformat() for d in (4, 3, 2, 1, 0)]
    assert days == [(d, 7 if d == expected[2] else 0) for d in expected]
    # Closed early: the series stops at the close, yet keeps a day recorded after it.
    campaign.closed_at, campaign.status = now() - timedelta(days=3), "closed"
    db.session.commit()
    assert lagging.daily_series(campaign) == [(expected[0], 0), (expected[1], 0), (expected[2], 7)]


def test_the_unit_page_names_its_areas(client, sonla):
    _login(client)
    for email in ("p1@thu.example", "p2@thu.example", "p3@thu.example"):  # Sở Nội vụ: 3, enough to show
        _submit(sonla, email)
    closing.close_and_validate(sonla.campaign.code)  # every response counted
    page = html.unescape(client.get(f"/admin/c/{sonla.campaign.code}/u/SO-NV").get_data(as_text=True))
    areas = {a.code: a.name for t in sonla.campaign.pack.unit_types if t.code == "so" for a in t.areas}
    shown = re.findall(r'<tr><td>([^<]+)</td><td class="n">[\d,]+</td></tr>', page)
    assert shown == [areas[f"LV{i}"] for i in range(1, 8)]  # names, never the codes (LV8 has no questions)


def test_a_department_rated_by_a_matrix_group_counts_that_groups_invitations(client, matrix):
    """Commune leaders (XA-LD, in X-DEMO-1) rate every department: a department's row for them counts
    their invitations and opens, not the zero of a group with nobody in the department."""
    responding.open_questionnaire(matrix.token("p3@thu.example"))
    db.session.commit()
    (cell,) = [c for c in monitoring.cells(matrix.campaign, "SO-NV") if c.group_code == "XA-LD"]
    assert (cell.invited, cell.opened, cell.submitted) == (1, 1, 0)
    _login(client, "monitor")
    page = client.get(f"/admin/c/{matrix.campaign.code}/u/SO-NV").get_data(as_text=True)
    row = re.search(r"<tr><td>[^<]*Lãnh đạo[^<]*xã[^<]*</td>(.*?)</tr>", page, re.S | re.I)
    assert row, page
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))[:3] == ["1", "1", "0"]


def test_a_matrix_groups_invitations_count_only_where_its_raters_sit(matrix):
    """The response rate per unit counts a unit's own people: the commune leader rating every department
    adds to X-DEMO-1's rate, not to each department's."""
    rates = {u.unit_code: u.invited for u in lagging.unit_rates(monitoring.cells(matrix.campaign))}
    assert rates["X-DEMO-1"] == 1 and rates["SO-NV"] == 1  # SO-NV: person 1, its own official
    assert rates.get("SO-XD", 0) == 0  # nobody of its own invited; rated by the commune leaders only
