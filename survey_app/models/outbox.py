"""The delivery outbox and the state the channels keep between runs (Zalo tokens, Telegram chats)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .enums import Channel, MessageStatus, check_in


class OutboxMessage(db.Model):
    """One message to one person on one channel, written in the same transaction as the decision to send.

    The stored content never holds the personal link: placeholders ({lien_ket}, {ma_phieu},
    {lien_ket_telegram}) are filled at send time from LINK_SECRET, so a database copy opens nothing.
    `in_flight_at` is set just before a send starts: after a crash it tells an attempt the provider
    may have received (resent at most once more) from one never tried (sent exactly once).
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        check_in("channel", Channel, "channel"),
        check_in("status", MessageStatus, "status"),
        sa.CheckConstraint("attempts >= 0", name="attempts"),
        sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitation.id"), index=True)
    respondent_id: Mapped[int] = mapped_column(sa.ForeignKey("respondent.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(10))
    kind: Mapped[str] = mapped_column(sa.String(20))  # invitation, reminder1, reminder2, ...
    idempotency_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    address: Mapped[str] = mapped_column(sa.String(320))
    content: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(10), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    in_flight_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    provider_id: Mapped[str | None] = mapped_column(sa.String(200))
    # Why the last attempt did not succeed: a code the pages render, and the provider's own words.
    error_code: Mapped[str | None] = mapped_column(sa.String(40))
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class ZaloState(db.Model):
    """The OA's tokens and today's quota: one row. The refresh token is single-use, so it lives here."""

    __tablename__ = "zalo_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    access_token: Mapped[str | None] = mapped_column(sa.Text)
    refresh_token: Mapped[str | None] = mapped_column(sa.Text)
    access_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    quota_day: Mapped[date | None] = mapped_column(sa.Date)
    quota_remaining: Mapped[int | None]
    paused_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class TelegramChat(db.Model):
    """A Telegram chat bound to one invitation through its one-time deep link."""

    __tablename__ = "telegram_chat"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitation.id", ondelete="CASCADE"), unique=True)
    chat_id: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    bound_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    blocked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
