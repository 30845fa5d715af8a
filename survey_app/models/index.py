"""What the index adds to the survey: appraisal points, citizens' satisfaction, last year's results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

POINTS = sa.Numeric(8, 4)


class AppraisalPoint(db.Model):
    """A unit's self-assessed and appraised points in one area (criterion '' = the whole area).

    `not_applicable`: points of criteria that do not apply to the unit; they leave its maximum.
    """

    __tablename__ = "appraisal_point"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "unit_id", "area", "criterion"),
        sa.CheckConstraint("appraised >= 0", name="appraised_not_negative"),
        sa.CheckConstraint("self_assessed IS NULL OR self_assessed >= 0", name="self_assessed_not_negative"),
        sa.CheckConstraint("not_applicable >= 0", name="not_applicable_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    area: Mapped[str] = mapped_column(sa.String(40))
    criterion: Mapped[str] = mapped_column(sa.String(40), default="")
    self_assessed: Mapped[Decimal | None] = mapped_column(POINTS)
    appraised: Mapped[Decimal] = mapped_column(POINTS)
    not_applicable: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))


class SatisfactionScore(db.Model):
    """Citizens' satisfaction of a unit: the points, and the percentage they came from when given."""

    __tablename__ = "satisfaction_score"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "unit_id"),
        sa.CheckConstraint("points >= 0", name="points_not_negative"),
        sa.CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    percent: Mapped[Decimal | None] = mapped_column(POINTS)
    points: Mapped[Decimal] = mapped_column(POINTS)


class LastYearResult(db.Model):
    """Last year's published result of a unit, under last year's code.

    `new_code` is this year's code of the same unit (a renamed unit, or one of several merged ones);
    None when the unit no longer exists.
    """

    __tablename__ = "last_year_result"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "old_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    old_code: Mapped[str] = mapped_column(sa.String(40))
    new_code: Mapped[str | None] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(300))
    total: Mapped[Decimal] = mapped_column(POINTS)
    rank: Mapped[int | None]
    band: Mapped[str | None] = mapped_column(sa.String(40))


class IndexStatistics(db.Model):
    """The resampling statistics of a campaign's index, computed when a user asks (never per page view)."""

    __tablename__ = "index_statistics"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    n_resamples: Mapped[int]
    seed: Mapped[int]
    responses: Mapped[int]  # valid responses the statistics were computed from
    payload: Mapped[dict] = mapped_column(sa.JSON)
