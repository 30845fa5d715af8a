"""What lags, at a glance: the unit × group cells still short of their minimum sample, the units that
answer least, and the valid submissions of every day so far (zeros included).

Read from the same counters as `monitoring` (never from responses), so the cost stays that of the
dashboard's other figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from analysis.vntext import name_key

from ..extensions import db
from ..models import Campaign, CampaignStatus, SubmissionDay
from ..timeutil import VN, aware, today_vn
from .monitoring import Cell, cells, response_rate

# The worst first: not met before at risk, then the largest shortfall, then Vietnamese order.
_SEVERITY = {"not_met": 0, "at_risk": 1}
# A campaign runs for weeks; a longer span means mistyped dates, and the chart shows the recorded days only.
_LONGEST_SERIES = 400


@dataclass(frozen=True)
class UnitRate:
    """One unit's invitations and submissions over all its groups."""

    unit_code: str
    unit_name: str
    unit_type: str
    invited: int
    submitted: int

    @property
    def rate(self) -> float:
        return response_rate(self.submitted, self.invited)


@dataclass
class Lagging:
    """`short_cells`: cells below their minimum, worst first; `rated_cells`: cells that have a minimum;
    `units`: every unit someone was invited in, lowest response rate first."""

    short_cells: list[Cell]
    rated_cells: int
    units: list[UnitRate]


def lagging(campaign: Campaign, unit_code: str | None = None) -> Lagging:
    """The dashboard's headline (one unit's only, for a focal point)."""
    return summarise(cells(campaign, unit_code))


def summarise(all_cells: list[Cell]) -> Lagging:
    """The headline of cells already read."""
    rated = [c for c in all_cells if c.status != "n/a"]
    short = sorted(
        (c for c in rated if c.valid < c.minimum),
        key=lambda c: (_SEVERITY.get(c.status, 2), c.valid - c.minimum, name_key(c.unit_name), name_key(c.group_name)),
    )
    return Lagging(short, len(rated), unit_rates(all_cells))


def unit_rates(all_cells: list[Cell]) -> list[UnitRate]:
    """Per unit, lowest response rate first (ties in Vietnamese order); units nobody was invited in are left out."""
    totals: dict[str, list] = {}
    for c in all_cells:
        if not c.home:  # a matrix group's invitations belong to the units its raters sit in
            continue
        entry = totals.setdefault(c.unit_code, [c.unit_name, c.unit_type, 0, 0])
        entry[2] += c.invited
        entry[3] += c.submitted
    units = [UnitRate(code, name, utype, inv, sub) for code, (name, utype, inv, sub) in totals.items() if inv]
    return sorted(units, key=lambda u: (u.rate, name_key(u.unit_name)))


def daily_series(campaign: Campaign) -> list[tuple[str, int]]:
    """(ISO day, valid submissions) for every Vietnam day from the opening to today, the close or the
    deadline, whichever comes first; days outside that span that recorded submissions are kept too."""
    recorded = dict(
        db.session.execute(
            sa.select(SubmissionDay.day, SubmissionDay.submitted).where(SubmissionDay.campaign_id == campaign.id)
        ).all()
    )
    first = aware(campaign.opens_at).astimezone(VN).date()
    ends = [today_vn(), aware(campaign.closes_at).astimezone(VN).date()]
    if campaign.status == CampaignStatus.CLOSED and campaign.closed_at is not None:
        ends.append(aware(campaign.closed_at).astimezone(VN).date())
    last = min(ends)
    span = (last - first).days + 1
    days = {first + timedelta(days=i): 0 for i in range(span)} if 0 < span <= _LONGEST_SERIES else {}
    days.update(recorded)
    return [(d.isoformat(), n) for d, n in sorted(days.items())]
