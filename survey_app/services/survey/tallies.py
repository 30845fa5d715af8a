"""Live counters: SQL-side increments on every write, and a rebuild from the stored rows."""

from __future__ import annotations

import functools
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ... import direct
from ...db_setup import insert_for, insert_for_dialect
from ...extensions import db
from ...models import (
    Answer,
    AnswerTally,
    Campaign,
    Invitation,
    ProgressCounter,
    Respondent,
    Response,
    ResponseCount,
    ResponseStatus,
    SubmissionDay,
)
from ...models import InvitationStatus as Status

log = logging.getLogger(__name__)
FUNNEL = ("invited", "opened", "started", "submitted")


def bump_progress(
    campaign_id: int, unit_id: int, group_id: int, *columns: str, writer: direct.Writer | None = None
) -> None:
    """progress.<column> += 1 for each of `columns` (funnel steps) of one unit × group, creating the row
    when needed: one statement, built once per dialect and set of columns, in the `writer`'s transaction
    (the Session's when none is given)."""
    if not columns:
        return
    if not set(columns) <= set(FUNNEL):
        raise ValueError(f"columns must be among {FUNNEL}")
    row = {"campaign_id": campaign_id, "unit_id": unit_id, "group_id": group_id}
    (writer or direct.Writer()).execute(_steps_upsert(db.engine.dialect.name, columns), row)


@functools.cache
def _steps_upsert(dialect: str, columns: tuple[str, ...]) -> direct.Statement:
    """INSERT … ON CONFLICT DO UPDATE adding 1 to `columns`."""
    table = ProgressCounter.__table__
    keys = {k: sa.bindparam(k) for k in ("campaign_id", "unit_id", "group_id")}
    stmt = insert_for_dialect(dialect)(table).values({**keys, **{c: int(c in columns) for c in FUNNEL}})
    return direct.Statement(
        stmt.on_conflict_do_update(index_elements=list(keys), set_={c: table.c[c] + stmt.excluded[c] for c in columns})
    )


