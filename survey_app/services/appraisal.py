"""Imports of the appraisal points (70) and of citizens' satisfaction (10), all or nothing, every
problem listed; a parse step alone serves the admin page's preview. Also the appraisal template."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font

from ..extensions import db
from ..models import AppraisalPoint, Campaign, SatisfactionScore, Unit
from ..packs.model import Pack
from .errors import ImportRejected, RowIssue
from .tabular import read_rows

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
TEMPLATE_HEADER = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Mã lĩnh vực",
    "Tên lĩnh vực",
    "Tiêu chí",
    "Điểm tối đa thẩm định",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Điểm không áp dụng",
)


@dataclass
class ParsedImport:
    """Clean records ready to store, or the issues that refuse the whole file."""

    kind: str
    records: list[dict] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)

    def check(self) -> None:
        if self.issues:
            raise ImportRejected(self.issues)


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


def _units(campaign: Campaign) -> dict[str, Unit]:
    return {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))}


def _vn(value: Decimal) -> str:
    """12.5 → '12,5' (as users write it)."""
    return format(value.normalize(), "f").replace(".", ",")


def _unknown(values: dict) -> str:
    return f"không có đơn vị mã '{values.get('unit_code', '')}' trong đợt khảo sát"


def _num(row_no: int, col: str, text: str, issues: list[RowIssue], required: bool) -> Decimal | None:
    if not text:
        if required:
            issues.append(RowIssue(row_no, col, "bắt buộc (ghi 0 nếu không có điểm)"))
        return None
    try:
        value = number(text)
    except ValueError:
        issues.append(RowIssue(row_no, col, f"'{text}' không phải là số"))
        return None
    if value < 0:
        issues.append(RowIssue(row_no, col, f"điểm âm ({text})"))
        return None
    return value


def _missing_units(units: dict[str, Unit], seen: set[str], issues: list[RowIssue], only_types=None) -> None:
    for code, u in sorted(units.items()):
        if code not in seen and (only_types is None or u.unit_type in only_types):
            issues.append(RowIssue(0, "unit_code", f"thiếu đơn vị {code} ({u.name}): tệp không có dòng nào của đơn vị"))


def parse_appraisal(campaign: Campaign, path: str | Path) -> ParsedImport:
    """Read and check an appraisal file without writing anything."""
    pack = campaign.pack
    rows = read_rows(path, APPRAISAL_COLUMNS, {"unit_code", "area", "appraised"})
    units = _units(campaign)
    maxima = {t.code: appraisal_max(pack, t.code) for t in pack.unit_types}
    out = ParsedImport("appraisal")
    seen_keys: dict[tuple, int] = {}
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    last_row: dict[tuple[str, str], int] = {}
    for row in rows:
        v, n, issues = row.values, row.number, out.issues
        unit = units.get(v.get("unit_code", ""))
        if unit is None:
            issues.append(RowIssue(n, "unit_code", _unknown(v)))
            continue
        area = v.get("area", "")
        if area not in maxima[unit.unit_type]:
            issues.append(
                RowIssue(
                    n,
                    "area",
                    f"lĩnh vực '{area}' không thuộc loại đơn vị {unit.unit_type}; "
                    f"các mã hợp lệ: {', '.join(maxima[unit.unit_type])}",
                )
            )
            continue
        criterion = v.get("criterion", "")
        key = (unit.code, area, criterion)
        if key in seen_keys:
            issues.append(RowIssue(n, "criterion", f"trùng với dòng {seen_keys[key]}"))
            continue
        seen_keys[key] = n
        appraised = _num(n, "appraised", v.get("appraised", ""), issues, True)
        self_assessed = _num(n, "self_assessed", v.get("self_assessed", ""), issues, False)
        na = _num(n, "not_applicable", v.get("not_applicable", ""), issues, False) or Decimal(0)
        for col, value in (("appraised", appraised), ("self_assessed", self_assessed)):
            if value is not None:
                sums[(unit.code, area, col)] += value
        last_row[(unit.code, area)] = n
        out.records.append(
            dict(
                unit_code=unit.code,
                unit_id=unit.id,
                area=area,
                criterion=criterion,
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
                    RowIssue(
                        n, col, f"điểm lĩnh vực {area} của {code} là {_vn(got)}, vượt điểm tối đa thẩm định {_vn(top)}"
                    )
                )
    _missing_units(units, {r.values.get("unit_code", "") for r in rows}, out.issues)
    out.issues.sort(key=lambda i: (i.row == 0, i.row))
    return out


def import_appraisal(campaign: Campaign, path: str | Path) -> str:
    """Replace the campaign's appraisal points with the file's; nothing changes when any row is bad."""
    parsed = parse_appraisal(campaign, path)
    parsed.check()
    db.session.execute(sa.delete(AppraisalPoint).where(AppraisalPoint.campaign_id == campaign.id))
    db.session.add_all(
        AppraisalPoint(
            campaign_id=campaign.id,
            unit_id=r["unit_id"],
            area=r["area"],
            criterion=r["criterion"],
            appraised=r["appraised"],
            self_assessed=r["self_assessed"],
            not_applicable=r["not_applicable"],
        )
        for r in parsed.records
    )
    db.session.commit()
    log.info("appraisal import into %s: %d rows", campaign.code, len(parsed.records))
    n_units = len({r["unit_code"] for r in parsed.records})
    return f"{len(parsed.records)} dòng điểm thẩm định đã nhập cho {n_units} đơn vị"


def parse_satisfaction(campaign: Campaign, path: str | Path) -> ParsedImport:
    """Read and check a satisfaction file (points, or a percentage turned into points by the pack's rule)."""
    pack = campaign.pack
    rows = read_rows(path, SATISFACTION_COLUMNS, {"unit_code"})
    units = _units(campaign)
    out = ParsedImport("satisfaction")
    seen: dict[str, int] = {}
    for row in rows:
        v, n = row.values, row.number
        unit = units.get(v.get("unit_code", ""))
        if unit is None:
            out.issues.append(RowIssue(n, "unit_code", _unknown(v)))
            continue
        if unit.code in seen:
            out.issues.append(RowIssue(n, "unit_code", f"đơn vị {unit.code} đã có ở dòng {seen[unit.code]}"))
            continue
        seen[unit.code] = n
        rule = pack.satisfaction_for(unit.unit_type)
        if rule is None:
            out.issues.append(
                RowIssue(n, "unit_code", f"bộ câu hỏi không quy định điểm hài lòng cho loại đơn vị {unit.unit_type}")
            )
            continue
        points = _num(n, "points", v.get("points", ""), out.issues, False)
        percent = _num(n, "percent", v.get("percent", ""), out.issues, False)
        if v.get("points") and v.get("percent"):
            out.issues.append(RowIssue(n, "percent", "chỉ ghi điểm hoặc tỷ lệ, không ghi cả hai"))
        elif not v.get("points") and not v.get("percent"):
            out.issues.append(RowIssue(n, "points", "bắt buộc: ghi điểm hoặc tỷ lệ hài lòng (%)"))
        elif percent is not None and percent > 100:
            out.issues.append(RowIssue(n, "percent", f"tỷ lệ {_vn(percent)} vượt 100%"))
        elif points is not None and points > rule.max_points:
            out.issues.append(RowIssue(n, "points", f"điểm {_vn(points)} vượt điểm tối đa {_vn(rule.max_points)}"))
        elif points is not None or percent is not None:
            value = points if points is not None else rule.points(percent)
            out.records.append(dict(unit_code=unit.code, unit_id=unit.id, percent=percent, points=value))
    types = {r.unit_type for r in pack.satisfaction}
    _missing_units(units, set(seen), out.issues, types)
    out.issues.sort(key=lambda i: (i.row == 0, i.row))
    return out


def import_satisfaction(campaign: Campaign, path: str | Path) -> str:
    """Replace the campaign's satisfaction points with the file's; all or nothing."""
    parsed = parse_satisfaction(campaign, path)
    parsed.check()
    db.session.execute(sa.delete(SatisfactionScore).where(SatisfactionScore.campaign_id == campaign.id))
    db.session.add_all(
        SatisfactionScore(campaign_id=campaign.id, unit_id=r["unit_id"], percent=r["percent"], points=r["points"])
        for r in parsed.records
    )
    db.session.commit()
    log.info("satisfaction import into %s: %d units", campaign.code, len(parsed.records))
    return f"điểm hài lòng của {len(parsed.records)} đơn vị đã nhập"


def write_appraisal_template(campaign: Campaign, target: str | Path | IO[bytes]) -> int:
    """A workbook with one row per unit × area and the appraisal maximum, ready to fill in."""
    pack = campaign.pack
    wb = Workbook()
    ws = wb.active
    ws.title = "Điểm thẩm định"
    ws.append(TEMPLATE_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    order = [t.code for t in pack.unit_types]
    units = sorted(_units(campaign).values(), key=lambda u: (order.index(u.unit_type), u.id))
    n = 0
    for u in units:
        maxima = appraisal_max(pack, u.unit_type)
        for a in pack.unit_type_by_code[u.unit_type].areas:
            ws.append([u.code, u.name, a.code, a.name, None, float(maxima[a.code]), None, None, None])
            ws.cell(ws.max_row, 6).number_format = "0.00"
            n += 1
    for col, width in zip("ABCDEFGHI", (14, 40, 10, 50, 10, 14, 14, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C2"
    help_ws = wb.create_sheet("Hướng dẫn")
    for line in (
        "Ghi Điểm thẩm định (bắt buộc, 0 nếu không có) và Điểm tự đánh giá cho mỗi đơn vị và lĩnh vực.",
        "Có thể tách một lĩnh vực thành nhiều dòng theo tiêu chí (cột Tiêu chí): các dòng được cộng lại.",
        "Điểm không áp dụng: điểm các tiêu chí không áp dụng với đơn vị, được trừ khỏi điểm tối đa của đơn vị.",
        "Tổng điểm thẩm định của một lĩnh vực không được vượt Điểm tối đa thẩm định.",
        f"Đợt khảo sát: {campaign.code}; bộ câu hỏi {campaign.pack_code} ({campaign.pack_sha256[:12]}).",
    ):
        help_ws.append([line])
    wb.save(target)
    return n
