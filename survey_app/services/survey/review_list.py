"""What a reviewer looks at after close, one page at a time: the responses with a warning, an exclusion or an
invalidity, filtered by unit, group, warning and status, with the count per warning and per status.

Every count is one SQL aggregate and a page fetches only its own rows: a fixed number of statements whatever
the number of flagged responses, the database (not Python) going over the matching rows. Nothing here leads to
a person: no invitation, no respondent, no time finer than the day (and the page shows no day either); response
ids are random, and so is the order they are listed in within a group.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ...errors import NotFound, ServiceError
from ...extensions import db
from ...models import (
    Answer,
    Campaign,
    CampaignStatus,
    RespondentGroup,
    Response,
    ResponseFlag,
    ResponseStatus,
    Unit,
    UnitFlag,
)

PAGE_SIZE = 50
FILTERS = ("unit", "group", "flag", "status")  # the fields of ReviewFilter, as GET parameters
FLAG_KINDS = ("too_fast", "straight_lining")  # the order the page lists them in (closing.FLAG_CODES)
STATUSES = tuple(ResponseStatus)
# What a bulk action may change: the status a response must have, and the one it gets.
ACTIONS = {
    "exclude": (ResponseStatus.VALID, ResponseStatus.EXCLUDED),
    "restore": (ResponseStatus.EXCLUDED, ResponseStatus.VALID),
}


@dataclass(frozen=True)
class ReviewFilter:
    """The reviewer's choice, by codes as the page's GET parameters carry them; None = any."""

    unit: str | None = None
    group: str | None = None
    flag: str | None = None
    status: str | None = None

    def as_args(self) -> dict[str, str]:
        """The filter as query parameters (only those set), for links that keep it."""
        return {k: v for k, v in asdict(self).items() if v}

    def but(self, **changes: str | None) -> dict[str, str]:
        """The query parameters of this filter with some changed: a link to a neighbouring view."""
        return ReviewFilter(**asdict(self) | changes).as_args()


@dataclass(frozen=True)
class FlaggedResponse:
    id: str
    group_name: str
    units: list[str]  # names of the units it rates, in Vietnamese order
    status: str
    reason: str | None
    reason_params: dict | None
    flags: list[tuple[str, dict]] = field(default_factory=list)  # (warning code, fields)


@dataclass(frozen=True)
class ReviewPage:
    """One page of the list, the counts the page shows above it, and where it is in the list."""

    rows: list[FlaggedResponse]
    page: int
    pages: int
    total: int  # responses matching the whole filter
    by_flag: dict[str, int]  # warning → responses matching the filter except its warning part
    any_flag: int  # responses matching the filter except its warning part
    by_status: dict[str, int]  # status → responses matching the filter except its status part
    status: str | None = None  # the filter's status part

    @property
    def first(self) -> int:
        """The position of the page's first row in the list (1-based; 0 when the list is empty)."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    def actionable(self, action: str) -> int:
        """How many of the matching responses a bulk action would change (valid ones to exclude, …)."""
        return self.by_status.get(ACTIONS[action][0], 0) if self.status in (None, ACTIONS[action][0]) else 0


@dataclass(frozen=True)
class Choices:
    """What the filters offer: units and groups of the campaign (code, name), in Vietnamese order."""

    units: list[tuple[str, str]]
    groups: list[tuple[str, str]]


@dataclass(frozen=True)
class UnitWarning:
    unit_code: str
    unit_name: str
    kind: str
    params: dict


@dataclass(frozen=True)
class _Resolved:
    campaign_id: int
    unit_id: int | None
    group_id: int | None
    flag: str | None
    status: str | None


def resolve(campaign: Campaign, where: ReviewFilter) -> _Resolved:
    """The filter's codes as ids of this campaign; an unknown code is refused (the page answers 404)."""
    unit_id = group_id = None
    if where.unit:
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.campaign_id == campaign.id, Unit.code == where.unit))
        if unit_id is None:
            raise NotFound("review_unknown_unit", value=where.unit)
    if where.group:
        group_id = db.session.scalar(
            sa.select(RespondentGroup.id).where(
                RespondentGroup.campaign_id == campaign.id, RespondentGroup.code == where.group
            )
        )
        if group_id is None:
            raise NotFound("review_unknown_group", value=where.group)
    if where.flag and where.flag not in FLAG_KINDS:
        raise NotFound("review_unknown_flag", value=where.flag)
    if where.status and where.status not in STATUSES:
        raise NotFound("review_unknown_status", value=where.status)
    return _Resolved(campaign.id, unit_id, group_id, where.flag, where.status)


def conditions(w: _Resolved, skip: str | None = None) -> list:
    """The WHERE clause on `response` for a filter, leaving out its `skip` part ("flag" or "status")."""
    out = [Response.campaign_id == w.campaign_id, (Response.status != ResponseStatus.VALID) | _has_flag()]
    if w.unit_id is not None:
        out.append(
            sa.exists().where(Answer.response_id == Response.id, Answer.unit_id == w.unit_id)  # the PK's prefix
        )
    if w.group_id is not None:
        out.append(Response.group_id == w.group_id)
    if w.flag and skip != "flag":
        out.append(_has_flag(w.flag))
    if w.status and skip != "status":
        out.append(Response.status == w.status)
    return out


