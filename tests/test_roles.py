"""Every route, walked by every role: the expected status is written down for each pair.

A route added without an entry here makes the test fail, so no page ships without a decision
on who may use it. CSRF is switched off in this walk (it has its own test) so that the role
check is what answers.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from analysis.office import office_binary
from survey_app.extensions import db
from survey_app.models import Respondent, Response
from survey_app.services import users
from survey_app.services.survey import responding

from .support.campaigns import full_answers

ROLES = ("anon", "admin", "monitor", "unit")
OFFICE = 200 if office_binary() else 302  # the PDF comes from LibreOffice; without it the page explains
PASSWORD = "mat-khau-dai-0123"
# (method, expected status for anon, admin, monitor, unit focal point of SO-NV)
EXPECTED = {
    "admin.login": ("GET", 200, 200, 200, 200),
    "admin.index": ("GET", 302, 200, 200, 302),  # a focal point is sent to their unit
    "admin.dashboard": ("GET", 302, 200, 200, 403),
    "admin.unit": ("GET", 302, 200, 200, 200),
    "admin.review": ("GET", 302, 200, 200, 403),
    "admin.delivery_page": ("GET", 302, 200, 200, 403),
    "admin.plotly_js": ("GET", 302, 200, 200, 200),
    "admin.user_list": ("GET", 302, 200, 403, 403),
    # Campaign pages (issue 9): Home Affairs reads them; only an admin creates, opens, moves or closes.
    "admin.campaign_new": ("GET", 302, 200, 403, 403),
    "admin.campaign_check": ("POST", 302, 200, 403, 403),
    "admin.campaign_create": ("POST", 302, 302, 403, 403),
    "admin.campaign_page": ("GET", 302, 200, 200, 403),
    "admin.campaign_open": ("POST", 302, 302, 403, 403),
    "admin.campaign_deadline": ("POST", 302, 302, 403, 403),
    "admin.campaign_workbook": ("GET", 302, 200, 200, 403),
    "admin.shipped_workbook": ("GET", 302, 200, 200, 403),
    "admin.close_confirm": ("GET", 302, 200, 403, 403),
    "admin.audit_log": ("GET", 302, 200, 403, 403),
    "admin.user_create": ("POST", 302, 302, 403, 403),
    "admin.user_reset": ("POST", 302, 302, 403, 403),
    "admin.remind": ("POST", 302, 302, 403, 403),
    "admin.remind_units": ("POST", 302, 302, 403, 403),
    # Bulk exclude / restore (issue 9): admins only; before close the page refuses it (422) and says why.
    "admin.review_bulk": ("POST", 302, 422, 403, 403),
    "admin.exclude": ("POST", 302, 302, 403, 403),
    "admin.restore": ("POST", 302, 302, 403, 403),
    "api.progress": ("GET", 401, 200, 200, 200),
    "api.scores": ("GET", 401, 200, 200, 200),
    "api.openapi": ("GET", 200, 200, 200, 200),
    # Respondent routes are addressed by the personal token, not by role.
    "respond.questionnaire": ("GET", 200, 200, 200, 200),
    "respond.save": ("POST", 303, 303, 303, 303),
    "api.get_questionnaire": ("GET", 200, 200, 200, 200),
    "api.save_answers": ("PUT", 200, 200, 200, 200),
    "api.submit": ("POST", 422, 422, 422, 422),
    "static": ("GET", 200, 200, 200, 200),
    # The index pages (issue 5): Home Affairs only; a focal point sees no other unit's index.
    "index_admin.home": ("GET", 302, 302, 302, 403),
    "index_admin.overview": ("GET", 302, 200, 200, 403),
    "index_admin.workbook": ("GET", 302, 200, 200, 403),
    "index_admin.report": ("GET", 302, 200, 200, 403),
    "index_admin.report_pdf": ("GET", 302, OFFICE, OFFICE, 403),
    "index_admin.charts": ("GET", 302, 200, 200, 403),
    "index_admin.template": ("GET", 302, 200, 403, 403),
    "index_admin.upload": ("POST", 302, 302, 403, 403),
    "index_admin.confirm": ("POST", 302, 302, 403, 403),
    "index_admin.statistics": ("POST", 302, 302, 403, 403),
    # The roster and sending pages (issue 9): admins change, monitors read, focal points have no access.
    "admin.roster_home": ("GET", 302, 200, 200, 403),
    "admin.roster_template": ("GET", 302, 200, 403, 403),
    "admin.roster_upload": ("POST", 302, 302, 403, 403),  # no file: back to the roster page
    "admin.roster_confirm": ("POST", 302, 302, 403, 403),  # no previewed file
    "admin.roster_people": ("GET", 302, 200, 200, 403),
    "admin.roster_person": ("GET", 302, 200, 200, 403),
    "admin.roster_add": ("POST", 302, 422, 403, 403),  # an empty form: every required field named
    "admin.roster_correct": ("POST", 302, 422, 403, 403),
    "admin.roster_reissue": ("POST", 302, 302, 403, 403),
    "admin.roster_issue": ("POST", 302, 302, 403, 403),
    "admin.send_home": ("GET", 302, 200, 200, 403),
    "admin.send_progress": ("GET", 302, 200, 200, 403),
    "admin.send_preview": ("GET", 302, 302, 302, 403),  # no channel configured: back to the page
    "admin.send_people": ("GET", 302, 200, 200, 403),
    "admin.send_issue": ("POST", 302, 302, 403, 403),
    "admin.send_queue": ("POST", 302, 302, 403, 403),
    "admin.send_letters": ("POST", 302, 200, 403, 403),
    "admin.send_links": ("GET", 302, 200, 403, 403),
    "admin.send_links_csv": ("POST", 302, 200, 403, 403),
    # Last: these change the state the others need.
    "admin.roster_remove": ("POST", 302, 302, 403, 403),
    "admin.close": ("POST", 302, 302, 403, 403),
    "admin.logout": ("POST", 302, 302, 302, 302),
}


def login(client, role: str) -> None:
    if role != "anon":
        r = client.post("/admin/login", data={"email": f"{role}@thu.example", "password": PASSWORD})
        assert r.status_code == 302, r.get_data(as_text=True)


@pytest.fixture
def staff(app, sonla):
    users.create_user("admin@thu.example", PASSWORD, "admin")
    users.create_user("monitor@thu.example", PASSWORD, "monitor")
    users.create_user("unit@thu.example", PASSWORD, "unit", "SO-NV")
    token = sonla.token("p2@thu.example")
    responding.submit(
        sonla.token("p3@thu.example"),
        full_answers(responding.open_questionnaire(sonla.token("p3@thu.example"), mark_opened=False)),
    )
    response_id = db.session.scalar(sa.select(Response.id))
    app.config["WTF_CSRF_ENABLED"] = False
    yield {
        "code": sonla.campaign.code,
        "unit_code": "SO-NV",
        "token": token,
        "response_id": response_id,
        "filename": "r.css",
        "respondent_id": db.session.scalar(sa.select(Respondent.id).where(Respondent.email == "p1@thu.example")),
        "kind": "respondents",
        "name": "son-la-2024",
    }
    app.config["WTF_CSRF_ENABLED"] = True


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(EXPECTED) == set(), "add the new routes to EXPECTED with a status per role"
    assert set(EXPECTED) - endpoints == set()


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, client, staff, role):
    login(client, role)
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    body = {
        "admin.exclude": {"reason": "kiểm tra phân quyền"},
        "admin.review_bulk": {"action": "exclude", "reason": "kiểm tra phân quyền"},
        "admin.user_create": {"email": "x@thu.example"},
        "admin.user_reset": {"email": "monitor@thu.example"},
        "admin.roster_remove": {"confirm": "1"},
        "admin.send_links_csv": {"understood": "1"},
        "admin.campaign_check": {"source": "shipped", "pack": "son-la-2024"},
        "admin.campaign_create": {
            "ref": "shipped:son-la-2024",
            "code": "R2",
            "opens_date": "2030-01-01",
            "closes_date": "2030-02-01",
        },
        "admin.campaign_deadline": {"closes_date": (date.today() + timedelta(days=30)).isoformat()},
    }
    seen = {}
    for endpoint, (method, *_statuses) in EXPECTED.items():
        rule = rules[endpoint]
        url = rule.build({k: staff[k] for k in rule.arguments}, append_unknown=False)[1]
        kwargs = {"json": {"answers": {}}} if endpoint == "api.save_answers" else {"data": body.get(endpoint, {})}
        response = client.open(url, method=method, **kwargs)
        seen[endpoint] = response.status_code
        response.close()
    expected = {e: statuses[ROLES.index(role)] for e, (_, *statuses) in EXPECTED.items()}
    assert seen == expected


def test_focal_point_cannot_reach_another_unit_by_url(client, staff):
    login(client, "unit")
    code = staff["code"]
    assert client.get(f"/admin/c/{code}/u/SO-NV").status_code == 200
    assert client.get(f"/admin/c/{code}/u/SO-TC").status_code == 404
    assert client.get(f"/admin/c/{code}/u/H-MAI-SON").status_code == 404
    scores = client.get(f"/api/v1/campaigns/{code}/scores").get_json()
    assert [u["unit_code"] for u in scores["units"]] == ["SO-NV"]
    progress = client.get(f"/api/v1/campaigns/{code}/progress").get_json()
    assert {c["unit_code"] for c in progress["cells"]} == {"SO-NV"}
    assert "by_day" not in progress


def test_admin_forms_require_csrf(app, client, staff):
    login(client, "admin")
    app.config["WTF_CSRF_ENABLED"] = True
    r = client.post(f"/admin/c/{staff['code']}/close")
    assert r.status_code == 400
    assert client.get(f"/api/v1/r/{staff['token']}").status_code == 200  # the campaign stayed open


def test_bearer_tokens_carry_the_role(client, staff):
    token = users.issue_api_token("monitor@thu.example")
    code = staff["code"]
    ok = client.get(f"/api/v1/campaigns/{code}/progress", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and len(ok.get_json()["cells"]) > 1
    bad = client.get(f"/api/v1/campaigns/{code}/progress", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    # The monitor's token reads but cannot act.
    assert client.get("/admin/users", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    # A new token replaces the old one.
    users.issue_api_token("monitor@thu.example")
    assert (
        client.get(f"/api/v1/campaigns/{code}/scores", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
