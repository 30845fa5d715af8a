"""The `flask ...` commands: output, exit codes, and the errors they print instead of tracebacks."""

from __future__ import annotations

import re
import shutil

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Campaign, Invitation, ProgressCounter, Respondent, Response, Unit, User
from survey_app.packs import load_pack
from survey_app.services import invitations, responding, tallies

from .conftest import PACKS, RESPONDENT_HEADER, full_answers, person, write_csv

LINK = re.compile(r"^  http://survey\.test/s/[A-Za-z0-9_-]{24}$")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def run(runner, *args: str, code: int = 0, **kw) -> list[str]:
    result = runner.invoke(args=list(args), **kw)
    assert result.exit_code == code, result.output
    return result.output.splitlines()


def test_pack_check_ok_lists_warnings_and_counts(runner):
    root = PACKS / "son-la-2024"
    assert run(runner, "pack", "check", str(root)) == [
        f"warning: {root}/pack.yaml: unit_types[0].areas: area max_points add up to 99.5, not the declared "
        "total_points 100",
        f"warning: {root}/pack.yaml: unit_types[1].areas: area max_points add up to 98.5, not the declared "
        "total_points 100",
        "so: 32 questions, 20 survey points",
        "huyen: 32 questions, 20 survey points",
        f"ok: son-la-2024 sha256 {load_pack(root).sha256}",
    ]


@pytest.fixture
def bad_pack(tmp_path):
    root = shutil.copytree(PACKS / "hai-cap-2025", tmp_path / "bad")
    with (root / "units.csv").open("a", encoding="utf-8") as fh:
        fh.write("X-DEMO-1,Xã lặp,xa\nX-SAI,Xã Sai,huyện\n")
    return root


def test_pack_check_bad_pack_lists_errors(runner, bad_pack):
    assert run(runner, "pack", "check", str(bad_pack), code=1) == [
        f"Error: {bad_pack}/units.csv: row 10: code: duplicate unit code 'X-DEMO-1'",
        f"{bad_pack}/units.csv: row 14: code: duplicate unit code 'X-DEMO-1'",
        f"{bad_pack}/units.csv: row 15: unit_type: unknown unit type 'huyện'",
    ]


def test_campaign_lifecycle(runner):
    pack = str(PACKS / "son-la-2024")
    out = run(
        runner,
        "campaign",
        "create",
        "--pack",
        pack,
        "--code",
        "C1",
        "--opens",
        "2024-11-01",
        "--closes",
        "2024-12-20 17:00",
    )
    assert out == [f"campaign C1 created from son-la-2024 (sha256 {load_pack(pack).sha256[:12]}), status draft"]
    assert count(Unit) == 32
    assert run(runner, "campaign", "open", "--campaign", "C1") == ["campaign C1 is open until 17:00 ngày 20/12/2024"]
    status = run(runner, "campaign", "status")
    assert status[0] == (
        "C1: Điều tra xã hội học xác định Chỉ số cải cách hành chính năm 2024 [open] "
        "23:59 ngày 01/11/2024 → 17:00 ngày 20/12/2024"
    )
    assert status[1] == "unit × group cells below the minimum sample: 108"
    assert len(status) == 2 + 108 + 1
    assert "  SO-NV × SO-CC: 0 of 5 valid responses" in status
    assert status[-1] == "phát ra / thu về / hợp lệ: 0 / 0 / 0"
    assert run(runner, "campaign", "close", "--campaign", "C1") == [
        "campaign C1 is closed; 0 responses checked: 0 invalid, 0 with warnings for review, 0 unit warnings"
    ]
    assert run(runner, "campaign", "open", code=1) == [
        "Error: campaign C1 is closed; a closed campaign is not reopened"
    ]
    assert db.session.scalar(sa.select(Campaign.status)) == "closed"


