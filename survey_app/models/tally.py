"""Live counters, a cache of answers and invitations kept in step on every write."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class AnswerTally(db.Model):
    """How many valid responses chose each option, per target unit × group × question."""

    __tablename__ = "answer_tally"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("respondent_group.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), primary_key=True)
    option_code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class ProgressCounter(db.Model):
    """Invitation funnel per respondent unit × group: invited, opened, started, submitted."""

    __tablename__ = "progress_counter"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("respondent_group.id"), primary_key=True)
    invited: Mapped[int] = mapped_column(default=0)
    opened: Mapped[int] = mapped_column(default=0)
    started: Mapped[int] = mapped_column(default=0)
    submitted: Mapped[int] = mapped_column(default=0)


class ResponseCount(db.Model):
    """Valid responses about each target unit per group: the sample size the pack's minimum applies to."""

    __tablename__ = "response_count"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("respondent_group.id"), primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)


class SubmissionDay(db.Model):
    """Valid submissions per day (Vietnam date), for the submissions-over-time chart."""

    __tablename__ = "submission_day"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    submitted: Mapped[int] = mapped_column(default=0)
