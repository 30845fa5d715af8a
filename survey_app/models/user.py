"""Home Affairs staff accounts and the audit log of their actions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .enums import Role, check_in


class User(UserMixin, db.Model):
    """A staff member: admin (everything), monitor (reads everything) or a unit's focal point."""

    __tablename__ = "staff_user"  # "user" is reserved in PostgreSQL
    __table_args__ = (
        check_in("role", Role, "role"),
        # A focal point belongs to exactly one unit; other roles to none.
        sa.CheckConstraint(f"(role = '{Role.UNIT}') = (unit_code IS NOT NULL)", name="unit_role_has_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(10), default=Role.ADMIN)
    unit_code: Mapped[str | None] = mapped_column(sa.String(40))
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    api_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Part of every session of this user: bumping it (sign-out, password reset) ends them all.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session version it was made with."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def can_write(self) -> bool:
        return self.role == Role.ADMIN

    def may_see_unit(self, unit_code: str) -> bool:
        return self.role in (Role.ADMIN, Role.MONITOR) or self.unit_code == unit_code


class AuditEntry(db.Model):
    """Who did what, when: every administrative change, from the pages and from the CLI."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(sa.String(320))  # staff email, or "cli"
    action: Mapped[str] = mapped_column(sa.String(60))
    campaign_code: Mapped[str | None] = mapped_column(sa.String(40))
    target: Mapped[str | None] = mapped_column(sa.String(200))
    detail: Mapped[str | None] = mapped_column(sa.Text)