def test_campaign_create_refusals(runner, bad_pack):
    good = str(PACKS / "son-la-2024")
    out = run(
        runner,
        "campaign",
        "create",
        "--pack",
        good,
        "--code",
        "X",
        "--opens",
        "2024-13-01",
        "--closes",
        "2024-12-20",
        code=2,
    )
    assert (
        "Error: Invalid value for '--opens': not a date: '2024-13-01' "
        "(expected YYYY-MM-DD or YYYY-MM-DD HH:MM, Vietnam time)"
    ) in out
    assert run(
        runner,
        "campaign",
        "create",
        "--pack",
        good,
        "--code",
        "X",
        "--opens",
        "2024-12-20",
        "--closes",
        "2024-12-01",
        code=1,
    ) == ["Error: the closing time must be after the opening time"]
    out = run(
        runner,
        "campaign",
        "create",
        "--pack",
        str(bad_pack),
        "--code",
        "X",
        "--opens",
        "2025-08-01",
        "--closes",
        "2025-09-01",
        code=1,
    )
    assert out[0] == f"Error: {bad_pack}/units.csv: row 10: code: duplicate unit code 'X-DEMO-1'"
    assert out[2] == f"{bad_pack}/units.csv: row 15: unit_type: unknown unit type 'huyện'"
    assert count(Campaign) == 0
    assert run(runner, "campaign", "status", code=1) == [
        "Error: no campaign yet: create one with `flask campaign create`"
    ]
    run(runner, "campaign", "create", "--pack", good, "--code", "X", "--opens", "2024-11-01", "--closes", "2024-12-20")
    assert run(
        runner,
        "campaign",
        "create",
        "--pack",
        good,
        "--code",
        "X",
        "--opens",
        "2024-11-01",
        "--closes",
        "2024-12-20",
        code=1,
    ) == ["Error: a campaign with code 'X' already exists"]
    assert run(runner, "campaign", "status", "--campaign", "Y", code=1) == ["Error: no campaign with code 'Y'"]


def test_units_respondents_invitations_export(runner, tmp_path):
    run(
        runner,
        "campaign",
        "create",
        "--pack",
        str(PACKS / "son-la-2024"),
        "--code",
        "C",
        "--opens",
        "2024-11-01",
        "--closes",
        "2030-12-20",
    )
    units = write_csv(
        tmp_path / "u.csv",
        ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"],
        [["SO-MOI", "Sở Mới", "so"], ["SO-NV", "Sở Nội vụ", "so"]],
    )
    assert run(runner, "units", "import", str(units)) == ["1 created, 0 updated, 1 unchanged"]
    bad = write_csv(
        tmp_path / "bad.csv",
        RESPONDENT_HEADER,
        [person(1, "SO-KHAC", "SO-CC"), person(2, "SO-NV", "H-XA"), person(3, "SO-MOI", "SO-LD")],
    )
    assert run(runner, "respondents", "import", str(bad), code=1) == [
        "Error: 2 problem(s), nothing imported:",
        "row 2, column unit_code: unknown unit 'SO-KHAC'",
        "row 3, column group_code: group H-XA is for units of type 'huyen', but SO-NV is of type 'so'",
    ]
    assert count(Respondent) == 0
    good = write_csv(tmp_path / "p.csv", RESPONDENT_HEADER, [person(1, "SO-MOI", "SO-CC"), person(2, "SO-NV", "SO-LD")])
    assert run(runner, "respondents", "import", str(good)) == ["2 created, 0 updated, 0 unchanged"]
    assert run(runner, "invitations", "issue") == ["2 invitation(s) issued, 0 respondent(s) already had a live link"]
    assert run(runner, "invitations", "issue") == ["0 invitation(s) issued, 2 respondent(s) already had a live link"]
    before = set(db.session.scalars(sa.select(Invitation.token_hash)))
    assert run(runner, "invitations", "issue", "--reissue", "p2@thu.example") == [
        "new link issued for p2@thu.example; the old one now answers 410"
    ]
    assert run(runner, "invitations", "issue", "--reissue", "0912 000 001") == [
        "new link issued for 0912 000 001; the old one now answers 410"
    ]
    assert run(runner, "invitations", "issue", "--reissue", "x@thu.example", code=1) == [
        "Error: no live invitation for 'x@thu.example' in campaign C"
    ]
    assert count(Invitation) == 4
    live = set(db.session.scalars(sa.select(Invitation.token_hash).where(Invitation.revoked_at.is_(None))))
    assert len(live) == 2 and not live & before
    out = tmp_path / "links.csv"
    assert run(runner, "invitations", "export-links", "--out", str(out)) == [
        f"2 links written to {out}. This file is sensitive: anyone with it can answer in others' names."
    ]
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "unit_code,unit_name,group_code,full_name,email,phone,status,link"
    assert [ln.split(",")[0] for ln in lines[1:]] == ["SO-MOI", "SO-NV"]
    assert {invitations.hash_token(ln.rsplit("/", 1)[1]) for ln in lines[1:]} == live


