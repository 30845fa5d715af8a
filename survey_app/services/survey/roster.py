"""All-or-nothing imports of units and respondents, idempotent by natural key.

A file is first read into a plan: what each row would do (new, updated, moved, restored,
unchanged) and every bad row as a `RowIssue` code with the header the file used. The roster page
shows the plan as its preview; the import builds the same plan and writes it, so what was previewed
is what gets written (a digest of the plan refuses an import when the list changed in between).
Nothing is written unless the whole file is clean. People missing from a later file are not deleted.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from ...errors import ImportRejected, RowIssue, ServiceError
from ...extensions import db
from ...models import Campaign, Respondent, Unit
from .. import audit
from ..progress import Progress, Ticker
from ..tabular import column_lengths, read_table
from .roster_checks import MESSAGE_FIELDS, Known, cancel_pending, clean_respondent, fields_of, write_person
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
CHANGE_KINDS = ("new", "updated", "moved", "restored", "unchanged")
# The stored text fields: a longer value is refused (PostgreSQL would stop the import, SQLite keep it whole).
UNIT_LENGTHS = column_lengths(Unit, {"code": "code", "name": "name", "unit_type": "unit_type"})
RESPONDENT_LENGTHS = column_lengths(Respondent, {"full_name": "full_name", "position": "position", "email": "email"})


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int  # moved and restored people included
    unchanged: int
    moved: int = field(default=0, compare=False)
    restored: int = field(default=0, compare=False)
    cancelled: int = field(default=0, compare=False)  # pending messages cancelled by the changes


@dataclass(frozen=True)
class Change:
    """What one row of a file would do. `fields` lists (field, before, after) of what changes, with
    units and groups by code."""

    row: int
    kind: str  # one of CHANGE_KINDS
    key: str  # unit code or person key
    name: str
    fields: tuple[tuple[str, str, str], ...] = ()


@dataclass
class RosterPlan:
    """A file read against the campaign: the changes it would make, or the issues that refuse it."""

    what: str  # units | respondents
    changes: list[Change] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    records: list[tuple[dict, object]] = field(default_factory=list, repr=False)  # (clean row, what it replaces)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(c.kind for c in self.changes)
        return {kind: found[kind] for kind in CHANGE_KINDS}

    @property
    def digest(self) -> str:
        """Fingerprint of what the import would write; equal plans give equal digests."""
        data = [self.what, [(c.kind, c.key, c.fields) for c in self.changes]]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:32]

    def check(self, expected_digest: str | None = None) -> None:
        if self.issues:
            raise ImportRejected(sorted(self.issues, key=lambda i: i.row))
        if expected_digest is not None and expected_digest != self.digest:
            raise ServiceError("roster_changed_since_preview")


def plan_units(campaign: Campaign, path: str | Path, progress: Progress | None = None) -> RosterPlan:
    """Read a units file: create or update units by code; a unit type the pack does not declare is refused."""
    table = read_table(path, UNIT_COLUMNS, {"code", "name", "unit_type"})
    ticker = Ticker(progress, len(table.rows), "roster.check")
    types = set(campaign.pack.unit_type_by_code)
    existing = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))}
    used = set(db.session.scalars(sa.select(Respondent.unit_id).where(Respondent.campaign_id == campaign.id)))
    plan = RosterPlan("units", issues=table.text_issues(UNIT_LENGTHS))
    unreadable = {i.row for i in plan.issues}  # a control character or an over-long cell: nothing more to check
    seen: dict[str, int] = {}
    for row in table.rows:
        ticker.step()
        v, n = row.values, row.number
        if n in unreadable:
            continue
        plan.issues += [table.issue(n, col, "required") for col in ("code", "name", "unit_type") if not v.get(col)]
        code = v.get("code", "")
        if code in seen:
            plan.issues.append(table.issue(n, "code", "duplicate_unit", code, first_row=seen[code]))
        seen.setdefault(code, n)
        if v.get("unit_type") and v["unit_type"] not in types:
            plan.issues.append(table.issue(n, "unit_type", "unknown_unit_type", v["unit_type"], known=sorted(types)))
        unit = existing.get(code)
        if unit and unit.unit_type != v.get("unit_type") and unit.id in used:
            plan.issues.append(table.issue(n, "unit_type", "unit_type_locked", v.get("unit_type")))
        rec = {"code": code, "name": v.get("name", ""), "unit_type": v.get("unit_type", "")}
        before = {"name": unit.name, "unit_type": unit.unit_type} if unit else {}
        plan.records.append((rec, unit))
        plan.changes.append(_change(n, code, rec["name"], before, rec, new=unit is None))
    ticker.finish()
    return plan


def _change(row: int, key: str, name: str, before: dict, after: dict, new: bool, kind: str | None = None) -> Change:
    if new:
        return Change(row, "new", key, name)
    diff = tuple((f, before[f] or "", after[f] or "") for f in before if before[f] != after[f])
    return Change(row, kind or ("updated" if diff else "unchanged"), key, name, diff)


def import_units(
    campaign: Campaign,
    path: str | Path,
    expected_digest: str | None = None,
    source: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Write a clean units file (see `plan_units`); any bad row and nothing is written. `expected_digest`:
    the previewed plan's; `source`: the file's name as the user knows it (for the audit log); `progress`:
    phases roster.check (rows read) and roster.write."""
    plan = plan_units(campaign, path, progress)
    plan.check(expected_digest)
    ticker = Ticker(progress, len(plan.records), "roster.write")
    for (rec, unit), change in zip(plan.records, plan.changes, strict=True):
        ticker.step()
        if change.kind == "new":
            db.session.add(Unit(campaign_id=campaign.id, **rec))
        elif change.kind == "updated":
            unit.name, unit.unit_type = rec["name"], rec["unit_type"]
    ticker.finish()
    counts = plan.counts
    report = ImportReport(counts["new"], counts["updated"], counts["unchanged"])
    target = source or Path(path).name
    audit.record("units.import", campaign.code, target, created=report.created, updated=report.updated)
    db.session.commit()
    log.info("units import into %s: %s", campaign.code, report)
    return report


