"""Statuses, roles and channels: one spelling each. The database check constraints are generated
from these enums (`check_in`), so a value cannot be written two ways."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class InvitationStatus(StrEnum):
    """The funnel of a personal link, in order."""

    ISSUED = "issued"
    OPENED = "opened"
    STARTED = "started"
    SUBMITTED = "submitted"


class ResponseStatus(StrEnum):
    VALID = "valid"
    EXCLUDED = "excluded"
    INVALID = "invalid"


class Role(StrEnum):
    ADMIN = "admin"  # everything
    MONITOR = "monitor"  # reads everything, changes nothing
    UNIT = "unit"  # a unit's focal point: their own unit only


class Channel(StrEnum):
    EMAIL = "email"
    ZALO = "zalo"
    TELEGRAM = "telegram"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    CANCELLED = "cancelled"


READ_ROLES = (Role.ADMIN, Role.MONITOR, Role.UNIT)


def check_in(column: str, enum: type[StrEnum], name: str) -> sa.CheckConstraint:
    """`column IN ('a', 'b', …)` in the enum's order, named as the migrations named it."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return sa.CheckConstraint(f"{column} IN ({values})", name=name)
