"""Submitted responses: anonymous by default, with nothing that leads to the invitation or person."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import ResponseStatus, check_in


class Response(db.Model):
    """One submitted questionnaire. Its id is random so that row order tells nothing."""

    __table_args__ = (
        check_in("status", ResponseStatus, "status"),
        # An excluded or invalid response always says why.
        sa.CheckConstraint(
            f"status = '{ResponseStatus.VALID}' OR status_reason IS NOT NULL", name="reason_when_not_valid"
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("respondent_group.id"))
    pack_sha256: Mapped[str] = mapped_column(sa.String(64))
    submitted_on: Mapped[date] = mapped_column(sa.Date)  # day-level only
    status: Mapped[str] = mapped_column(sa.String(10), default=ResponseStatus.VALID)
    # Excluded: the reviewer's own words. Invalid: the code of the validity rule, with its fields.
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    status_params: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))
    # From the first saved answer to submit, rounded to 30 s: enough to flag haste, too coarse to match.
    duration_seconds: Mapped[int | None]
    # Set only when the pack is not anonymous; unique, so one response per invitation.
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitation.id"), unique=True)

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class SealedResponse(db.Model):
    """A submitted questionnaire waiting for the mixer, its answers sealed (services/survey/sealing.py).

    Submitting writes it in the transaction that marks the invitation submitted; the mixer later turns
    sealed submissions into responses and tallies in shuffled batches of at least k per cell, in
    transactions of their own, and deletes them. So nothing stored ties a response, or a tally change, to
    the invitation it came from: not an id, a time, a row order or a transaction id.
    """

    __tablename__ = "sealed_response"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # random
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)


class Answer(db.Model):
    """One chosen option for one question about one target unit."""

    response_id: Mapped[str] = mapped_column(sa.ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), primary_key=True)
    option_code: Mapped[str] = mapped_column(sa.String(40))

    response: Mapped[Response] = relationship(back_populates="answers")


class ResponseFlag(db.Model):
    """A warning raised at close for review (straight-lining, haste); never a silent rejection."""

    __tablename__ = "response_flag"

    response_id: Mapped[str] = mapped_column(sa.ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30), primary_key=True)  # the warning's code
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)


class UnitFlag(db.Model):
    """A warning about a unit's responses as a whole (an unusual pattern), raised at close."""

    __tablename__ = "unit_flag"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30), primary_key=True)  # the warning's code
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
