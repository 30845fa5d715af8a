"""Respondents and their personal invitations."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .campaign import Campaign, RespondentGroup, Unit
from .enums import InvitationStatus, check_in


class Respondent(db.Model):
    """An official on the approved list; `person_key` (email, else phone) is the natural key."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "person_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("respondent_group.id"))
    person_key: Mapped[str] = mapped_column(sa.String(320))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    zalo_id: Mapped[str | None] = mapped_column(sa.String(64))
    telegram_username: Mapped[str | None] = mapped_column(sa.String(64))
    # Taken off the list before answering (roster page): the row stays for its revoked link and messages.
    removed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()
    group: Mapped[RespondentGroup] = relationship()


class Invitation(db.Model):
    """A personal link. Only the token's hash is stored; the status never points at a response."""

    __table_args__ = (
        check_in("status", InvitationStatus, "status"),
        sa.CheckConstraint(
            f"(status = '{InvitationStatus.SUBMITTED}') = (submitted_on IS NOT NULL)", name="submitted_dated"
        ),
        sa.CheckConstraint(f"status <> '{InvitationStatus.SUBMITTED}' OR draft IS NULL", name="no_draft_after_submit"),
        # One live link per respondent and campaign; revoked ones stay for the record.
        sa.Index(
            "uq_invitation_live",
            "campaign_id",
            "respondent_id",
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    respondent_id: Mapped[int] = mapped_column(sa.ForeignKey("respondent.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Random per issue; with LINK_SECRET (kept outside the database) it re-derives the link.
    nonce: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(10), default=InvitationStatus.ISSUED)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_on: Mapped[date | None] = mapped_column(sa.Date)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Answers given so far, {unit code: {question code: option code}}, sealed with a key only this link
    # opens (services/survey/sealing.py): a copy of the database shows no draft. Erased on submit.
    draft: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    respondent: Mapped[Respondent] = relationship()
    campaign: Mapped[Campaign] = relationship()