def plan_respondents(campaign: Campaign, path: str | Path, progress: Progress | None = None) -> RosterPlan:
    """Read a respondents file: create or update people by person key (email, else phone)."""
    table = read_table(path, RESPONDENT_COLUMNS, {"unit_code", "group_code", "full_name"})
    ticker = Ticker(progress, len(table.rows), "roster.check")
    known = Known.of(campaign)
    plan = RosterPlan("respondents", issues=table.text_issues(RESPONDENT_LENGTHS))
    unreadable = {i.row for i in plan.issues}
    seen: dict[str, dict[str, int]] = {"email": {}, "phone": {}}
    for row in table.rows:
        ticker.step()
        if row.number in unreadable:
            continue
        rec, row_issues = clean_respondent(table, row.number, row.values, known)
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
        moved = old is not None and (old.unit_id, old.group_id) != (rec["unit_id"], rec["group_id"])
        if moved and old.id in known.submitted:
            row_issues.append(table.issue(row.number, "unit_code", "moved_after_submit", row.values.get("unit_code")))
        plan.issues += row_issues
        if not row_issues:
            plan.records.append((rec, old))
            plan.changes.append(person_change(row.number, rec, old, known))
    ticker.finish()
    return plan


def person_change(row: int, rec: dict, old: Respondent | None, known: Known) -> Change:
    """What writing `rec` over `old` (None: a new person) would do."""
    if old is None:
        return _change(row, rec["person_key"], rec["full_name"], {}, {}, new=True)
    kind = None
    if old.removed_at is not None:
        kind = "restored"
    elif (old.unit_id, old.group_id) != (rec["unit_id"], rec["group_id"]):
        kind = "moved"
    before, after = known.codes_of(fields_of(old)), known.codes_of(rec)
    return _change(row, rec["person_key"], rec["full_name"], before, after, new=False, kind=kind)


def import_respondents(
    campaign: Campaign,
    path: str | Path,
    expected_digest: str | None = None,
    source: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Write a clean respondents file (see `plan_respondents`); any bad row and nothing is written.
    `progress`: phases roster.check (rows read) and roster.write, as `import_units`."""
    plan = plan_respondents(campaign, path, progress)
    plan.check(expected_digest)
    changed: list[int] = []
    ticker = Ticker(progress, len(plan.records), "roster.write")
    for (rec, old), change in zip(plan.records, plan.changes, strict=True):
        ticker.step()
        if change.kind == "new":
            db.session.add(Respondent(campaign_id=campaign.id, **rec))
        elif change.kind != "unchanged":
            if any(getattr(old, f) != rec[f] for f in MESSAGE_FIELDS):
                changed.append(old.id)
            write_person(old, rec)
    ticker.finish()
    cancelled = cancel_pending(changed, "person_changed")
    counts = plan.counts
    if counts["moved"]:  # a moved respondent's invitation now counts for the new cell
        db.session.flush()
        rebuild_progress(campaign)
    report = ImportReport(
        counts["new"],
        counts["updated"] + counts["moved"] + counts["restored"],
        counts["unchanged"],
        moved=counts["moved"],
        restored=counts["restored"],
        cancelled=cancelled,
    )
    target = source or Path(path).name
    audit.record("respondents.import", campaign.code, target, created=report.created, updated=report.updated)
    db.session.commit()
    log.info("respondents import into %s: %s", campaign.code, report)
    return report
