"""All-or-nothing imports of units and respondents, idempotent by natural key."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from ..extensions import db
from ..models import Campaign, Invitation, Respondent, RespondentGroup, Unit
from . import audit
from .errors import ImportRejected, RowIssue
from .tabular import read_rows

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


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def import_units(campaign: Campaign, path: str | Path) -> ImportReport:
    """Create or update units by code; a unit type the pack does not declare is refused."""
    rows = read_rows(path, UNIT_COLUMNS, {"code", "name", "unit_type"})
    types = set(campaign.pack.unit_type_by_code)
    existing = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))}
    used_types = _unit_ids_with_respondents(campaign)
    issues: list[RowIssue] = []
    seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        for col in ("code", "name", "unit_type"):
            if not v.get(col):
                issues.append(RowIssue(row.number, col, "required"))
        code = v.get("code", "")
        if code in seen:
            issues.append(RowIssue(row.number, "code", f"duplicate unit code {code!r} (also row {seen[code]})"))
        seen.setdefault(code, row.number)
        if v.get("unit_type") and v["unit_type"] not in types:
            issues.append(
                RowIssue(row.number, "unit_type", f"unknown unit type {v['unit_type']!r}; the pack has {sorted(types)}")
            )
        unit = existing.get(code)
        if unit and unit.unit_type != v.get("unit_type") and unit.id in used_types:
            issues.append(RowIssue(row.number, "unit_type", "cannot change the type of a unit that has respondents"))
    if issues:
        raise ImportRejected(issues)
    created = updated = unchanged = 0
    for row in rows:
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
    audit.record("units.import", campaign.code, target=Path(path).name, detail=f"{created} created, {updated} updated")
    db.session.commit()
    report = ImportReport(created, updated, unchanged)
    log.info("units import into %s: %s", campaign.code, report)
    return report


def import_respondents(campaign: Campaign, path: str | Path) -> ImportReport:
    """Create or update respondents by person key (email, else phone); any bad row and nothing is written."""
    rows = read_rows(path, RESPONDENT_COLUMNS, {"unit_code", "group_code", "full_name"})
    units = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))}
    groups = {
        g.code: g
        for g in db.session.scalars(sa.select(RespondentGroup).where(RespondentGroup.campaign_id == campaign.id))
    }
    existing = {
        r.person_key: r for r in db.session.scalars(sa.select(Respondent).where(Respondent.campaign_id == campaign.id))
    }
    submitted = set(
        db.session.scalars(
            sa.select(Invitation.respondent_id).where(
                Invitation.campaign_id == campaign.id, Invitation.status == "submitted"
            )
        )
    )
    issues: list[RowIssue] = []
    clean: list[tuple[int, dict]] = []
    seen_email: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    # The same person may already be on the list under another key (an email now, a phone before).
    owner = {("email", r.email): r.person_key for r in existing.values() if r.email}
    owner |= {("phone", r.phone): r.person_key for r in existing.values() if r.phone}
    for row in rows:
        rec, row_issues = _clean_respondent(row.number, row.values, units, groups)
        for key, seen in (("email", seen_email), ("phone", seen_phone)):
            value = rec.get(key)
            if value and value in seen:
                row_issues.append(RowIssue(row.number, key, f"duplicate person: {value} is also on row {seen[value]}"))
            elif value:
                seen[value] = row.number
                other = owner.get((key, value))
                if other and other != rec.get("person_key"):
                    row_issues.append(
                        RowIssue(row.number, key, f"duplicate person: {value} already belongs to {other} on the list")
                    )
        old = existing.get(rec.get("person_key", ""))
        if old and old.id in submitted and (old.unit_id, old.group_id) != (rec.get("unit_id"), rec.get("group_id")):
            row_issues.append(
                RowIssue(
                    row.number, "unit_code", "this person has already submitted; unit and group can no longer change"
                )
            )
        issues += row_issues
        clean.append((row.number, rec))
    if issues:
        raise ImportRejected(issues)
    created = updated = unchanged = 0
    fields = ("unit_id", "group_id", "full_name", "position", "email", "phone", "zalo_id", "telegram_username")
    for _, rec in clean:
        old = existing.get(rec["person_key"])
        if old is None:
            db.session.add(Respondent(campaign_id=campaign.id, **rec))
            created += 1
        elif any(getattr(old, f) != rec[f] for f in fields):
            for f in fields:
                setattr(old, f, rec[f])
            updated += 1
        else:
            unchanged += 1
    db.session.flush()
    if updated:
        # A moved respondent's invitation now counts for the new unit and group.
        from .tallies import rebuild_progress

        rebuild_progress(campaign)
    audit.record(
        "respondents.import", campaign.code, target=Path(path).name, detail=f"{created} created, {updated} updated"
    )
    db.session.commit()
    report = ImportReport(created, updated, unchanged)
    log.info("respondents import into %s: %s", campaign.code, report)
    return report


def _clean_respondent(n: int, v: dict, units: dict, groups: dict) -> tuple[dict, list[RowIssue]]:
    issues: list[RowIssue] = []
    rec: dict = {}
    unit = units.get(v.get("unit_code", ""))
    group = groups.get(v.get("group_code", ""))
    if not v.get("unit_code"):
        issues.append(RowIssue(n, "unit_code", "required"))
    elif unit is None:
        issues.append(RowIssue(n, "unit_code", f"unknown unit {v['unit_code']!r}"))
    if not v.get("group_code"):
        issues.append(RowIssue(n, "group_code", "required"))
    elif group is None:
        issues.append(
            RowIssue(n, "group_code", f"unknown group {v['group_code']!r}; known: {', '.join(sorted(groups))}")
        )
    if unit and group and unit.unit_type != group.unit_type:
        issues.append(
            RowIssue(
                n,
                "group_code",
                f"group {group.code} is for units of type {group.unit_type!r}, "
                f"but {unit.code} is of type {unit.unit_type!r}",
            )
        )
    rec["unit_id"] = unit.id if unit else None
    rec["group_id"] = group.id if group else None
    rec["full_name"] = v.get("full_name", "")
    if not rec["full_name"]:
        issues.append(RowIssue(n, "full_name", "required"))
    rec["position"] = v.get("position") or None
    rec["email"] = rec["phone"] = None
    if v.get("email"):
        try:
            rec["email"] = validate_email(v["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            issues.append(RowIssue(n, "email", f"not a valid email address ({exc})"))
    if v.get("phone"):
        rec["phone"] = normalise_phone(v["phone"])
        if rec["phone"] is None:
            issues.append(RowIssue(n, "phone", f"not a valid Vietnamese phone number: {v['phone']!r}"))
    if not v.get("email") and not v.get("phone"):
        issues.append(RowIssue(n, "email", "each person needs an email or a phone number"))
    rec["person_key"] = rec["email"] or rec["phone"] or ""
    zalo = v.get("zalo_id") or None
    if zalo and not _ZALO.match(zalo):
        issues.append(RowIssue(n, "zalo_id", "letters, digits, '-' or '_' only, at most 64"))
    rec["zalo_id"] = zalo
    tg = (v.get("telegram_username") or "").lstrip("@") or None
    if tg and not _TELEGRAM.match(tg):
        issues.append(RowIssue(n, "telegram_username", "5–32 letters, digits or '_', starting with a letter"))
    rec["telegram_username"] = tg
    return rec, issues


def normalise_phone(text: str) -> str | None:
    """'0912 345 678', '912345678' (Excel dropped the 0), '+84 912-345-678' → '+84912345678'."""
    digits = re.sub(r"[\s.()-]", "", text)
    candidates = [digits]
    if digits.startswith("84"):
        candidates.append("+" + digits)  # 84912345678 typed without the plus
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, "VN")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) == "VN":
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _unit_ids_with_respondents(campaign: Campaign) -> set[int]:
    return set(
        db.session.scalars(sa.select(Respondent.unit_id).where(Respondent.campaign_id == campaign.id).distinct())
    )
