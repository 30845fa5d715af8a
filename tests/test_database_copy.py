"""Issue 12: someone with a copy of the database (the SQLite file with its WAL, or a PostgreSQL data
directory or read access), but without the application's secrets, cannot tie a response, a tally change
or a draft to an invitation: not by ids, times, row order, `xmin`, the WAL or free pages.

One cell (Sơn La 2024, SO-NV rated by its own officials, k = 3) is answered by 45 people through the
JSON API, in an order the attacker is assumed to know (a focal point watching the list of who has not
answered learns it); each person's answers are unique, so the test knows whose each response is and
scores every attack. Before the fix (the response, its tallies and the invitation written in one
transaction, drafts stored as JSON) each of these attacks linked every response.
"""

from __future__ import annotations

import json
import random
import secrets
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Answer, Question, Response, Unit
from survey_app.services.survey import closing, mixing, responding

from .support import attacks
from .support.campaigns import make_campaign, person

PEOPLE = 45  # who submit; one more saves a draft and stops
K = 3


@pytest.fixture
def answered(app, client, tmp_path):
    """The cell answered: every person autosaves a few answers, then submits all of theirs; the mixer
    runs after each submit, as the application runs it. Returns (setup, submit order, question codes,
    start time, the unit's code)."""
    start = time.time()
    setup = make_campaign(app, tmp_path, "son-la-2024", [person(i, "SO-NV", "SO-CC") for i in range(1, PEOPLE + 2)])
    assert setup.campaign.pack.anonymity_k == K
    unit = db.session.scalar(sa.select(Unit).where(Unit.campaign_id == setup.campaign.id, Unit.code == "SO-NV"))
    unit.code = f"SO-{secrets.token_hex(4).upper()}"  # a code no other test's drafts carry
    db.session.commit()
    first = setup.token("p1@thu.example")
    q = responding.open_questionnaire(first, mark_opened=False)
    codes = [qq.code for s in q.sections for qq in s.questions]
    order = list(range(1, PEOPLE + 1))
    random.Random(2024).shuffle(order)
    for i in [*order, PEOPLE + 1]:
        token, mine = setup.token(f"p{i}@thu.example"), attacks.signature(i, codes)
        for code in codes[:3]:  # a phone autosaves on every tap
            r = client.put(f"/api/v1/r/{token}/answers", json={"answers": {unit.code: {code: mine[code]}}})
            assert r.status_code == 200, r.get_json()
        if i == PEOPLE + 1:
            break  # this one leaves a draft behind
        r = client.post(f"/api/v1/r/{token}/submit", json={"answers": {unit.code: mine}})
        assert r.status_code == 200, r.get_json()
        mixing.mix(setup.campaign)  # what respond/after.py runs once the answer is sent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == PEOPLE  # all released
    db.session.commit()
    return setup, order, codes, start, unit.code


def _whose(campaign_id: int, codes: list[str]) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Answer.response_id, Question.code, Answer.option_code)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign_id)
    )
    answers: dict[str, dict[str, str]] = {}
    for rid, code, option in rows:
        answers.setdefault(rid, {})[code] = option
    return {rid: attacks.person_of(a, codes) for rid, a in answers.items()}


def _order_attack(campaign_id: int, order: list[int], codes: list[str]) -> int:
    stored = attacks.responses_in_storage_order(db.session.connection(), campaign_id)
    return attacks.order_matches(stored, _whose(campaign_id, codes), order)


def test_row_order_tells_no_more_than_a_batch_of_k_and_nothing_after_close(answered):
    setup, order, codes, _, _ = answered
    c = setup.campaign
    assert sorted(_whose(c.id, codes).values()) == sorted(order)  # the test can tell whose each response is
    # While open the mixer writes batches of k, shuffled: pairing by storage order is right about once per
    # batch (15 expected of 45; before the fix, 45 of 45). 37 or more happens by chance with p < 4e-7.
    assert _order_attack(c.id, order, codes) < 37
    closing.close_and_validate(c.code)
    # After close every response is written again in random order: a random pairing, about 1 right
    # (10 or more: p < 2e-7).
    assert _order_attack(c.id, order, codes) < 10


def _postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("xmin is PostgreSQL's")


def test_no_response_or_tally_row_shares_a_transaction_with_an_invitation(answered):
    _postgres_only()
    setup, _, _, _, _ = answered
    c, conn = setup.campaign, db.session.connection()
    assert attacks.xmin_links(conn, c.id) == 0  # before the fix: every response
    per_transaction = attacks.responses_per_transaction(conn, c.id)
    assert min(per_transaction.values()) >= K  # each writing transaction hides a response among k of its cell
    for xmin, unit_id, group_id in attacks.tally_transactions(conn, c.id):
        # a tally row's last change came with at least k responses of its cell, not one person's answers
        assert attacks.responses_about(conn, xmin, unit_id, group_id) >= K
    db.session.commit()
    closing.close_and_validate(c.code)
    conn = db.session.connection()
    assert len(attacks.responses_per_transaction(conn, c.id)) == 1  # after close: one transaction for all
    assert attacks.xmin_links(conn, c.id) == 0
    assert len({x for x, _, _ in attacks.tally_transactions(conn, c.id)}) == 1


def test_no_draft_is_readable_in_the_files_a_copy_carries(answered, tmp_path):
    setup, _, _, start, unit = answered
    pattern = attacks.draft_text(unit)
    if db.engine.dialect.name == "postgresql":
        files = attacks.postgres_files(db.session.connection(), ["invitation", "sealed_response"], start)
        db.session.commit()
        if not files:
            pytest.skip("the PostgreSQL data directory is not readable from here")
    else:  # copied while serving: the WAL holds what has not reached the main file yet
        db.session.commit()
        path = Path(db.engine.url.database)
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert Path(f"{path}-wal").stat().st_size > 0
    # The pattern finds a draft stored as JSON (as before the fix): the scan itself is checked.
    assert attacks.scan([_sample_file(tmp_path, unit)], pattern) != []
    assert attacks.scan(files, pattern) == []  # 46 people's drafts, 45 erased at submit, one still waiting
    closing.close_and_validate(setup.campaign.code)
    if db.engine.dialect.name != "postgresql":
        assert Path(f"{path}-wal").stat().st_size == 0  # checkpointed into the file, whose free pages are zeroed
    assert attacks.scan(files, pattern) == []


def _sample_file(folder: Path, unit: str) -> Path:
    sample = folder / "draft-as-json.bin"
    sample.write_bytes(b"\x00\x01" + json.dumps({unit: {"S01": "A", "S02": "B"}}).encode() + b"\x00")
    return sample


def test_a_pooled_sqlite_connection_keeps_its_own_transactions_after_compacting(app):
    """`compact` runs in an AUTOCOMMIT block; SQLAlchemy hands that connection back with the driver's own
    transaction handling on again. The next checkout must start from BEGIN IMMEDIATE transactions only."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the driver's transaction handling is SQLite's")
    mixing.compact(["sealed_response"])
    with db.engine.connect() as conn:
        assert conn.connection.dbapi_connection.isolation_level is None
