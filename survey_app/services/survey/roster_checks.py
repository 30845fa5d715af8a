"""The checks every roster row and form goes through, and what changing a person does to their
pending messages. Used by the file imports (`roster`) and the one-person changes (`people`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from ...contacts import normalise_email, normalise_phone
from ...errors import RowIssue
from ...extensions import db
from ...models import (
    Campaign,
    Invitation,
    InvitationStatus,
    MessageStatus,
    OutboxMessage,
    Respondent,
    RespondentGroup,
    Unit,
)
from ..tabular import Table

_TELEGRAM = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
_ZALO = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
FIELDS = ("unit_id", "group_id", "full_name", "position", "email", "phone", "zalo_id", "telegram_username")
# A person as a row of a file or a form (the canonical column names of the roster files).
FORM_FIELDS = ("unit_code", "group_code", "full_name", "position", "email", "phone", "zalo_id", "telegram_username")
# What a queued message was made from: when one of these changes, the person's pending messages are
# cancelled (they would reach the old address or name the old unit) and may be sent again.
MESSAGE_FIELDS = ("unit_id", "full_name", "position", "email", "phone", "zalo_id")
# Outbox error codes of the messages the roster cancels (rendered as send.<code>).
CANCEL_CODES = ("person_changed", "removed_from_roster")


@dataclass
class Known:
    """What a person is checked against: the campaign's units and groups, and the people who hold
    the addresses in question (everyone, for a file)."""

    units: dict[str, Unit]
    groups: dict[str, RespondentGroup]
    existing: dict[str, Respondent]
    submitted: set[int]
    owner: dict[tuple[str, str], str]  # (email|phone, value) → the person key that holds it

    @classmethod
    def of(cls, campaign: Campaign, contacts: set[str] | None = None) -> Known:
        people = sa.select(Respondent).where(Respondent.campaign_id == campaign.id)
        if contacts is not None:
            values = list(contacts)
            people = people.where(
                sa.or_(Respondent.email.in_(values), Respondent.phone.in_(values), Respondent.person_key.in_(values))
            )
        existing = {r.person_key: r for r in db.session.scalars(people)}
        owner = {("email", r.email): r.person_key for r in existing.values() if r.email}
        owner |= {("phone", r.phone): r.person_key for r in existing.values() if r.phone}
        submitted = sa.select(Invitation.respondent_id).where(
            Invitation.campaign_id == campaign.id, Invitation.status == InvitationStatus.SUBMITTED
        )
        if contacts is not None:
            submitted = submitted.where(Invitation.respondent_id.in_([r.id for r in existing.values()]))
        groups = sa.select(RespondentGroup).where(RespondentGroup.campaign_id == campaign.id)
        return cls(
            {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))},
            {g.code: g for g in db.session.scalars(groups)},
            existing,
            set(db.session.scalars(submitted)),
            owner,
        )

    def codes_of(self, rec: dict) -> dict:
        """A record (or a respondent's fields) for people to read: units and groups by code."""
        units = {u.id: u.code for u in self.units.values()}
        groups = {g.id: g.code for g in self.groups.values()}
        shown = {f: rec[f] for f in FIELDS}
        shown["unit_id"], shown["group_id"] = units.get(rec["unit_id"], ""), groups.get(rec["group_id"], "")
        return shown


def fields_of(person: Respondent) -> dict:
    return {f: getattr(person, f) for f in FIELDS}


def clean_respondent(table: Table, n: int, v: dict, known: Known) -> tuple[dict, list[RowIssue]]:
    """One row (or one form) checked and normalised; the issues name the column as `table` knows it."""
    issues: list[RowIssue] = []
    unit = known.units.get(v.get("unit_code", ""))
    group = known.groups.get(v.get("group_code", ""))
    if not v.get("unit_code"):
        issues.append(table.issue(n, "unit_code", "required"))
    elif unit is None:
        issues.append(table.issue(n, "unit_code", "unknown_unit", v["unit_code"]))
    if not v.get("group_code"):
        issues.append(table.issue(n, "group_code", "required"))
    elif group is None:
        issues.append(table.issue(n, "group_code", "unknown_group", v["group_code"], known=sorted(known.groups)))
    if unit and group and unit.unit_type != group.unit_type:
        issues.append(
            table.issue(
                n,
                "group_code",
                "group_of_other_type",
                group.code,
                group_type=group.unit_type,
                unit=unit.code,
                unit_type=unit.unit_type,
            )
        )
    rec: dict = {"unit_id": unit.id if unit else None, "group_id": group.id if group else None}
    rec["full_name"] = v.get("full_name", "")
    if not rec["full_name"]:
        issues.append(table.issue(n, "full_name", "required"))
    rec["position"] = v.get("position") or None
    rec["email"] = normalise_email(v["email"]) if v.get("email") else None
    if v.get("email") and rec["email"] is None:
        issues.append(table.issue(n, "email", "invalid_email", v["email"]))
    rec["phone"] = normalise_phone(v["phone"]) if v.get("phone") else None
    if v.get("phone") and rec["phone"] is None:
        issues.append(table.issue(n, "phone", "invalid_phone", v["phone"]))
    if not v.get("email") and not v.get("phone"):
        issues.append(table.issue(n, "email", "email_or_phone"))
    rec["person_key"] = rec["email"] or rec["phone"] or ""
    rec["zalo_id"] = v.get("zalo_id") or None
    if rec["zalo_id"] and not _ZALO.match(rec["zalo_id"]):
        issues.append(table.issue(n, "zalo_id", "invalid_zalo_id", rec["zalo_id"]))
    rec["telegram_username"] = (v.get("telegram_username") or "").lstrip("@") or None
    if rec["telegram_username"] and not _TELEGRAM.match(rec["telegram_username"]):
        issues.append(table.issue(n, "telegram_username", "invalid_telegram", rec["telegram_username"]))
    return rec, issues


def write_person(person: Respondent, rec: dict) -> None:
    """Copy a clean record onto a respondent (a removed one comes back on the list)."""
    for f in FIELDS:
        setattr(person, f, rec[f])
    person.person_key = rec["person_key"]
    person.removed_at = None


def cancel_pending(respondent_ids: list[int], code: str) -> int:
    """Cancel these people's messages still waiting in the outbox, in the caller's transaction.

    A cancelled row gives up its idempotency key, so sending again queues a fresh message built
    from the corrected details. Rows a worker holds right now are left to it: the worker checks
    the live link just before sending.
    """
    if not respondent_ids:
        return 0
    m = OutboxMessage
    return db.session.execute(
        sa.update(m)
        .where(m.respondent_id.in_(respondent_ids), m.status == MessageStatus.PENDING)
        .values(
            status=MessageStatus.CANCELLED,
            error_code=code,
            last_error=None,
            idempotency_key=m.idempotency_key + ":void" + sa.cast(m.id, sa.String),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
