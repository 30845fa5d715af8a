"""What Home Affairs watches during the survey, read from counters only (never from responses).

The cost of every function here depends on units × groups × questions, not on how many people
answered, so the dashboard stays as fast at 100.000 responses as at 1.000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from analysis.vntext import name_key, sort_key

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
from .live_scores import ScoreRow, live_scores

__all__ = ["ScoreRow", "live_scores"]  # the live scores live in `live_scores`; callers know them from here


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
    query = sa.select(Unit.id, Unit.code, Unit.name, Unit.unit_type).where(Unit.campaign_id == campaign.id)
    units = db.session.execute((query.where(Unit.code == unit_code) if unit_code else query).order_by(Unit.id)).all()
    groups = db.session.execute(
        sa.select(RespondentGroup.id, RespondentGroup.code, RespondentGroup.name)
        .where(RespondentGroup.campaign_id == campaign.id)
        .order_by(RespondentGroup.id)
    ).all()
    funnel = {
        (u, g): steps
        for u, g, *steps in db.session.execute(
            sa.select(
                ProgressCounter.unit_id,
                ProgressCounter.group_id,
                ProgressCounter.invited,
                ProgressCounter.opened,
                ProgressCounter.started,
                ProgressCounter.submitted,
            ).where(ProgressCounter.campaign_id == campaign.id)
        )
    }
    valid = {
        (u, g): n
        for u, g, n in db.session.execute(
            sa.select(ResponseCount.unit_id, ResponseCount.group_id, ResponseCount.responses).where(
                ResponseCount.campaign_id == campaign.id
            )
        )
    }
    closed = campaign.status == CampaignStatus.CLOSED or aware(campaign.closes_at) <= now()
    whole = _group_funnels(funnel)
    out = []
    for uid, code, name, utype in sorted(units, key=lambda u: name_key(u.name)):
        for gid, g_code, g_name in groups:
            spec = pack.group_by_code[g_code]
            belongs, rates = spec.unit_type == utype, spec.target_type() == utype
            if not (belongs or rates):
                continue
            c = Cell(code, name, utype, g_code, g_name, minimum=spec.min_responses)
            if belongs and (p := funnel.get((uid, gid))):
                c.invited, c.opened, c.started, c.submitted = p
            elif spec.is_matrix and rates:  # its raters sit in other units, and every one of them rates this one
                c.invited, c.opened, c.started, c.submitted = whole.get(gid, (0, 0, 0, 0))
                c.home = False
            c.valid = valid.get((uid, gid), 0) if rates else 0
            if spec.is_matrix:  # raters still to answer, wherever they sit: each will rate this unit too
                invited, _, _, submitted = whole.get(gid, (0, 0, 0, 0))
                outstanding = invited - submitted
            else:
                outstanding = c.invited - c.submitted
            c.status = sample_status(c.valid, c.minimum, outstanding, closed) if rates else "n/a"
            out.append(c)
    return out


def _group_funnels(funnel: dict) -> dict[int, tuple[int, int, int, int]]:
    """Per group: invited, opened, started and submitted over every unit (a matrix group's funnel)."""
    out: dict[int, tuple[int, int, int, int]] = {}
    for (_, g), steps in funnel.items():
        out[g] = tuple(a + b for a, b in zip(out.get(g, (0, 0, 0, 0)), steps, strict=True))
    return out


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
