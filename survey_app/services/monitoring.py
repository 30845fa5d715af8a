"""What Home Affairs watches during the survey, read from counters only (never from responses).

The cost of every function here depends on units × groups × questions, not on how many people
answered, so the dashboard stays as fast at 100.000 responses as at 1.000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from analysis.disclosure import disclose, fold_small_groups
from analysis.ranking import competition_ranks
from analysis.vntext import sort_key

from ..extensions import db
from ..models import (
    Campaign,
    CampaignStatus,
    Channel,
    Invitation,
    InvitationStatus,
    ProgressCounter,
    Respondent,
    RespondentGroup,
    ResponseCount,
    SubmissionDay,
    Unit,
)
from ..timeutil import aware, now
from .delivery.status import last_status_by_respondent
from .survey.scores import unit_scores


@dataclass
class Cell:
    """One unit × group: the funnel of its invitations and the valid responses about the unit."""

    unit_code: str
    unit_name: str
    unit_type: str
    group_code: str
    group_name: str
    invited: int = 0
    opened: int = 0
    started: int = 0
    submitted: int = 0
    valid: int = 0
    minimum: int = 0
    status: str = "not_met"  # met | at_risk | not_met
    home: bool = True  # False: a matrix group's row at a unit it rates; its funnel is the whole group's

    @property
    def rate(self) -> float:
        return response_rate(self.submitted, self.invited)


def response_rate(submitted: int, invited: int) -> float:
    """Percentage of invitations submitted, two decimals; 0 when nobody was invited."""
    return round(100 * submitted / invited, 2) if invited else 0.0


def sample_status(valid: int, minimum: int, outstanding: int, closed: bool) -> str:
    """met: enough valid responses; at_risk: not yet, but the people still to answer could make it."""
    if valid >= minimum:
        return "met"
    if not closed and valid + outstanding >= minimum:
        return "at_risk"
    return "not_met"


def cells(campaign: Campaign, unit_code: str | None = None) -> list[Cell]:
    """Every unit × group a pack allows, in Vietnamese order of unit names (one unit when asked)."""
    pack = campaign.pack
    units = db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id)).all()
    if unit_code:
        units = [u for u in units if u.code == unit_code]
    groups = db.session.scalars(sa.select(RespondentGroup).where(RespondentGroup.campaign_id == campaign.id)).all()
    funnel = {
        (r.unit_id, r.group_id): r
        for r in db.session.scalars(sa.select(ProgressCounter).where(ProgressCounter.campaign_id == campaign.id))
    }
    valid = {
        (r.unit_id, r.group_id): r.responses
        for r in db.session.scalars(sa.select(ResponseCount).where(ResponseCount.campaign_id == campaign.id))
    }
    closed = campaign.status == CampaignStatus.CLOSED or aware(campaign.closes_at) <= now()
    out = []
    for unit in sorted(units, key=lambda u: sort_key(u.name)):
        for g in groups:
            spec = pack.group_by_code[g.code]
            belongs, rates = spec.unit_type == unit.unit_type, spec.target_type() == unit.unit_type
            if not (belongs or rates):
                continue
            c = Cell(unit.code, unit.name, unit.unit_type, g.code, g.name, minimum=spec.min_responses)
            if belongs and (p := funnel.get((unit.id, g.id))):
                c.invited, c.opened, c.started, c.submitted = p.invited, p.opened, p.started, p.submitted
            elif spec.is_matrix and rates:  # its raters sit in other units, and every one of them rates this one
                c.invited, c.opened, c.started, c.submitted = _matrix_funnel(funnel, g.id)
                c.home = False
            c.valid = valid.get((unit.id, g.id), 0) if rates else 0
            outstanding = c.invited - c.submitted if not spec.is_matrix else _matrix_outstanding(funnel, g.id)
            c.status = sample_status(c.valid, c.minimum, outstanding, closed) if rates else "n/a"
            out.append(c)
    return out


def _matrix_funnel(funnel: dict, group_id: int) -> tuple[int, int, int, int]:
    """A matrix group's invited, opened, started and submitted, over every unit its raters sit in."""
    rows = [p for (_, g), p in funnel.items() if g == group_id]
    return tuple(sum(getattr(p, k) for p in rows) for k in ("invited", "opened", "started", "submitted"))


def _matrix_outstanding(funnel: dict, group_id: int) -> int:
    """Raters of a matrix group still to answer, wherever they sit: each will rate this unit too."""
    return sum(p.invited - p.submitted for (_, g), p in funnel.items() if g == group_id)


@dataclass
class Overview:
    """`started` counts everyone who ever began (submitted or not); `answering` those who began and have
    not submitted yet. `closed_at` is set once the campaign was closed, early or at its deadline."""

    invited: int
    opened: int
    started: int
    submitted: int
    valid: int
    by_type: dict[str, dict] = field(default_factory=dict)
    seconds_left: int = 0
    answering: int = 0
    closes_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def rate(self) -> float:
        return response_rate(self.submitted, self.invited)

    @property
    def closed_early(self) -> bool:
        return self.closed_at is not None and self.closes_at is not None and self.closed_at < self.closes_at


