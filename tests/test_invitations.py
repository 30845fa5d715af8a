"""Personal links: format and strength, hash-only storage, re-issue, idempotent issue, export."""

from __future__ import annotations

import csv
import math
import re
import string

import pytest
import sqlalchemy as sa

from survey_app.errors import NotFound, ServiceError
from survey_app.extensions import db
from survey_app.models import Invitation, Respondent
from survey_app.services.survey import invitations, links, refusals, responding, tallies
from survey_app.texts import say_error

from .support.campaigns import RESPONDENT_HEADER, full_answers, person, write_csv

BASE64URL = set(string.ascii_letters + string.digits + "-_")
BASE_URL = "http://survey.test"


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def live(email: str) -> Invitation:
    return db.session.scalar(
        sa.select(Invitation)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .where(Respondent.email == email, Invitation.revoked_at.is_(None))
    )


def test_tokens_are_short_url_safe_and_strong(sonla):
    c = sonla.campaign
    respondent_id = db.session.scalar(sa.select(Respondent.id).limit(1))
    made = [invitations._new_invitation(c.id, respondent_id) for _ in range(1000)]
    tokens = [invitations.derive_token(c.id, inv.nonce) for inv in made]
    assert len(set(tokens)) == 1000
    assert {len(t) for t in tokens} == {24}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in tokens)
    assert set("".join(tokens)) == BASE64URL  # all 64 symbols used: 6 bits per character
    bits = len(tokens[0]) * math.log2(len(BASE64URL))
    assert bits == 144 and bits >= 128 and len(tokens[0]) <= 43
    assert all(inv.token_hash == invitations.hash_token(t) for inv, t in zip(made, tokens, strict=True))
    assert len({inv.nonce for inv in made}) == 1000
    assert all(len(t) == 24 for t in sonla.tokens.values())


def test_only_the_hash_of_a_token_is_stored(sonla, client):
    token = sonla.token("p2@thu.example")
    assert client.get(f"/s/{token}").status_code == 200
    q = responding.save_answers(
        token, {"SO-NV": {responding.open_questionnaire(token).sections[0].questions[0].code: "B"}}
    )
    responding.submit(sonla.token("p3@thu.example"), full_answers(q))
    invitations.reissue_invitation(sonla.campaign, "p1@thu.example")
    tokens = set(sonla.tokens.values())
    tokens |= {invitations.derive_token(i.campaign_id, i.nonce) for i in db.session.scalars(sa.select(Invitation))}
    assert len(tokens) == 8
    dump = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            dump += [str(v) for v in row if v is not None]
    text = "\n".join(dump)
    assert [t for t in tokens if t in text] == []
    assert all(invitations.hash_token(t) in text for t in tokens)  # the dump did reach the invitations


def test_reissue_revokes_old_link_keeps_draft_and_counters(sonla, client):
    c = sonla.campaign
    old = sonla.token("p4@thu.example")
    q = responding.open_questionnaire(old)
    first = q.sections[0].questions[0].code
    responding.save_answers(old, {"SO-TC": {first: "C"}})
    before = tallies.snapshot(c)
    new_inv = invitations.reissue_invitation(c, "  P4@Thu.Example ")
    new = invitations.derive_token(c.id, new_inv.nonce)
    assert new != old
    assert tallies.snapshot(c) == before
    tallies.rebuild_tallies(c)
    assert tallies.snapshot(c) == before
    gone = client.get(f"/s/{old}")
    assert gone.status_code == 410
    assert "Đường liên kết này đã được thay thế" in gone.get_data(as_text=True)
    page = client.get(f"/s/{new}")
    assert page.status_code == 200
    assert "Sở Tài chính" in page.get_data(as_text=True)
    q2 = responding.open_questionnaire(new)
    assert q2.answers == {"SO-TC": {first: "C"}}
    assert q2.invitation.status == "started"
    revoked = links.find(old)
    assert revoked.revoked_at is not None and revoked.draft is None
    assert count(Invitation) == 8
    with pytest.raises(refusals.Gone):
        responding.save_answers(old, {"SO-TC": {first: "A"}})


def test_reissue_by_phone_typed_any_way(sonla):
    new = invitations.reissue_invitation(sonla.campaign, "0912 000 001")
    assert new.respondent.email == "p1@thu.example"
    assert live("p1@thu.example").id == new.id


