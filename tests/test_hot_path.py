"""What a tap costs the database: a constant, small number of statements whatever the questionnaire's size,
reads without SQLite's write lock, and the lock taken only to write (issue 10)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.services.survey import links, responding

from .support.sql import driver_statements as statements


def _first_field(client, token: str) -> tuple[str, str, str]:
    page = client.get(f"/s/{token}").get_data(as_text=True)
    return re.search(r'name="a:([^":]+):([^"]+)" value="([^"]+)"', page).groups()


def _kinds(seen: list[str]) -> list[str]:
    return [s.split()[0].upper() + (" IMMEDIATE" if s.upper().startswith("BEGIN IMMEDIATE") else "") for s in seen]


def test_an_autosave_reads_without_the_write_lock_and_writes_once(app, client, sonla):
    token = sonla.token("p2@thu.example")
    unit, question, option = _first_field(client, token)
    client.put(f"/api/v1/r/{token}/answers", json={"answers": {unit: {question: option}}})  # first: 'started'
    with statements() as seen:
        r = client.put(f"/api/v1/r/{token}/answers", json={"answers": {unit: {question: "B"}}})
    assert r.status_code == 200
    kinds = _kinds(seen)
    if db.engine.dialect.name == "sqlite":
        assert kinds == ["SELECT", "BEGIN IMMEDIATE", "UPDATE"], seen
    else:
        assert kinds == ["SELECT", "UPDATE"], seen


def test_reopening_the_page_takes_no_write_lock(app, client, sonla):
    token = sonla.token("p2@thu.example")
    client.get(f"/s/{token}")  # the first visit writes 'opened'
    with statements() as seen:
        assert client.get(f"/s/{token}").status_code == 200
    assert _kinds(seen) == ["SELECT"], seen


def test_a_submit_costs_the_same_statements_for_32_answers_as_for_72(app, client, sonla, matrix):
    lock = ["BEGIN IMMEDIATE"] if db.engine.dialect.name == "sqlite" else []
    write = [*lock, "UPDATE", "INSERT", "INSERT"]  # the invitation, the sealed answers, the funnel counter
    for setup, email, total, reads in (
        (sonla, "p2@thu.example", 32, ["SELECT"]),
        (matrix, "p3@thu.example", 72, ["SELECT", "SELECT"]),  # a matrix reads its rated units too
    ):
        token = setup.token(email)
        q = responding.open_questionnaire(token)
        answers = {s.unit.code: {qq.code: "A" for qq in s.questions} for s in q.sections}
        client.put(f"/api/v1/r/{token}/answers", json={"answers": answers})
        links.question_ids(q.campaign)  # read once per process and campaign: not a cost of each submit
        db.session.rollback()
        with statements() as seen:
            assert client.post(f"/api/v1/r/{token}/submit").status_code == 200
        assert q.total == total
        assert _kinds(seen) == reads + write, seen


def test_the_mixer_after_a_submit_opens_only_the_submissions_it_has_not_seen(app, client, sonla):
    """Each submit's mixer run looks at what waits; it reads the ids, and unseals only the submissions that
    arrived since its last look (before: every waiting one, on every submit)."""
    from survey_app.services.survey import mixing

    def submit(email: str) -> None:
        token = sonla.token(email)
        q = responding.open_questionnaire(token)
        answers = {s.unit.code: {qq.code: "A" for qq in s.questions} for s in q.sections}
        assert client.post(f"/api/v1/r/{token}/submit", json={"answers": answers}).status_code == 200

    for email in ("p1@thu.example", "p4@thu.example", "p6@thu.example"):  # three cells: nothing releasable
        submit(email)
    assert mixing.mix(sonla.campaign).waiting == 3
    submit("p7@thu.example")
    db.session.rollback()
    with statements() as seen:
        report = mixing.mix(sonla.campaign)
    assert (report.released, report.waiting) == (0, 4)
    opened = [s for s in seen if "sealed_response.sealed" in s]
    assert len(opened) == 1, seen
    ids = re.findall(r"'([0-9a-f]{32})'|%\(ids_\d+\)s", opened[0])
    assert len(ids) == 1, opened[0]  # the one new submission
    with statements() as seen:
        assert mixing.mix(sonla.campaign).waiting == 4
    assert not [s for s in seen if "sealed_response.sealed" in s], seen  # nothing new: nothing opened


def test_the_direct_read_gives_what_the_session_gives(app, client, sonla):
    """`direct` runs the link's statement on the DBAPI connection with SQLAlchemy's own type processors:
    the values (times, the sealed draft's bytes) equal those the same statement gives through a Session."""
    token = sonla.token("p2@thu.example")
    unit, question, option = _first_field(client, token)
    client.put(f"/api/v1/r/{token}/answers", json={"answers": {unit: {question: option}}})
    db.session.rollback()
    db.session.remove()
    direct_link = links.find(token)  # no Session transaction: the DBAPI path
    assert not db.session.registry.has()
    db.session.begin()
    try:
        session_link = links.find(token)  # inside one: the Session path
    finally:
        db.session.rollback()
    assert direct_link == session_link
    assert direct_link.started_at is not None and isinstance(direct_link.draft, bytes)
    assert direct_link.campaign.opens_at == session_link.campaign.opens_at


def test_a_matrix_page_follows_a_renamed_unit_at_once(app, client, matrix):
    """The rated units' name order is kept per process, keyed by the rows as read: a unit renamed while
    the campaign runs moves to its new place on the next request."""
    from survey_app.models import Unit

    token = matrix.token("p3@thu.example")
    before = [s.unit.code for s in responding.open_questionnaire(token).sections]
    assert before == sorted(before, key=lambda c: _name(matrix, c))
    first = db.session.scalar(sa.select(Unit).where(Unit.campaign_id == matrix.campaign.id, Unit.code == before[0]))
    first.name = "Ủy ban Zê cuối cùng"
    db.session.commit()
    after = [s.unit.code for s in responding.open_questionnaire(token).sections]
    assert after == [*before[1:], before[0]]


def _name(setup, code: str) -> str:
    from analysis.vntext import sort_key
    from survey_app.models import Unit

    name = db.session.scalar(sa.select(Unit.name).where(Unit.campaign_id == setup.campaign.id, Unit.code == code))
    return sort_key(name)
