"""Imports of the appraisal points (70) and of citizens' satisfaction (10), all or nothing, every
problem listed; a parse step alone serves the admin page's preview."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import sqlalchemy as sa

from ...errors import ImportRejected, RowIssue
from ...extensions import db
from ...models import AppraisalPoint, Campaign, SatisfactionScore, Unit
from ...packs.model import Pack
from .. import audit
from ..tabular import Table, column_lengths, read_table

log = logging.getLogger(__name__)

APPRAISAL_COLUMNS = {
    "unit_code": "unit_code",
    "ma_don_vi": "unit_code",
    "code": "unit_code",
    "area": "area",
    "ma_linh_vuc": "area",
    "linh_vuc": "area",
    "criterion": "criterion",
    "tieu_chi": "criterion",
    "ma_tieu_chi": "criterion",
    "self_assessed": "self_assessed",
    "diem_tu_danh_gia": "self_assessed",
    "appraised": "appraised",
    "diem_tham_dinh": "appraised",
    "not_applicable": "not_applicable",
    "diem_khong_ap_dung": "not_applicable",
}
SATISFACTION_COLUMNS = {
    "unit_code": "unit_code",
    "ma_don_vi": "unit_code",
    "code": "unit_code",
    "points": "points",
    "diem": "points",
    "diem_hai_long": "points",
    "percent": "percent",
    "ty_le": "percent",
    "ty_le_hai_long": "percent",
    "ty_le_hai_long_(%)": "percent",
}
APPRAISAL_LENGTHS = column_lengths(AppraisalPoint, {"criterion": "criterion"})


@dataclass
class ParsedImport:
    """Clean records ready to store, or the issues that refuse the whole file."""

    kind: str  # appraisal | satisfaction | last_year
    records: list[dict] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)

    def check(self) -> None:
        if self.issues:
            self.issues.sort(key=lambda i: (i.row == 0, i.row))
            raise ImportRejected(self.issues)


@dataclass(frozen=True)
class ImportResult:
    kind: str
    rows: int
    units: int


def number(text: str) -> Decimal:
    """'10,25' or '10.25' → Decimal('10.25'); raise ValueError for text."""
    t = text.strip().replace(" ", "")
    if "," in t and "." in t:
        raise ValueError(t)
    try:
        value = Decimal(t.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(t) from exc
    if not value.is_finite():
        raise ValueError(t)
    return value


def appraisal_max(pack: Pack, unit_type: str) -> dict[str, Decimal]:
    """Per area, the points left to the appraisal: area maximum − survey questions − satisfaction."""
    t = pack.unit_type_by_code[unit_type]
    rule = pack.satisfaction_for(unit_type)
    out = {}
    for a in t.areas:
        survey = sum((q.points for q in pack.questions if q.unit_type == unit_type and q.area == a.code), Decimal(0))
        sat = rule.max_points if rule and rule.area == a.code else Decimal(0)
        out[a.code] = max(a.max_points - survey - sat, Decimal(0))
    return out


def units_of(campaign: Campaign) -> dict[str, Unit]:
    return {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))}


def read_number(table: Table, n: int, col: str, text: str, issues: list[RowIssue], required: bool) -> Decimal | None:
    """A non-negative number from a cell, or None with the issue recorded."""
    if not text:
        if required:
            issues.append(table.issue(n, col, "number_required"))
        return None
    try:
        value = number(text)
    except ValueError:
        issues.append(table.issue(n, col, "not_a_number", text))
        return None
    if value < 0:
        issues.append(table.issue(n, col, "negative_points", text))
        return None
    return value


def _missing_units(table: Table, units: dict[str, Unit], seen: set[str], issues: list, only_types=None) -> None:
    for code, u in sorted(units.items()):
        if code not in seen and (only_types is None or u.unit_type in only_types):
            issues.append(table.issue(0, "unit_code", "unit_missing_from_file", code, name=u.name))


def parse_appraisal(campaign: Campaign, path: str | Path) -> ParsedImport:
    """Read and check an appraisal file without writing anything."""
    pack = campaign.pack
    table = read_table(path, APPRAISAL_COLUMNS, {"unit_code", "area", "appraised"})
    units = units_of(campaign)
    maxima = {t.code: appraisal_max(pack, t.code) for t in pack.unit_types}
    out = ParsedImport("appraisal", issues=table.text_issues(APPRAISAL_LENGTHS))
    unreadable = {i.row for i in out.issues}
    seen_keys: dict[tuple, int] = {}
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    last_row: dict[tuple[str, str], int] = {}
    for row in table.rows:
        v, n, issues = row.values, row.number, out.issues
        if n in unreadable:
            continue
        unit = units.get(v.get("unit_code", ""))
        if unit is None:
            issues.append(table.issue(n, "unit_code", "unknown_unit", v.get("unit_code", "")))
            continue
        area = v.get("area", "")
        if area not in maxima[unit.unit_type]:
            known = list(maxima[unit.unit_type])
            issues.append(table.issue(n, "area", "area_not_of_type", area, unit_type=unit.unit_type, known=known))
            continue
        key = (unit.code, area, v.get("criterion", ""))
        if key in seen_keys:
            issues.append(
                table.issue(n, "criterion", "duplicate_row", v.get("criterion", ""), first_row=seen_keys[key])
            )
            continue
        seen_keys[key] = n
        appraised = read_number(table, n, "appraised", v.get("appraised", ""), issues, True)
        self_assessed = read_number(table, n, "self_assessed", v.get("self_assessed", ""), issues, False)
        na = read_number(table, n, "not_applicable", v.get("not_applicable", ""), issues, False) or Decimal(0)
        for col, value in (("appraised", appraised), ("self_assessed", self_assessed)):
            if value is not None:
                sums[(unit.code, area, col)] += value
        last_row[(unit.code, area)] = n
        out.records.append(
            dict(
                unit_code=unit.code,
                unit_id=unit.id,
                area=area,
                criterion=key[2],
                appraised=appraised,
                self_assessed=self_assessed,
                not_applicable=na,
            )
        )
    for (code, area), n in last_row.items():
        top = maxima[units[code].unit_type][area]
        for col in ("appraised", "self_assessed"):
            got = sums.get((code, area, col))
            if got is not None and got > top:
                out.issues.append(
                    table.issue(n, col, "area_over_maximum", None, area=area, unit=code, got=got, maximum=top)
                )
    _missing_units(table, units, {r.values.get("unit_code", "") for r in table.rows}, out.issues)
    out.issues.sort(key=lambda i: (i.row == 0, i.row))
    return out


def import_appraisal(campaign: Campaign, path: str | Path) -> ImportResult:
    """Replace the campaign's appraisal points with the file's; nothing changes when any row is bad."""
    parsed = parse_appraisal(campaign, path)
    fields = ("unit_id", "area", "criterion", "appraised", "self_assessed", "not_applicable")
    return store_import(campaign, parsed, path, AppraisalPoint, fields)


def store_import(
    campaign: Campaign, parsed: ParsedImport, path: str | Path, model, fields: tuple[str, ...]
) -> ImportResult:
    """Replace the campaign's rows of `model` with the parsed records (all or nothing), audit and commit."""
    parsed.check()
    db.session.execute(sa.delete(model).where(model.campaign_id == campaign.id))
    db.session.add_all(model(campaign_id=campaign.id, **{f: r[f] for f in fields}) for r in parsed.records)
    units = {r.get("unit_code") or r.get("new_code") or r.get("old_code") for r in parsed.records}
    result = ImportResult(parsed.kind, len(parsed.records), len(units))
    audit.record(f"{parsed.kind}.import", campaign.code, Path(path).name, rows=result.rows, units=result.units)
    db.session.commit()
    log.info("%s import into %s: %d rows", parsed.kind, campaign.code, result.rows)
    return result