def _has_flag(kind: str | None = None):
    flag = aliased(ResponseFlag)  # its own name: the counts per warning select from response_flag too
    query = sa.exists().where(flag.response_id == Response.id)
    return query.where(flag.kind == kind) if kind else query


def review_page(campaign: Campaign, where: ReviewFilter, page: int = 1) -> ReviewPage:
    """One page (PAGE_SIZE rows, by group then id) of the responses matching the filter, with its counts."""
    w = resolve(campaign, where)
    by_flag = dict(
        db.session.execute(
            sa.select(ResponseFlag.kind, sa.func.count())
            .join(Response, Response.id == ResponseFlag.response_id)
            .where(*conditions(w, skip="flag"))
            .group_by(ResponseFlag.kind)
        ).all()
    )
    any_flag = db.session.scalar(sa.select(sa.func.count()).select_from(Response).where(*conditions(w, skip="flag")))
    by_status = dict(
        db.session.execute(
            sa.select(Response.status, sa.func.count()).where(*conditions(w, skip="status")).group_by(Response.status)
        ).all()
    )
    by_flag = {kind: by_flag.get(kind, 0) for kind in FLAG_KINDS}
    by_status = {status: by_status.get(status, 0) for status in STATUSES}
    total = by_status[w.status] if w.status else sum(by_status.values())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    return ReviewPage(_rows(w, page), page, pages, total, by_flag, any_flag or 0, by_status, w.status)


def _rows(w: _Resolved, page: int) -> list[FlaggedResponse]:
    from analysis.vntext import sort_key

    found = db.session.execute(
        sa.select(Response.id, Response.status, Response.status_reason, Response.status_params, RespondentGroup.name)
        .join(RespondentGroup, RespondentGroup.id == Response.group_id)
        .where(*conditions(w))
        .order_by(RespondentGroup.code, Response.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    ids = [r.id for r in found]
    flags, units = defaultdict(list), defaultdict(set)
    if ids:
        for rid, kind, params in db.session.execute(
            sa.select(ResponseFlag.response_id, ResponseFlag.kind, ResponseFlag.params)
            .where(ResponseFlag.response_id.in_(ids))
            .order_by(ResponseFlag.kind)
        ):
            flags[rid].append((kind, params or {}))
        for rid, name in db.session.execute(
            sa.select(Answer.response_id, Unit.name)
            .join(Unit, Unit.id == Answer.unit_id)
            .where(Answer.response_id.in_(ids))
            .distinct()
        ):
            units[rid].add(name)
    return [
        FlaggedResponse(
            r.id, r.name, sorted(units[r.id], key=sort_key), r.status, r.status_reason, r.status_params, flags[r.id]
        )
        for r in found
    ]


def matching_ids(campaign: Campaign, where: ReviewFilter, action: str, lock: bool = False) -> list[str]:
    """The responses matching the filter that `action` would change (valid ones to exclude, excluded ones to
    restore), locked for the caller's transaction when `lock`; refused when there is none."""
    query = (
        sa.select(Response.id)
        .where(*conditions(resolve(campaign, where)), Response.status == ACTIONS[action][0])
        .order_by(Response.id)  # locks taken in one order
    )
    ids = list(db.session.scalars(query.with_for_update() if lock else query))
    if not ids and action == "exclude":
        raise ServiceError("review_nothing_to_exclude")
    if not ids:
        raise ServiceError("review_nothing_to_restore")
    return ids


def require_closed(campaign: Campaign) -> None:
    """Before close there is nothing to review: no warning has been raised yet."""
    if campaign.status != CampaignStatus.CLOSED:
        raise ServiceError("review_not_closed", code=campaign.code)


def plan_bulk(campaign: Campaign, where: ReviewFilter, action: str) -> int:
    """How many responses "every response matching the filter" means for `action`, shown before an admin
    confirms; refused when the campaign is not closed or nothing would change. Writes nothing."""
    require_closed(campaign)
    return len(matching_ids(campaign, where, action))


def choices(campaign: Campaign) -> Choices:
    from analysis.vntext import sort_key

    units = db.session.execute(sa.select(Unit.code, Unit.name).where(Unit.campaign_id == campaign.id)).all()
    groups = db.session.execute(
        sa.select(RespondentGroup.code, RespondentGroup.name).where(RespondentGroup.campaign_id == campaign.id)
    ).all()
    by_name = lambda row: (sort_key(row[1]), row[0])  # noqa: E731
    return Choices([tuple(u) for u in sorted(units, key=by_name)], [tuple(g) for g in sorted(groups, key=by_name)])


def unit_warnings(campaign: Campaign) -> list[UnitWarning]:
    """Every unit-level warning raised at close, by unit name (Vietnamese order), then warning."""
    from analysis.vntext import sort_key

    rows = db.session.execute(
        sa.select(Unit.code, Unit.name, UnitFlag.kind, UnitFlag.params)
        .join(Unit, Unit.id == UnitFlag.unit_id)
        .where(UnitFlag.campaign_id == campaign.id)
    ).all()
    return [
        UnitWarning(code, name, kind, params or {})
        for code, name, kind, params in sorted(rows, key=lambda r: (sort_key(r[1]), r[2]))
    ]
