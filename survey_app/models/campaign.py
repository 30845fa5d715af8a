"""Campaign and the parts of its pack that answers and tallies point at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..errors import ServiceError
from ..extensions import db
from ..packs import Pack
from .enums import CampaignStatus, check_in


class Campaign(db.Model):
    """One year's survey, built from a pack whose exact content it keeps."""

    __table_args__ = (check_in("status", CampaignStatus, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[str] = mapped_column(sa.String(10), default=CampaignStatus.DRAFT)
    opens_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    pack_code: Mapped[str] = mapped_column(sa.String(40))
    pack_sha256: Mapped[str] = mapped_column(sa.String(64))
    # Read only when used (deferred): the pack is compiled once per process by its hash (`pack_view`),
    # so a request that loads a campaign does not decode its pack's JSON again.
    pack_files: Mapped[dict] = mapped_column(sa.JSON, deferred=True)
    pack_content: Mapped[dict] = mapped_column(sa.JSON, deferred=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    def open(self) -> None:
        """Let respondents answer within the window; a closed campaign is never reopened."""
        if self.status == CampaignStatus.CLOSED:
            raise ServiceError("campaign_closed", code=self.code)
        self.status = CampaignStatus.OPEN

    def close(self, at: datetime) -> bool:
        """Stop answers for good; False when the campaign was already closed."""
        if self.status == CampaignStatus.CLOSED:
            return False
        self.status, self.closed_at = CampaignStatus.CLOSED, at
        return True

    @property
    def simulated(self) -> bool:
        return self.title.startswith(SIMULATED_MARK)

    @property
    def pack(self) -> Pack:
        """Typed view of the stored pack, built once per pack hash."""
        return pack_view(self.pack_sha256, lambda: self.pack_content)


_PACK_VIEWS: dict[str, Pack] = {}


def pack_view(sha256: str, content: Callable[[], dict]) -> Pack:
    """The compiled pack of this content hash; `content()` is read only the first time in the process."""
    view = _PACK_VIEWS.get(sha256)
    if view is None:
        view = _PACK_VIEWS[sha256] = Pack.from_dict(content())
    return view


SIMULATED_MARK = "[MÔ PHỎNG]"  # the title of simulated data starts with it, wherever it is shown


class Unit(db.Model):
    """A unit scored in a campaign (a department, a district, a commune)."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(300))
    unit_type: Mapped[str] = mapped_column(sa.String(40))

    campaign: Mapped[Campaign] = relationship()


class RespondentGroup(db.Model):
    """A respondent group of the campaign's pack (a row so answers and tallies can refer to it)."""

    __tablename__ = "respondent_group"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(300))
    unit_type: Mapped[str] = mapped_column(sa.String(40))
    rates_unit_type: Mapped[str | None] = mapped_column(sa.String(40))


class Question(db.Model):
    """A question of the campaign's pack (a row so answers and tallies can refer to it)."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int]
    unit_type: Mapped[str] = mapped_column(sa.String(40))
    area: Mapped[str] = mapped_column(sa.String(40))
    points: Mapped[Decimal] = mapped_column(sa.Numeric(8, 4))
