"""What a tap costs the database: a constant, small number of statements whatever the questionnaire's size,
reads without SQLite's write lock, and the lock taken only to write (issue 10)."""

from __future__ import annotations

import re
from contextlib import contextmanager

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.services.survey import links, responding


@contextmanager
def statements():
    """Every SQL statement sent to the database inside the block, in order."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


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
