"""Review after close: the responses with a warning, an exclusion or an invalidity; excluding and
restoring one (with a reason, logged, reversible), keeping the tallies in step in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from ...errors import NotFound, ServiceError
from ...extensions import db
from ...models import Answer, Campaign, RespondentGroup, Response, ResponseFlag, ResponseStatus, Unit, UnitFlag
from .. import audit
from . import tallies


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


@dataclass(frozen=True)
class FlaggedResponse:
    id: str
    group_name: str
    units: list[str]  # names of the units it rates, in Vietnamese order
    status: str
    reason: str | None
    reason_params: dict | None
    flags: list[tuple[str, dict]] = field(default_factory=list)  # (warning code, fields)


def review_list(campaign: Campaign) -> list[FlaggedResponse]:
    """Responses with a warning, an exclusion or an invalidity: what a reviewer has to look at."""
    from analysis.vntext import sort_key

    flags = defaultdict(list)
    for f in db.session.scalars(
        sa.select(ResponseFlag)
        .join(Response, Response.id == ResponseFlag.response_id)
        .where(Response.campaign_id == campaign.id)
    ):
        flags[f.response_id].append((f.kind, f.params or {}))
    responses = db.session.execute(
        sa.select(Response, RespondentGroup.name)
        .join(RespondentGroup, RespondentGroup.id == Response.group_id)
        .where(
            Response.campaign_id == campaign.id,
            (Response.status != ResponseStatus.VALID) | Response.id.in_(list(flags)),
        )
        .order_by(RespondentGroup.code, Response.id)
    ).all()
    units = defaultdict(set)
    for rid, name in db.session.execute(
        sa.select(Answer.response_id, Unit.name)
        .join(Unit, Unit.id == Answer.unit_id)
        .where(Answer.response_id.in_([r.id for r, _ in responses]))
        .distinct()
    ):
        units[rid].add(name)
    return [
        FlaggedResponse(
            r.id, g, sorted(units[r.id], key=sort_key), r.status, r.status_reason, r.status_params, flags[r.id]
        )
        for r, g in responses
    ]


def unit_flags(campaign: Campaign) -> list[tuple[str, str, dict]]:
    """(unit name, warning code, fields) of every unit-level warning, by unit name."""
    return [
        (name, kind, params or {})
        for name, kind, params in db.session.execute(
            sa.select(Unit.name, UnitFlag.kind, UnitFlag.params)
            .join(Unit, Unit.id == UnitFlag.unit_id)
            .where(UnitFlag.campaign_id == campaign.id)
            .order_by(Unit.name)
        )
    ]
