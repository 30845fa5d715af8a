"""Where a campaign stands in the year's work, step by step with its numbers: the campaign page's list
and the campaign list's "next step". Counts only (every query is a COUNT or a GROUP BY over one
campaign), so the list costs the same at 100 or 100.000 responses."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    AppraisalPoint,
    Campaign,
    CampaignStatus,
    Invitation,
    MessageStatus,
    OutboxMessage,
    ProgressCounter,
    Respondent,
    Response,
    ResponseStatus,
    SatisfactionScore,
    SealedResponse,
    Unit,
)

# In the order the work is done. `sent` after `opened`: a link sent before the opening answers "not open yet".
ORDER = ("pack", "units", "officials", "links", "opened", "sent", "closed", "appraisal", "satisfaction", "workbook")
DONE, NEXT, TODO, SKIPPED = "done", "next", "todo", "skipped"


@dataclass(frozen=True)
class Step:
    key: str
    state: str  # done | next | todo | skipped (not needed by this pack)
    numbers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Steps:
    campaign_code: str
    steps: list[Step]

    @property
    def next(self) -> Step | None:
        return next((s for s in self.steps if s.state == NEXT), None)

    def __getitem__(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)


def campaign_steps(campaign: Campaign) -> Steps:
    """Every step of the campaign, done or not, with the counts that say how far it got."""
    c = campaign.id
    pack = campaign.pack
    units = _count(Unit.id, Unit.campaign_id == c)
    officials = _count(Respondent.id, Respondent.campaign_id == c)
    links = _count(Invitation.id, Invitation.campaign_id == c, Invitation.revoked_at.is_(None))
    funnel = db.session.execute(
        sa.select(
            *(sa.func.coalesce(sa.func.sum(getattr(ProgressCounter, k)), 0) for k in ("opened", "submitted"))
        ).where(ProgressCounter.campaign_id == c)
    ).one()
    outbox = _outbox(c)
    reached = _count(
        sa.distinct(OutboxMessage.invitation_id),
        OutboxMessage.campaign_id == c,
        OutboxMessage.kind == "invitation",
        OutboxMessage.status == MessageStatus.SENT,
    )
    responses = dict(
        db.session.execute(
            sa.select(Response.status, sa.func.count()).where(Response.campaign_id == c).group_by(Response.status)
        ).all()
    )
    appraised = _count(sa.distinct(AppraisalPoint.unit_id), AppraisalPoint.campaign_id == c)
    rated_types = {s.unit_type for s in pack.satisfaction}
    satisfied = _count(sa.distinct(SatisfactionScore.unit_id), SatisfactionScore.campaign_id == c)
    to_satisfy = _count(Unit.id, Unit.campaign_id == c, Unit.unit_type.in_(rated_types)) if rated_types else 0
    closed = campaign.status == CampaignStatus.CLOSED
    done = {
        "pack": True,
        "units": units > 0,
        "officials": officials > 0,
        "links": officials > 0 and links >= officials,
        "opened": campaign.status != CampaignStatus.DRAFT,
        "sent": links > 0 and reached >= links,
        "closed": closed,
        "appraisal": units > 0 and appraised >= units,
        "satisfaction": None if not rated_types else satisfied >= to_satisfy,
        "workbook": None if not closed else False,
    }
    numbers = {
        "pack": {
            "code": pack.code,
            "questions": len(pack.questions),
            "groups": len(pack.groups),
            "k": pack.anonymity_k,
        },
        "units": {"units": units},
        "officials": {"officials": officials},
        "links": {"links": links, "officials": officials},
        "opened": {"opened": funnel[0], "submitted": funnel[1]},
        "sent": {"reached": reached, "links": links, "channels": outbox},
        "closed": {
            "valid": responses.get(ResponseStatus.VALID, 0),
            "invalid": responses.get(ResponseStatus.INVALID, 0),
            "excluded": responses.get(ResponseStatus.EXCLUDED, 0),
            "waiting": _count(SealedResponse.id, SealedResponse.campaign_id == c),  # submitted, not yet mixed in
        },
        "appraisal": {"units": appraised, "of": units},
        "satisfaction": {"units": satisfied, "of": to_satisfy},
        "workbook": {},
    }
    return Steps(campaign.code, _states(done, numbers))


def _states(done: dict, numbers: dict) -> list[Step]:
    """done → done; None → skipped (or not yet possible, for the workbook); the first other one is next."""
    out, nexted = [], False
    for key in ORDER:
        if done[key]:
            state = DONE
        elif done[key] is None:
            state = SKIPPED if key == "satisfaction" else TODO
        elif not nexted:
            state, nexted = NEXT, True
        else:
            state = TODO
        out.append(Step(key, state, numbers[key]))
    return out


def _count(column, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count(column)).where(*where)) or 0


def _outbox(campaign_id: int) -> dict[str, dict[str, int]]:
    """channel → status → messages (invitations and reminders alike), e.g. {'email': {'sent': 1402}}."""
    out: dict[str, dict[str, int]] = {}
    rows = db.session.execute(
        sa.select(OutboxMessage.channel, OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.campaign_id == campaign_id)
        .group_by(OutboxMessage.channel, OutboxMessage.status)
    )
    for channel, status, n in rows:
        out.setdefault(channel, {})[status] = n
    return out
