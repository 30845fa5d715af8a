"""The live dashboard's data, the anonymity folding, sign-in lockout, and validation at close."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Answer, AuditEntry, ProgressCounter, Response, ResponseCount, ResponseFlag
from survey_app.services import monitoring, users
from survey_app.services.survey import responding, review, scores, tallies

from .support.campaigns import full_answers, make_campaign, person, release

PASSWORD = "mat-khau-dai-0123"


def _people():
    """Sở Nội vụ: 3 leaders, 1 division head, 5 officials; Sở Tài chính: 2 division heads; a district."""
    units = (
        [("SO-NV", "SO-LD")] * 3
        + [("SO-NV", "SO-LDP")]
        + [("SO-NV", "SO-CC")] * 5
        + [("SO-TC", "SO-LDP")] * 2
        + [("H-MAI-SON", "H-XA")] * 4
    )
    return [person(i + 1, u, g) for i, (u, g) in enumerate(units)]


def _submit_all(setup, option_of=lambda i: "A"):
    for i, (_email, token) in enumerate(sorted(setup.tokens.items())):
        q = responding.open_questionnaire(token)
        responding.submit(token, full_answers(q, option_of(i)))
    release(setup.campaign)


def test_dashboard_json_after_a_burst_equals_the_tallies(app, client, tmp_path):
    setup = make_campaign(app, tmp_path, "son-la-2024", _people())
    _submit_all(setup, lambda i: "ABCD"[i % 4])
    users.create_user("monitor@thu.example", PASSWORD, "monitor")
    login(client, "monitor@thu.example")
    code = setup.campaign.code
    progress = client.get(f"/api/v1/campaigns/{code}/progress").get_json()
    assert "cells" in progress, progress
    counters = {(r.unit_id, r.group_id): r for r in db.session.scalars(sa.select(ProgressCounter))}
    valid = {(r.unit_id, r.group_id): r.responses for r in db.session.scalars(sa.select(ResponseCount))}
    from survey_app.models import RespondentGroup, Unit

    ids = {
        (u.code, g.code): (u.id, g.id)
        for u in db.session.scalars(sa.select(Unit))
        for g in db.session.scalars(sa.select(RespondentGroup))
    }
    for cell in progress["cells"]:
        key = ids[(cell["unit_code"], cell["group_code"])]
        c = counters.get(key)
        assert (cell["invited"], cell["submitted"]) == ((c.invited, c.submitted) if c else (0, 0))
        assert cell["valid"] == valid.get(key, 0)
    assert progress["overview"]["submitted"] == progress["overview"]["valid"] == 15
    assert progress["overview"]["invited"] == 15
    assert sum(n for _, n in progress["by_day"]) == 15
    live = scores.unit_scores(setup.campaign)
    got = {u["unit_code"]: u for u in client.get(f"/api/v1/campaigns/{code}/scores").get_json()["units"]}
    # The disclosure rule: Sở Nội vụ (9 responses) and the district (4) are shown; Sở Tài chính has 2,
    # under k = 3, so its figures never leave the server; units nobody rated show nothing either.
    shown = {code for code, u in got.items() if u["disclosed"]}
    assert shown == {"SO-NV", "H-MAI-SON"}
    for unit_code, s in live.items():
        u = got[unit_code]
        if unit_code in shown:
            assert Decimal(str(u["total"])) == s.total and u["rank"] == 1
        else:
            assert (u["total"], u["percent"], u["areas"], u["rank"], u["groups"]) == (None, None, None, None, [])
            assert u["responses"] < 3 and (u["reason"], u["k"]) == ("below_k", 3)


def test_small_groups_are_never_shown_alone(app, client, tmp_path):
    setup = make_campaign(app, tmp_path, "son-la-2024", _people())
    _submit_all(setup)
    rows = {r.unit_code: r for r in monitoring.live_scores(setup.campaign)}
    # Sở Nội vụ: SO-CC 5 and SO-LD 3 could stand alone, SO-LDP has 1: it folds with SO-LD (the smallest).
    assert rows["SO-NV"].groups == [
        {"groups": ["SO-CC"], "responses": 5},
        {"groups": ["SO-LD", "SO-LDP"], "responses": 4},
    ]
    # Sở Tài chính: 2 responses in all, under k = 3: no group figure at all.
    assert rows["SO-TC"].groups == []
    users.create_user("admin@thu.example", PASSWORD, "admin")
    login(client, "admin@thu.example")
    page = client.get(f"/admin/c/{setup.campaign.code}/u/SO-NV").get_data(as_text=True)
    assert "SO-LD + SO-LDP: 4" in page and "SO-LDP: 1" not in page
    for unit in client.get(f"/api/v1/campaigns/{setup.campaign.code}/scores").get_json()["units"]:
        for cell in unit["groups"]:
            assert cell["responses"] >= 3


def test_sign_in_locks_after_repeated_failures_and_an_admin_reset_unlocks(app, client):
    users.create_user("a@thu.example", PASSWORD, "monitor")
    for _ in range(users.MAX_FAILED_LOGINS):
        assert login(client, "a@thu.example", "sai").status_code == 401
    locked = login(client, "a@thu.example")
    assert locked.status_code == 423 and "tạm khoá" in locked.get_data(as_text=True)
    new = users.reset_password("a@thu.example")
    assert login(client, "a@thu.example", new).status_code == 302
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.create", "user.locked", "user.reset_password"]


def test_close_validate_exclude_and_restore(app, client, tmp_path):
    setup = make_campaign(app, tmp_path, "son-la-2024", _people())
    # All "A" throughout for everyone: straight-lined; submitted at once: faster than the pack's 120 s.
    _submit_all(setup)
    # Take one answer out of one response behind the application's back: it becomes incomplete.
    broken = db.session.scalar(sa.select(Response.id).order_by(Response.id).limit(1))
    db.session.execute(
        sa.delete(Answer).where(
            Answer.response_id == broken,
            Answer.question_id
            == db.session.scalar(sa.select(Answer.question_id).where(Answer.response_id == broken).limit(1)),
        )
    )
    db.session.commit()
    tallies.rebuild_tallies(setup.campaign)  # the counters follow the stored answers again
    users.create_user("admin@thu.example", PASSWORD, "admin")
    login(client, "admin@thu.example")
    r = client.post(f"/admin/c/{setup.campaign.code}/close", data={"csrf_token": _csrf(client)})
    assert r.status_code == 302
    status = dict(db.session.execute(sa.select(Response.id, Response.status)).all())
    assert status[broken] == "invalid" and list(status.values()).count("valid") == 14
    reason, params = db.session.execute(
        sa.select(Response.status_reason, Response.status_params).where(Response.id == broken)
    ).one()
    assert (reason, params["answers"]) == ("incomplete", params["expected"] - 1)
    kinds = db.session.scalars(sa.select(ResponseFlag.kind)).all()
    assert kinds.count("straight_lining") == 15 and kinds.count("too_fast") == 15
    assert {k for _, k, _ in review.unit_flags(setup.campaign)} == {"straight_lining"}
    flags = db.session.execute(sa.select(ResponseFlag.kind, ResponseFlag.params)).all()
    assert [p for kind, p in flags if kind == "too_fast"][0] == {"seconds": 0, "minimum": 120}
    page = client.get(f"/admin/c/{setup.campaign.code}/review").get_data(as_text=True)
    assert "phát ra" not in page.lower() or "thu về" in page.lower()
    assert f"không hợp lệ: chưa đủ câu: {params['answers']}/{params['expected']} câu trả lời" in page
    assert "Trả lời quá nhanh: khoảng 0 giây, tối thiểu 120 giây" in page
    assert "Cả 30 câu trả lời cùng một phương án" in page or "Cả 32 câu trả lời cùng một phương án" in page
    # Exclude a valid response: it leaves the tallies, the audit log says who and why; restore undoes it.
    target = next(rid for rid, s in status.items() if s == "valid")
    before = tallies.snapshot(setup.campaign)
    r = client.post(
        f"/admin/c/{setup.campaign.code}/responses/{target}/exclude",
        data={"csrf_token": _csrf(client), "reason": "trả lời hộ"},
    )
    assert r.status_code == 302
    after = tallies.snapshot(setup.campaign)
    assert sum(v[0] for v in after["answer_tally"].values()) < sum(v[0] for v in before["answer_tally"].values())
    tallies.rebuild_tallies(setup.campaign)
    assert tallies.snapshot(setup.campaign) == after  # live counters equal a rebuild after an exclusion
    client.post(f"/admin/c/{setup.campaign.code}/responses/{target}/restore", data={"csrf_token": _csrf(client)})
    assert tallies.snapshot(setup.campaign) == before
    log = db.session.execute(
        sa.select(AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.detail)
        .where(AuditEntry.action.like("response.%"))
        .order_by(AuditEntry.id)
    ).all()
    assert log == [
        ("admin@thu.example", "response.exclude", target, '{"reason": "trả lời hộ"}'),
        ("admin@thu.example", "response.restore", target, None),
    ]
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Loại phiếu" in page and "lý do: trả lời hộ" in page and "Đóng đợt khảo sát" in page
    assert (
        db.session.scalar(sa.select(AuditEntry.actor).where(AuditEntry.action == "campaign.close"))
        == "admin@thu.example"
    )


def _csrf(client, page: str = "/admin/users") -> str:
    html = client.get(page).get_data(as_text=True)
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def login(client, email: str, password: str = PASSWORD):
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": _csrf(client, "/admin/login")}
    )
