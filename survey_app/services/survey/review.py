"""Review after close: excluding responses from the results and restoring them (with a reason, logged,
reversible), one at a time or many at once, keeping the tallies in step in the same transaction.

Listing what to review is `review_list`'s job (paged and filtered); this module only writes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from ...errors import NotFound, ServiceError
from ...extensions import db
from ...models import Answer, Campaign, Response, ResponseStatus
from .. import audit
from . import tallies
from .review_list import ACTIONS, ReviewFilter, matching_ids, require_closed, unit_warnings

log = logging.getLogger(__name__)
CHUNK = 500  # ids per IN (…) list: far below SQLite's limit on bound parameters
SHOWN_IDS = 5  # ids a refusal names (the count says how many in all)
REASON_MAX = 500  # characters: a reason is a sentence, not a document


def set_status(response: Response, status: str, reason: str | None, params: dict | None = None) -> None:
    """Move a response in or out of 'valid', keeping the tallies in step in the same transaction."""
    rows = db.session.scalars(sa.select(Answer).where(Answer.response_id == response.id)).all()
    if response.status == ResponseStatus.VALID and status != ResponseStatus.VALID:
        tallies.add_response(response, rows, sign=-1)
    elif response.status != ResponseStatus.VALID and status == ResponseStatus.VALID:
        tallies.add_response(response, rows, sign=1)
    response.status, response.status_reason, response.status_params = status, reason, params


def exclude_response(response_id: str, reason: str) -> Response:
    """An admin excludes a response from the results, with a reason; logged and reversible."""
    if not reason.strip():
        raise ServiceError("exclusion_needs_reason")
    response = _get(response_id)
    if response.status != ResponseStatus.VALID:
        raise ServiceError("response_not_valid", response=response_id, status=response.status)
    set_status(response, ResponseStatus.EXCLUDED, reason.strip())
    audit.record("response.exclude", _code_of(response), response_id, reason=reason.strip())
    db.session.commit()
    return response


def restore_response(response_id: str) -> Response:
    """Undo an exclusion: the response counts again."""
    response = _get(response_id)
    if response.status != ResponseStatus.EXCLUDED:
        raise ServiceError("response_not_excluded", response=response_id, status=response.status)
    set_status(response, ResponseStatus.VALID, None)
    audit.record("response.restore", _code_of(response), response_id)
    db.session.commit()
    return response


def _get(response_id: str) -> Response:
    response = db.session.get(Response, response_id, with_for_update=True)
    if response is None:
        raise NotFound("response_not_found", response=response_id)
    return response


def _code_of(response: Response) -> str | None:
    return db.session.scalar(sa.select(Campaign.code).where(Campaign.id == response.campaign_id))


def unit_flags(campaign: Campaign) -> list[tuple[str, str, dict]]:
    """(unit name, warning code, fields) of every unit-level warning, by unit name."""
    return [(w.unit_name, w.kind, w.params) for w in unit_warnings(campaign)]


# ---------------------------------------------------------------- many at once


@dataclass(frozen=True)
class BulkResult:
    action: str  # "exclude" or "restore"
    count: int


def exclude_responses(campaign: Campaign, reason: str, **choice) -> BulkResult:
    """Exclude the chosen responses (`ids=`), or every valid one matching `where=` (with the `expected` count the
    admin confirmed), with one reason."""
    return _bulk(campaign, "exclude", reason, **choice)


def restore_responses(campaign: Campaign, reason: str, **choice) -> BulkResult:
    """Count the chosen excluded responses (`ids=`), or every excluded one matching `where=`, again."""
    return _bulk(campaign, "restore", reason, **choice)


def _bulk(
    campaign: Campaign,
    action: str,
    reason: str,
    *,
    ids: Iterable[str] = (),
    where: ReviewFilter | None = None,
    expected: int | None = None,
) -> BulkResult:
    """All or nothing, in one transaction with one audit entry: either every response named (or matching)
    changes, or, at the first refusal, none does. `expected` is the count the admin confirmed for a filter:
    if the matching set has changed since, nothing is done."""
    try:
        chosen, scope = _choose(campaign, action, reason, ids, where, expected)
        _apply(campaign, chosen, ACTIONS[action][1], reason.strip() if action == "exclude" else None)
        detail = {"count": len(chosen), "reason": reason.strip(), "scope": scope, "ids": sorted(chosen)}
        if where is not None:
            detail["filter"] = where.as_args()
        audit.record("responses.exclude" if action == "exclude" else "responses.restore", campaign.code, **detail)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("responses %s: %d in campaign %s (%s)", action, len(chosen), campaign.code, scope)
    return BulkResult(action, len(chosen))


def _choose(
    campaign: Campaign, action: str, reason: str, ids: Iterable[str], where: ReviewFilter | None, expected: int | None
) -> tuple[dict[str, tuple], str]:
    """The responses to change, locked, as id → (group, day); or a refusal naming why."""
    require_closed(campaign)
    if not reason.strip() and action == "exclude":
        raise ServiceError("exclusion_needs_reason")
    if not reason.strip():
        raise ServiceError("restoring_needs_reason")
    if len(reason.strip()) > REASON_MAX:
        raise ServiceError("review_reason_too_long", limit=REASON_MAX)
    if where is not None:
        wanted = matching_ids(campaign, where, action, lock=True)
        if expected is not None and len(wanted) != expected:
            raise ServiceError("review_selection_changed", expected=expected, count=len(wanted))
        scope = "filter"
    else:
        wanted = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
        if not wanted:
            raise ServiceError("review_nothing_selected")
        scope = "selected"
    found = {}
    for part in _chunks(sorted(wanted)):  # rows locked in id order: two batches that overlap cannot deadlock
        query = (
            sa.select(Response.id, Response.status, Response.group_id, Response.submitted_on)
            .where(Response.campaign_id == campaign.id, Response.id.in_(part))
            .order_by(Response.id)
            .with_for_update()
        )
        found |= {rid: (status, group, day) for rid, status, group, day in db.session.execute(query)}
    outside = [i for i in wanted if i not in found]
    if outside:
        raise ServiceError("responses_not_in_campaign", code=campaign.code, **_named(outside))
    if action == "exclude":
        excluded = [i for i in wanted if found[i][0] == ResponseStatus.EXCLUDED]
        if excluded:
            raise ServiceError("responses_already_excluded", **_named(excluded))
        invalid = [i for i in wanted if found[i][0] == ResponseStatus.INVALID]
        if invalid:
            raise ServiceError("responses_invalid", **_named(invalid))
    else:
        counted = [i for i in wanted if found[i][0] != ResponseStatus.EXCLUDED]
        if counted:
            raise ServiceError("responses_not_excluded", **_named(counted))
    return {i: found[i][1:] for i in wanted}, scope


def _named(offending: list[str]) -> dict:
    """How many responses a refusal is about, and the first few of them (short ids, as the page shows them)."""
    shown = [i[:8] for i in offending[:SHOWN_IDS]] + (["…"] if len(offending) > SHOWN_IDS else [])
    return {"count": len(offending), "ids": shown}


def _apply(campaign: Campaign, chosen: dict[str, tuple], status: str, reason: str | None) -> None:
    """New status for every chosen response; the tallies in step (a few statements per day, not per response)."""
    sign = 1 if status == ResponseStatus.VALID else -1
    answers: dict[str, list] = defaultdict(list)
    for part in _chunks(list(chosen)):
        for rid, unit, question, option in db.session.execute(
            sa.select(Answer.response_id, Answer.unit_id, Answer.question_id, Answer.option_code).where(
                Answer.response_id.in_(part)
            )
        ):
            answers[rid].append((unit, question, option))
    by_day: dict = defaultdict(list)
    for rid, (group, day) in chosen.items():
        by_day[day].append(tallies.Counted(group, answers[rid]))
    for day, counted in sorted(by_day.items()):
        tallies.add_responses(campaign.id, day, counted, sign)
    for part in _chunks(list(chosen)):
        db.session.execute(
            sa.update(Response)
            .where(Response.id.in_(part))
            .values(status=status, status_reason=reason, status_params=None)
            .execution_options(synchronize_session=False)
        )


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]
