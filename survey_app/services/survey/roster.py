"""All-or-nothing imports of units and respondents, idempotent by natural key.

Every bad row is reported as a `RowIssue` code with the header the file used; nothing is written
unless the whole file is clean. People missing from a later file are not deleted.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ...contacts import normalise_email, normalise_phone
from ...errors import ImportRejected, RowIssue
from ...extensions import db
from ...models import Campaign, Invitation, InvitationStatus, Respondent, RespondentGroup, Unit
from .. import audit
from ..tabular import Table, column_lengths, read_table
from .tallies import rebuild_progress

log = logging.getLogger(__name__)

UNIT_COLUMNS = {
    "code": "code",
    "unit_code": "code",
    "ma_don_vi": "code",
    "ma": "code",
    "name": "name",
    "ten_don_vi": "name",
    "ten": "name",
    "unit_type": "unit_type",
    "loai_don_vi": "unit_type",
    "loai": "unit_type",
}
RESPONDENT_COLUMNS = {
    "unit_code": "unit_code",
    "ma_don_vi": "unit_code",
    "group_code": "group_code",
    "ma_nhom": "group_code",
    "nhom": "group_code",
    "full_name": "full_name",
    "ho_va_ten": "full_name",
    "ho_ten": "full_name",
    "position": "position",
    "chuc_vu": "position",
    "email": "email",
    "thu_dien_tu": "email",
    "phone": "phone",
    "so_dien_thoai": "phone",
    "dien_thoai": "phone",
    "zalo_id": "zalo_id",
    "zalo": "zalo_id",
    "telegram_username": "telegram_username",
    "telegram": "telegram_username",
}
_TELEGRAM = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
_ZALO = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
FIELDS = ("unit_id", "group_id", "full_name", "position", "email", "phone", "zalo_id", "telegram_username")
# The stored text fields: a longer value is refused (PostgreSQL would stop the import, SQLite keep it whole).
UNIT_LENGTHS = column_lengths(Unit, {"code": "code", "name": "name", "unit_type": "unit_type"})
RESPONDENT_LENGTHS = column_lengths(Respondent, {"full_name": "full_name", "position": "position", "email": "email"})


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int


def import_units(campaign: Campaign, path: str | Path) -> ImportReport:
    """Create or update units by code; a unit type the pack does not declare is refused."""
    table = read_table(path, UNIT_COLUMNS, {"code", "name", "unit_type"})
    types = set(campaign.pack.unit_type_by_code)
    existing = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))}
    used = set(db.session.scalars(sa.select(Respondent.unit_id).where(Respondent.campaign_id == campaign.id)))
    issues: list[RowIssue] = table.text_issues(UNIT_LENGTHS)
    unreadable = {i.row for i in issues}
    seen: dict[str, int] = {}
    for row in table.rows:
        v, n = row.values, row.number
        if n in unreadable:
            continue
        issues += [table.issue(n, col, "required") for col in ("code", "name", "unit_type") if not v.get(col)]
        code = v.get("code", "")
        if code in seen:
            issues.append(table.issue(n, "code", "duplicate_unit", code, first_row=seen[code]))
        seen.setdefault(code, n)
        if v.get("unit_type") and v["unit_type"] not in types:
            issues.append(table.issue(n, "unit_type", "unknown_unit_type", v["unit_type"], known=sorted(types)))
        unit = existing.get(code)
        if unit and unit.unit_type != v.get("unit_type") and unit.id in used:
            issues.append(table.issue(n, "unit_type", "unit_type_locked", v.get("unit_type")))
    if issues:
        raise ImportRejected(sorted(issues, key=lambda i: i.row))
    created = updated = unchanged = 0
    for row in table.rows:
        v = row.values
        unit = existing.get(v["code"])
        if unit is None:
            db.session.add(Unit(campaign_id=campaign.id, code=v["code"], name=v["name"], unit_type=v["unit_type"]))
            created += 1
        elif (unit.name, unit.unit_type) != (v["name"], v["unit_type"]):
            unit.name, unit.unit_type = v["name"], v["unit_type"]
            updated += 1
        else:
            unchanged += 1
    report = ImportReport(created, updated, unchanged)
    audit.record("units.import", campaign.code, Path(path).name, created=created, updated=updated)
    db.session.commit()
    log.info("units import into %s: %s", campaign.code, report)
    return report


@dataclass
class _Known:
    """What a respondents file is checked against: the campaign's units, groups and people."""

    units: dict[str, Unit]
    groups: dict[str, RespondentGroup]
    existing: dict[str, Respondent]
    submitted: set[int]
    owner: dict[tuple[str, str], str]  # (email|phone, value) → the person key that holds it

    @classmethod
    def of(cls, campaign: Campaign) -> _Known:
        of_campaign = Respondent.campaign_id == campaign.id
        existing = {r.person_key: r for r in db.session.scalars(sa.select(Respondent).where(of_campaign))}
        owner = {("email", r.email): r.person_key for r in existing.values() if r.email}
        owner |= {("phone", r.phone): r.person_key for r in existing.values() if r.phone}
        return cls(
            {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))},
            {
                g.code: g
                for g in db.session.scalars(
                    sa.select(RespondentGroup).where(RespondentGroup.campaign_id == campaign.id)
                )
            },
            existing,
            set(
                db.session.scalars(
                    sa.select(Invitation.respondent_id).where(
                        Invitation.campaign_id == campaign.id, Invitation.status == InvitationStatus.SUBMITTED
                    )
                )
            ),
            owner,
        )