def _upsert(table: sa.Table, keys: list[str], column: str, rows: list[dict]) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET column = column + excluded.column, for many rows.

    One statement executed with a list of parameters (executemany): compiled once and cached, so a
    submit costs a few round trips whatever the number of answers.
    """
    stmt = insert_for(db.session)(table)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={column: table.c[column] + stmt.excluded[column]})
    db.session.execute(stmt, rows)


@dataclass(frozen=True)
class Counted:
    """One response as the tallies see it: its group and its answers (unit id, question id, option)."""

    group_id: int
    answers: list[tuple[int, int, str]]


def add_responses(campaign_id: int, day: date, responses: list[Counted], sign: int = 1) -> None:
    """Count responses into the tallies (sign=1), or take them out again (sign=-1), SQL-side: one multi-row
    upsert per counter table, whatever the number of responses and answers."""
    options: Counter = Counter()
    per_target: Counter = Counter()
    for r in responses:
        options.update((u, r.group_id, q, o) for u, q, o in r.answers)
        per_target.update((u, r.group_id) for u in {u for u, _, _ in r.answers})
    base = {"campaign_id": campaign_id}
    _upsert(
        AnswerTally.__table__,
        ["campaign_id", "unit_id", "group_id", "question_id", "option_code"],
        "count",
        [
            base | {"unit_id": u, "group_id": g, "question_id": q, "option_code": o, "count": sign * n}
            for (u, g, q, o), n in sorted(options.items())
        ],
    )
    _upsert(
        ResponseCount.__table__,
        ["campaign_id", "unit_id", "group_id"],
        "responses",
        [base | {"unit_id": u, "group_id": g, "responses": sign * n} for (u, g), n in sorted(per_target.items())],
    )
    _upsert(
        SubmissionDay.__table__,
        ["campaign_id", "day"],
        "submitted",
        [{"campaign_id": campaign_id, "day": day, "submitted": sign * len(responses)}],
    )
    if sign < 0:  # a counter at zero is no counter: the cache stays equal to a rebuild
        for model, column in (
            (AnswerTally, AnswerTally.count),
            (ResponseCount, ResponseCount.responses),
            (SubmissionDay, SubmissionDay.submitted),
        ):
            db.session.execute(sa.delete(model).where(model.campaign_id == campaign_id, column == 0))


def add_response(response: Response, answers: list[Answer], sign: int = 1) -> None:
    """Count one stored response in (sign=1) or out (sign=-1): an exclusion or its undoing."""
    counted = Counted(response.group_id, [(a.unit_id, a.question_id, a.option_code) for a in answers])
    add_responses(response.campaign_id, response.submitted_on, [counted], sign)


def rebuild_progress(campaign: Campaign) -> None:
    """Recompute the funnel counters from the live invitations (no commit: callers decide)."""
    db.session.execute(sa.delete(ProgressCounter).where(ProgressCounter.campaign_id == campaign.id))
    inv = Invitation
    status_at_least = lambda *states: sa.func.sum(sa.case((inv.status.in_(states), 1), else_=0))  # noqa: E731
    query = (
        sa.select(
            inv.campaign_id,
            Respondent.unit_id,
            Respondent.group_id,
            sa.func.count().label("invited"),
            status_at_least(Status.OPENED, Status.STARTED, Status.SUBMITTED).label("opened"),
            status_at_least(Status.STARTED, Status.SUBMITTED).label("started"),
            status_at_least(Status.SUBMITTED).label("submitted"),
        )
        .join(Respondent, Respondent.id == inv.respondent_id)
        .where(inv.campaign_id == campaign.id, inv.revoked_at.is_(None))
        .group_by(inv.campaign_id, Respondent.unit_id, Respondent.group_id)
    )
    db.session.execute(sa.insert(ProgressCounter).from_select(["campaign_id", "unit_id", "group_id", *FUNNEL], query))


def rebuild_tallies(campaign: Campaign) -> None:
    """Recompute every counter of the campaign from invitations and valid responses, then commit."""
    rebuild_counts(campaign)
    db.session.commit()
    log.info("tallies of campaign %s rebuilt", campaign.code)


def rebuild_counts(campaign: Campaign) -> None:
    """Every counter of the campaign, written again from the stored rows (no commit: callers decide)."""
    rebuild_progress(campaign)
    for model in (AnswerTally, ResponseCount, SubmissionDay):
        db.session.execute(sa.delete(model).where(model.campaign_id == campaign.id))
    valid = (Response.campaign_id == campaign.id) & (Response.status == ResponseStatus.VALID)
    db.session.execute(
        sa.insert(SubmissionDay).from_select(
            ["campaign_id", "day", "submitted"],
            sa.select(Response.campaign_id, Response.submitted_on, sa.func.count())
            .where(valid)
            .group_by(Response.campaign_id, Response.submitted_on),
        )
    )
    db.session.execute(
        sa.insert(AnswerTally).from_select(
            ["campaign_id", "unit_id", "group_id", "question_id", "option_code", "count"],
            sa.select(
                Response.campaign_id,
                Answer.unit_id,
                Response.group_id,
                Answer.question_id,
                Answer.option_code,
                sa.func.count(),
            )
            .join(Answer, Answer.response_id == Response.id)
            .where(valid)
            .group_by(Response.campaign_id, Answer.unit_id, Response.group_id, Answer.question_id, Answer.option_code),
        )
    )
    per_target = (
        sa.select(Response.id, Answer.unit_id, Response.group_id)
        .join(Answer, Answer.response_id == Response.id)
        .where(valid)
        .distinct()
        .subquery()
    )
    db.session.execute(
        sa.insert(ResponseCount).from_select(
            ["campaign_id", "unit_id", "group_id", "responses"],
            sa.select(sa.literal(campaign.id), per_target.c.unit_id, per_target.c.group_id, sa.func.count()).group_by(
                per_target.c.unit_id, per_target.c.group_id
            ),
        )
    )


def snapshot(campaign: Campaign) -> dict[str, dict]:
    """All counters of a campaign as plain dicts (for comparison and export)."""
    out: dict[str, dict] = {}
    for model, keys, values in (
        (AnswerTally, ("unit_id", "group_id", "question_id", "option_code"), ("count",)),
        (ResponseCount, ("unit_id", "group_id"), ("responses",)),
        (ProgressCounter, ("unit_id", "group_id"), FUNNEL),
        (SubmissionDay, ("day",), ("submitted",)),
    ):
        rows = db.session.execute(sa.select(model).where(model.campaign_id == campaign.id)).scalars()
        out[model.__tablename__] = {
            tuple(getattr(r, k) for k in keys): tuple(getattr(r, v) for v in values) for r in rows
        }
    return out