def test_reissue_refused_after_submit_or_for_unknown_person(sonla):
    token = sonla.token("p2@thu.example")
    responding.submit(token, full_answers(responding.open_questionnaire(token)))
    with pytest.raises(ServiceError) as info:
        invitations.reissue_invitation(sonla.campaign, "p2@thu.example")
    assert (info.value.code, info.value.params) == ("reissue_after_submit", {"person": "p2@thu.example"})
    assert say_error(info.value) == ("p2@thu.example đã nộp phiếu; cấp đường liên kết mới sẽ cho phép nộp lần thứ hai.")
    with pytest.raises(NotFound) as info:
        invitations.reissue_invitation(sonla.campaign, "nobody@thu.example")
    assert say_error(info.value) == "nobody@thu.example không có đường liên kết còn hiệu lực trong đợt T."
    assert count(Invitation) == 7
    assert links.find(token).revoked_at is None


def test_issue_twice_issues_nothing_new(sonla, tmp_path):
    c = sonla.campaign
    hashes = set(db.session.scalars(sa.select(Invitation.token_hash)))
    assert invitations.issue_invitations(c) == invitations.IssueReport(issued=0, already=7)
    assert set(db.session.scalars(sa.select(Invitation.token_hash))) == hashes
    newcomers = [person(20, "SO-TC", "SO-CC"), person(21, "H-MAI-SON", "H-PB")]
    from survey_app.services.survey import roster

    roster.import_respondents(c, write_csv(tmp_path / "more.csv", RESPONDENT_HEADER, newcomers))
    assert invitations.issue_invitations(c, "SO-TC") == invitations.IssueReport(issued=1, already=2)
    assert live("p20@thu.example") is not None and live("p21@thu.example") is None
    assert invitations.issue_invitations(c) == invitations.IssueReport(issued=1, already=8)
    assert count(Invitation) == 9
    invited = db.session.execute(sa.text("SELECT SUM(invited) FROM progress_counter")).scalar()
    assert invited == 9


def read_export(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_export_links_one_row_per_live_link(sonla, client, tmp_path):
    c = sonla.campaign
    new_inv = invitations.reissue_invitation(c, "p5@thu.example")
    out = tmp_path / "links.csv"
    assert invitations.export_links(c, out) == 7
    rows = read_export(out)
    assert list(rows[0]) == ["unit_code", "unit_name", "group_code", "full_name", "email", "phone", "status", "link"]
    assert len(rows) == 7
    expected = dict(sonla.tokens) | {"p5@thu.example": invitations.derive_token(c.id, new_inv.nonce)}
    assert {r["email"]: r["link"] for r in rows} == {e: f"{BASE_URL}/s/{t}" for e, t in expected.items()}
    assert f"{BASE_URL}/s/{sonla.token('p5@thu.example')}" not in out.read_text(encoding="utf-8-sig")
    assert [(r["unit_code"], r["group_code"]) for r in rows] == [
        ("H-MAI-SON", "H-PB"),
        ("H-MAI-SON", "H-XA"),
        ("SO-NV", "SO-CC"),
        ("SO-NV", "SO-CC"),
        ("SO-NV", "SO-LD"),
        ("SO-TC", "SO-CC"),
        ("SO-TC", "SO-LDP"),
    ]
    row = next(r for r in rows if r["email"] == "p6@thu.example")
    assert (row["unit_name"], row["full_name"], row["phone"], row["status"]) == (
        "UBND huyện Mai Sơn",
        "Người Thử 6",
        "+84912000006",
        "issued",
    )
    for r in rows:
        token = r["link"].rsplit("/", 1)[1]
        q = responding.open_questionnaire(token, mark_opened=False)
        assert (q.own_unit.code, q.group.code, q.invitation.respondent.email) == (
            r["unit_code"],
            r["group_code"],
            r["email"],
        )
    page = client.get(row["link"].removeprefix(BASE_URL))
    assert page.status_code == 200 and "UBND huyện Mai Sơn" in page.get_data(as_text=True)


def test_derived_matrix_link_opens_every_department(matrix, tmp_path):
    out = tmp_path / "links.csv"
    assert invitations.export_links(matrix.campaign, out) == 4
    row = next(r for r in read_export(out) if r["group_code"] == "XA-LD")
    q = responding.open_questionnaire(row["link"].rsplit("/", 1)[1], mark_opened=False)
    assert q.group.is_matrix and q.own_unit.code == "X-DEMO-1"
    assert sorted(s.unit.code for s in q.sections) == sorted(
        u.code for u in matrix.campaign.pack.units if u.unit_type == "so"
    )
    assert q.total == 6 * 12