def parse_satisfaction(campaign: Campaign, path: str | Path) -> ParsedImport:
    """Read and check a satisfaction file (points, or a percentage turned into points by the pack's rule)."""
    pack = campaign.pack
    table = read_table(path, SATISFACTION_COLUMNS, {"unit_code"})
    units = units_of(campaign)
    out = ParsedImport("satisfaction", issues=table.text_issues({}))
    unreadable = {i.row for i in out.issues}
    seen: dict[str, int] = {}
    for row in table.rows:
        v, n, issues = row.values, row.number, out.issues
        if n in unreadable:
            continue
        unit = units.get(v.get("unit_code", ""))
        if unit is None:
            issues.append(table.issue(n, "unit_code", "unknown_unit", v.get("unit_code", "")))
            continue
        if unit.code in seen:
            issues.append(table.issue(n, "unit_code", "duplicate_unit_row", unit.code, first_row=seen[unit.code]))
            continue
        seen[unit.code] = n
        rule = pack.satisfaction_for(unit.unit_type)
        if rule is None:
            issues.append(table.issue(n, "unit_code", "no_satisfaction_rule", unit.code, unit_type=unit.unit_type))
            continue
        points = read_number(table, n, "points", v.get("points", ""), issues, False)
        percent = read_number(table, n, "percent", v.get("percent", ""), issues, False)
        if v.get("points") and v.get("percent"):
            issues.append(table.issue(n, "percent", "points_and_percent"))
        elif not v.get("points") and not v.get("percent"):
            issues.append(table.issue(n, "points", "points_or_percent"))
        elif percent is not None and percent > 100:
            issues.append(table.issue(n, "percent", "percent_over_100", None, percent=percent))
        elif points is not None and points > rule.max_points:
            issues.append(table.issue(n, "points", "points_over_maximum", None, points=points, maximum=rule.max_points))
        elif points is not None or percent is not None:
            value = points if points is not None else rule.points(percent)
            out.records.append(dict(unit_code=unit.code, unit_id=unit.id, percent=percent, points=value))
    _missing_units(table, units, set(seen), out.issues, {r.unit_type for r in pack.satisfaction})
    out.issues.sort(key=lambda i: (i.row == 0, i.row))
    return out


def import_satisfaction(campaign: Campaign, path: str | Path) -> ImportResult:
    """Replace the campaign's satisfaction points with the file's; all or nothing."""
    parsed = parse_satisfaction(campaign, path)
    return store_import(campaign, parsed, path, SatisfactionScore, ("unit_id", "percent", "points"))