def test_tallies_rebuild_restores_counters(runner, sonla):
    token = sonla.token("p2@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    before = tallies.snapshot(sonla.campaign)
    db.session.execute(sa.update(ProgressCounter).values(invited=99, submitted=0))
    db.session.commit()
    assert tallies.snapshot(sonla.campaign) != before
    assert run(runner, "tallies", "rebuild") == ["tallies of T rebuilt"]
    db.session.expire_all()
    assert tallies.snapshot(sonla.campaign) == before
    status = run(runner, "campaign", "status", "--campaign", "T")
    assert status[1:4] == [
        "UBND huyện, thành phố: invited 2, opened 0, started 0, submitted 0 (0.0%)",
        "Sở, ban, ngành: invited 5, opened 1, started 1, submitted 1 (20.0%)",
        "unit × group cells below the minimum sample: 108",
    ]
    assert "  SO-NV × SO-CC: 1 of 5 valid responses" in status


def test_users_create(runner):
    assert run(
        runner, "users", "create", "Thu.Truong@SoNoiVu.example", "--password", "mat-khau-dai-1", "--role", "monitor"
    ) == ["user Thu.Truong@SoNoiVu.example created (monitor)"]
    user = db.session.scalar(sa.select(User))
    assert (user.email, user.role) == ("thu.truong@sonoivu.example", "monitor")
    assert user.check_password("mat-khau-dai-1") and "mat-khau-dai-1" not in user.password_hash
    out = run(runner, "users", "create", "admin@thu.example", input="mat-khau-dai-2\nmat-khau-dai-2\n")
    assert out[-1] == "user admin@thu.example created (admin)"
    assert run(runner, "users", "create", "x@thu.example", "--password", "ngan", code=1) == [
        "Error: the password must have at least 10 characters"
    ]
    assert run(runner, "users", "create", "THU.TRUONG@sonoivu.example", "--password", "mat-khau-dai-3", code=1) == [
        "Error: a user thu.truong@sonoivu.example already exists"
    ]
    assert count(User) == 2


def test_demo_loads_once(runner):
    out = run(runner, "demo", "--respondents", "60", "--answered", "0.5")
    assert out[:3] == [
        "demo campaign 2024 loaded (simulated data)",
        "admin: admin@mo-phong.example / mo-phong-2024  (demo account; /admin/)",
        "respondent links:",
    ]
    assert len(out) == 6 and all(LINK.match(line) for line in out[3:])
    assert count(Respondent) == 60 and count(Invitation) == 60
    submitted = count(Response)
    assert 0 < submitted < 60
    assert db.session.scalar(sa.select(sa.func.count()).where(Invitation.status == "submitted")) == submitted
    assert db.session.scalar(sa.select(sa.func.sum(ProgressCounter.submitted))) == submitted
    admin = db.session.scalar(sa.select(User))
    assert admin.check_password("mo-phong-2024")
    for line in out[3:]:
        q = responding.open_questionnaire(line.rsplit("/", 1)[1], mark_opened=False)
        assert not q.submitted
    again = run(runner, "demo", "--respondents", "60", "--answered", "0.5")
    assert again == out[1:]
    assert (count(Campaign), count(Respondent), count(Response), count(User)) == (1, 60, submitted, 1)