def overview(campaign: Campaign, unit_code: str | None = None) -> Overview:
    """Issued, opened, started, submitted, valid; response rate overall and per unit type; time left.

    With a unit code: the same for that unit alone (valid = valid responses about the unit).
    """
    query = (
        sa.select(
            Unit.unit_type,
            sa.func.sum(ProgressCounter.invited),
            sa.func.sum(ProgressCounter.opened),
            sa.func.sum(ProgressCounter.started),
            sa.func.sum(ProgressCounter.submitted),
        )
        .join(Unit, Unit.id == ProgressCounter.unit_id)
        .where(ProgressCounter.campaign_id == campaign.id)
        .group_by(Unit.unit_type)
    )
    if unit_code:
        query = query.where(Unit.code == unit_code)
    rows = db.session.execute(query).all()
    by_type = {
        t: {
            "invited": int(i),
            "opened": int(o),
            "started": int(s),
            "submitted": int(n),
            "answering": max(0, int(s) - int(n)),
            "rate": response_rate(int(n), int(i)),
        }
        for t, i, o, s, n in rows
    }
    if unit_code:
        valid = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(ResponseCount.responses), 0))
            .join(Unit, Unit.id == ResponseCount.unit_id)
            .where(ResponseCount.campaign_id == campaign.id, Unit.code == unit_code)
        )
    else:
        valid = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(SubmissionDay.submitted), 0)).where(
                SubmissionDay.campaign_id == campaign.id
            )
        )
    total = {k: sum(v[k] for v in by_type.values()) for k in ("invited", "opened", "started", "submitted")}
    left = max(0, int((aware(campaign.closes_at) - now()).total_seconds()))
    closed = campaign.status == CampaignStatus.CLOSED
    return Overview(
        **total,
        valid=int(valid),
        by_type=by_type,
        seconds_left=0 if closed else left,
        answering=max(0, total["started"] - total["submitted"]),
        closes_at=aware(campaign.closes_at),
        closed_at=aware(campaign.closed_at) if closed and campaign.closed_at else None,
    )


def submissions_by_day(campaign: Campaign) -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(SubmissionDay.day, SubmissionDay.submitted)
        .where(SubmissionDay.campaign_id == campaign.id)
        .order_by(SubmissionDay.day)
    )
    return [(d.isoformat(), n) for d, n in rows]


@dataclass
class ScoreRow:
    """A unit's live survey points. `disclosed` is False when fewer than k valid responses are about the
    unit (the disclosure rule): its figures are then None and never leave the server."""

    unit_code: str
    unit_name: str
    unit_type: str
    responses: int  # valid responses about the unit (a count: always shown)
    k: int
    total: Decimal | None
    percent: Decimal | None
    rank: int | None
    areas: dict[str, Decimal] | None
    unanswered: int | None
    groups: list[dict]  # displayable group cells after folding groups under k

    @property
    def disclosed(self) -> bool:
        return self.total is not None


def live_scores(campaign: Campaign, unit_code: str | None = None) -> list[ScoreRow]:
    """Survey points per unit, area and total, ranked within each unit type (1, 2, 2, 4), through the
    disclosure rule: a unit with fewer than k valid responses shows no figure and takes no rank.
    (Figures move only in steps of k: the mixer adds responses to the tallies in such batches.)"""
    scores = unit_scores(campaign)
    k = campaign.pack.anonymity_k
    units = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))}
    per_group: dict[str, dict[str, int]] = {}
    for c in cells(campaign):
        if c.status != "n/a":
            per_group.setdefault(c.unit_code, {})[c.group_code] = c.valid
    rows = []
    for code, s in scores.items():
        unit, counts = units[code], per_group.get(code, {})
        groups = [{"groups": list(cell.groups), "responses": cell.responses} for cell in fold_small_groups(counts, k)]
        responses = sum(counts.values())
        if disclose(responses, k).shown:
            areas = {a: v.points for a, v in s.areas.items()}
            row = ScoreRow(
                code, unit.name, unit.unit_type, responses, k, s.total, s.percent, 0, areas, s.unanswered, groups
            )
        else:
            row = ScoreRow(code, unit.name, unit.unit_type, responses, k, None, None, None, None, None, [])
        rows.append(row)
    for utype in {r.unit_type for r in rows}:
        same = [r for r in rows if r.unit_type == utype and r.disclosed]
        for r, rank in zip(same, competition_ranks([r.total for r in same]), strict=True):
            r.rank = rank
    rows.sort(key=lambda r: (r.unit_type, r.rank is None, r.rank or 0, sort_key(r.unit_name)))
    return [r for r in rows if unit_code is None or r.unit_code == unit_code]


@dataclass
class NonRespondent:
    respondent_id: int
    full_name: str
    position: str | None
    group_name: str
    status: str
    channels: dict[str, str]  # channel → last message status ("" when never sent)


def non_respondents(campaign: Campaign, unit_code: str) -> list[NonRespondent]:
    """People of one unit whose live link has not been submitted, in Vietnamese name order."""
    rows = db.session.execute(
        sa.select(Respondent, RespondentGroup.name, Invitation.status)
        .join(Unit, Unit.id == Respondent.unit_id)
        .join(RespondentGroup, RespondentGroup.id == Respondent.group_id)
        .join(Invitation, (Invitation.respondent_id == Respondent.id) & Invitation.revoked_at.is_(None))
        .where(
            Respondent.campaign_id == campaign.id,
            Unit.code == unit_code,
            Invitation.status != InvitationStatus.SUBMITTED,
        )
    ).all()
    statuses = last_status_by_respondent(campaign, [r.id for r, _, _ in rows])
    people = [
        NonRespondent(
            r.id,
            r.full_name,
            r.position,
            group,
            status,
            {ch: statuses.get(r.id, {}).get(ch, "") for ch in _channels_of(r)},
        )
        for r, group, status in rows
    ]
    return sorted(people, key=lambda p: sort_key(p.full_name))


def _channels_of(respondent) -> list[str]:
    pairs = (
        (Channel.EMAIL, respondent.email),
        (Channel.ZALO, respondent.phone or respondent.zalo_id),
        (Channel.TELEGRAM, respondent.telegram_username),
    )
    return [ch for ch, address in pairs if address]