def import_respondents(campaign: Campaign, path: str | Path) -> ImportReport:
    """Create or update respondents by person key (email, else phone); any bad row and nothing is written."""
    table = read_table(path, RESPONDENT_COLUMNS, {"unit_code", "group_code", "full_name"})
    known = _Known.of(campaign)
    issues: list[RowIssue] = table.text_issues(RESPONDENT_LENGTHS)
    unreadable = {i.row for i in issues}
    clean: list[dict] = []
    seen: dict[str, dict[str, int]] = {"email": {}, "phone": {}}
    for row in table.rows:
        if row.number in unreadable:
            continue
        rec, row_issues = _clean_respondent(table, row.number, row.values, known)
        for key in ("email", "phone"):
            value = rec.get(key)
            if value and value in seen[key]:
                row_issues.append(table.issue(row.number, key, "duplicate_person", value, first_row=seen[key][value]))
            elif value:
                seen[key][value] = row.number
                other = known.owner.get((key, value))
                if other and other != rec.get("person_key"):
                    row_issues.append(table.issue(row.number, key, "person_on_list", value, other=other))
        old = known.existing.get(rec.get("person_key", ""))
        moved = old and (old.unit_id, old.group_id) != (rec.get("unit_id"), rec.get("group_id"))
        if moved and old.id in known.submitted:
            row_issues.append(table.issue(row.number, "unit_code", "moved_after_submit", row.values.get("unit_code")))
        issues += row_issues
        clean.append(rec)
    if issues:
        raise ImportRejected(sorted(issues, key=lambda i: i.row))
    report = _write_respondents(campaign, clean, known.existing)
    audit.record("respondents.import", campaign.code, Path(path).name, created=report.created, updated=report.updated)
    db.session.commit()
    log.info("respondents import into %s: %s", campaign.code, report)
    return report


def _write_respondents(campaign: Campaign, clean: list[dict], existing: dict[str, Respondent]) -> ImportReport:
    created = updated = unchanged = 0
    for rec in clean:
        old = existing.get(rec["person_key"])
        if old is None:
            db.session.add(Respondent(campaign_id=campaign.id, **rec))
            created += 1
        elif any(getattr(old, f) != rec[f] for f in FIELDS):
            for f in FIELDS:
                setattr(old, f, rec[f])
            updated += 1
        else:
            unchanged += 1
    db.session.flush()
    if updated:  # a moved respondent's invitation now counts for the new unit and group
        rebuild_progress(campaign)
    return ImportReport(created, updated, unchanged)


def _clean_respondent(table: Table, n: int, v: dict, known: _Known) -> tuple[dict, list[RowIssue]]:
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
