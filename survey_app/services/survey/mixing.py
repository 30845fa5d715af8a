"""The mixer: sealed submissions become responses and tallies in shuffled batches.

Submitting marks the invitation submitted and stores the answers sealed (`responding.submit`). The
mixer, in transactions of its own, takes the largest set of waiting submissions in which every cell it
touches (target unit × respondent group) receives at least k of them, writes them as responses in random
order with random ids and one release day, counts them into the tallies, and deletes the sealed rows.
So a response, or a tally row, shares its transaction (PostgreSQL's `xmin`), its neighbours in the table
and its day with at least k-1 others of its cell: nothing stored ties it to one invitation. The same
batches are the step release of the live figures: a figure of a cell moves only when k new responses
entered it.

Closing flushes what still waits, then re-stamps every response, answer and tally row of the campaign
in one transaction and in random order, so not even the batches survive; `compact` then removes the old
row versions from the database files.

Exactly once: a sealed row is deleted in the transaction that writes its response, so a crash of the web
process or of the mixer loses nothing and counts nothing twice.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from ... import direct
from ...db_setup import reading
from ...extensions import db
from ...models import Answer, Campaign, Response, ResponseStatus, SealedResponse
from ...timeutil import today_vn
from .links import CampaignView
from .sealing import submission_purpose, unseal
from .tallies import Counted, add_responses

log = logging.getLogger(__name__)
_shuffle = secrets.SystemRandom().shuffle


@dataclass(frozen=True)
class MixReport:
    released: int  # responses written by this run
    waiting: int  # sealed submissions still waiting: their cells have fewer than k new ones


@dataclass(frozen=True)
class _Waiting:
    id: str
    group: int
    seconds: int | None
    invitation: int | None
    answers: list[tuple[int, int, str]]

    @property
    def cells(self) -> frozenset[tuple[int, int]]:
        return frozenset((unit, self.group) for unit, _, _ in self.answers)


def mix(campaign: Campaign | CampaignView, flush: bool = False, commit: bool = True) -> MixReport:
    """Release what can be released now (everything with `flush`, when the campaign closes). The campaign's
    id, code, pack and pack hash are all it reads: a submit passes the view it read with the link."""
    if not flush:
        # The first look reads only (on SQLite without the write lock), and opens only what it has not
        # seen before: after most submits there is nothing to release yet, and the look must neither queue
        # the phones' autosaves behind it nor unseal every waiting submission again.
        cells = _waiting_cells(campaign.id)
        if not releasable(cells, campaign.pack.anonymity_k):
            return MixReport(0, len(cells))
    waiting = _waiting(campaign, lock=True)  # again, now locked: another mixer may have taken some
    cells = {w.id: w.cells for w in waiting}
    ids = set(cells) if flush else releasable(cells, campaign.pack.anonymity_k)
    chosen = [w for w in waiting if w.id in ids]
    if chosen:
        _write(campaign, chosen)
    report = MixReport(len(chosen), len(waiting) - len(chosen))
    if commit:
        db.session.commit()
        if chosen:
            compact(["sealed_response"])
    if chosen and commit:  # (closing and its preview log their own lines)
        log.info("campaign %s: %d response(s) released, %d waiting", campaign.code, report.released, report.waiting)
    return report


def mix_all() -> int:
    """One mixer run over every campaign with waiting submissions (the worker's loop calls it)."""
    ids = list(db.session.scalars(sa.select(SealedResponse.campaign_id).distinct()))
    db.session.rollback()
    released = 0
    for campaign in db.session.scalars(sa.select(Campaign).where(Campaign.id.in_(ids))).all():
        released += mix(campaign).released
    return released


def releasable(cells: dict[str, frozenset], k: int) -> set[str]:
    """The largest set of waiting submissions (id → the cells it touches) in which every touched cell gets
    at least k: peel off the submissions that touch a cell with fewer than k, until none does (any valid
    subset lies inside what is left, so it is the largest)."""
    chosen = dict(cells)
    while chosen:
        counts = Counter(cell for touched in chosen.values() for cell in touched)
        short = {cell for cell, n in counts.items() if n < k}
        if not short:
            break
        chosen = {i: touched for i, touched in chosen.items() if not (touched & short)}
    return set(chosen)


_IDS = direct.Statement(
    sa.select(SealedResponse.__table__.c.id).where(SealedResponse.__table__.c.campaign_id == sa.bindparam("c"))
)
_SEALED = sa.select(SealedResponse.id, SealedResponse.sealed).where(SealedResponse.id.in_(sa.bindparam("ids")))
# Per campaign, the cells of each submission waiting when this process last looked (sealed row id → cells):
# a look unseals only the submissions that arrived since. The cells are not secret (the invitation,
# marked submitted, names its unit and group); the answers are never kept.
_CELLS: dict[int, dict[str, frozenset]] = {}


def _waiting_cells(campaign_id: int) -> dict[str, frozenset]:
    """The cells of every submission of the campaign waiting now, read as committed (no lock)."""
    known = _CELLS.get(campaign_id, {})
    ids = [i for (i,) in direct.rows(_IDS, {"c": campaign_id})]
    current = {i: known[i] for i in ids if i in known}
    new = [i for i in ids if i not in known]
    if new:
        purpose = submission_purpose(campaign_id)
        with reading():
            rows = db.session.execute(_SEALED, {"ids": new}).all()
        for row_id, sealed in rows:
            p = unseal(sealed, purpose)
            current[row_id] = frozenset((unit, p["group"]) for unit, _, _ in p["answers"])
    _CELLS[campaign_id] = current
    return current


def _waiting(campaign: Campaign | CampaignView, lock: bool) -> list[_Waiting]:
    query = sa.select(SealedResponse.id, SealedResponse.sealed).where(SealedResponse.campaign_id == campaign.id)
    if lock and db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # SQLite: the write lock is taken at BEGIN
    purpose = submission_purpose(campaign.id)
    out = []
    for row_id, sealed in db.session.execute(query):
        p = unseal(sealed, purpose)
        out.append(_Waiting(row_id, p["group"], p["seconds"], p["invitation"], [tuple(a) for a in p["answers"]]))
    return out


def _write(campaign: Campaign | CampaignView, chosen: list[_Waiting]) -> None:
    """Responses in random order, with random ids and the release day; tallies; the sealed rows gone."""
    _shuffle(chosen)
    day = today_vn()
    responses, answers = [], []
    for w in chosen:
        rid = uuid.uuid4().hex
        responses.append(
            dict(
                id=rid,
                campaign_id=campaign.id,
                group_id=w.group,
                pack_sha256=campaign.pack_sha256,
                submitted_on=day,
                status=ResponseStatus.VALID,
                duration_seconds=w.seconds,
                invitation_id=w.invitation,
            )
        )
        answers += [dict(response_id=rid, unit_id=u, question_id=q, option_code=o) for u, q, o in w.answers]
    db.session.execute(sa.insert(Response), responses)
    _shuffle(answers)
    db.session.execute(sa.insert(Answer), answers)
    add_responses(campaign.id, day, [Counted(w.group, w.answers) for w in chosen])
    db.session.execute(sa.delete(SealedResponse).where(SealedResponse.id.in_([w.id for w in chosen])))


def restamp(campaign: Campaign) -> None:
    """Write every response and answer of the campaign again, in random order, in the caller's transaction
    (closing): afterwards they all share one transaction and no row order follows the batches. Done in SQL
    through temporary tables, so memory does not grow with the number of answers."""
    run = lambda sql: db.session.execute(sa.text(sql), {"c": campaign.id})  # noqa: E731
    run("CREATE TEMPORARY TABLE restamp_response AS SELECT * FROM response WHERE campaign_id = :c")
    run(
        "CREATE TEMPORARY TABLE restamp_answer AS SELECT answer.* FROM answer "
        "JOIN response ON response.id = answer.response_id WHERE response.campaign_id = :c"
    )
    run("DELETE FROM answer WHERE response_id IN (SELECT id FROM restamp_response)")
    run("DELETE FROM response WHERE campaign_id = :c")  # their warnings go too: closing raises them again
    run("INSERT INTO response SELECT * FROM restamp_response ORDER BY random()")
    run("INSERT INTO answer SELECT * FROM restamp_answer ORDER BY random()")
    run("DROP TABLE restamp_response")
    run("DROP TABLE restamp_answer")


RESTAMPED = ["response", "answer", "answer_tally", "response_count", "submission_day", "sealed_response"]
# What closing compacts: the re-stamped tables, and the invitations, whose old row versions still hold
# sealed drafts (unreadable without LINK_SECRET; after VACUUM FULL not in the files at all).
AFTER_CLOSE = [*RESTAMPED, "invitation"]


def compact(tables: list[str], full: bool = False) -> None:
    """Take old versions of rows out of the database files, outside any transaction. PostgreSQL: VACUUM
    (FULL rewrites the tables, so no old bytes stay in a page). SQLite: secure_delete already zeroes
    deleted rows; a checkpoint moves the WAL's pages into the file and empties it."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        # After a batch (not full), a VACUUM already running on the table is enough: SKIP_LOCKED
        # goes on at once instead of queueing every submit's mixer behind it (a busy campaign's
        # submits waited seconds for each other's VACUUM). Closing's FULL waits its turn.
        options = "FULL" if full else "SKIP_LOCKED"
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                conn.exec_driver_sql(f"VACUUM ({options}) {conn.dialect.identifier_preparer.quote(table)}")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
