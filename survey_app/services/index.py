"""The index's data interface: plain tables for `analysis/` built from the database (units, areas,
survey points from the tallies, appraisal, satisfaction, last year, valid responses' answers), the
last-year import, and the outputs (workbook, charts, report draft) the CLI and admin pages offer."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from analysis.charts import html_report, index_figures
from analysis.index import BandRule, IndexResult, IndexRules, compute_index
from analysis.report import ReportInput, write_report
from analysis.survey_detail import DetailRow, survey_detail
from analysis.workbook import detail_sheet, index_sheets, info_sheet, write_workbook

from ..extensions import db
from ..models import (
    Answer,
    AppraisalPoint,
    Campaign,
    Invitation,
    LastYearResult,
    Question,
    RespondentGroup,
    Response,
    ResponseCount,
    SatisfactionScore,
    Unit,
)
from ..timeutil import format_vn, now
from .appraisal import ParsedImport, number
from .errors import RowIssue
from .scores import tally_rows, unit_scores
from .tabular import read_rows

log = logging.getLogger(__name__)
LAST_YEAR_COLUMNS = {
    "code": "code",
    "unit_code": "code",
    "ma_don_vi": "code",
    "ma_nam_truoc": "code",
    "new_code": "new_code",
    "ma_nam_nay": "new_code",
    "name": "name",
    "ten_don_vi": "name",
    "total": "total",
    "tong_diem": "total",
    "rank": "rank",
    "xep_hang": "rank",
    "group": "band",
    "band": "band",
    "nhom": "band",
    "xep_loai": "band",
}


@dataclass(frozen=True)
class IndexData:
    """Everything `analysis.compute_index` needs, as plain tables."""

    units: list[dict]
    unit_types: list[dict]
    areas: list[dict]
    points: list[dict]
    last_year: list[dict]
    code_map: dict[str, str]
    not_applicable: dict[str, Decimal]
    rules: IndexRules
    self_assessment: list[dict]  # unit, self_assessed, appraised (units that gave a self-assessment)


def index_rules(campaign: Campaign) -> IndexRules:
    pack = campaign.pack
    return IndexRules(
        pack.rounding_digits,
        pack.rounding_mode,
        pack.rounding_stage,
        tuple(BandRule(b.code, b.name, b.min_percent) for b in pack.bands),
        pack.tie_break,
    )


def index_data(campaign: Campaign) -> IndexData:
    pack = campaign.pack
    units = db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id).order_by(Unit.id)).all()
    code_of = {u.id: u.code for u in units}
    points: list[dict] = []
    for code, score in unit_scores(campaign).items():
        points += [dict(unit=code, area=a, source="survey", points=s.points) for a, s in score.areas.items()]
    na: dict[str, Decimal] = defaultdict(Decimal)
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), True])
    for p in db.session.scalars(sa.select(AppraisalPoint).where(AppraisalPoint.campaign_id == campaign.id)):
        unit = code_of[p.unit_id]
        points.append(dict(unit=unit, area=p.area, source="appraisal", points=p.appraised))
        na[unit] += p.not_applicable
        acc = sums[unit]
        acc[0] += p.self_assessed or 0
        acc[1] += p.appraised
        acc[2] = acc[2] and p.self_assessed is not None
    for s in db.session.scalars(sa.select(SatisfactionScore).where(SatisfactionScore.campaign_id == campaign.id)):
        unit = code_of[s.unit_id]
        rule = pack.satisfaction_for(next(u.unit_type for u in units if u.id == s.unit_id))
        points.append(dict(unit=unit, area=rule.area, source="satisfaction", points=s.points))
    last = db.session.scalars(sa.select(LastYearResult).where(LastYearResult.campaign_id == campaign.id)).all()
    return IndexData(
        units=[dict(unit=u.code, name=u.name, unit_type=u.unit_type) for u in units],
        unit_types=[
            dict(unit_type=t.code, name=t.name, total_points=t.total_points, survey_points=t.survey_points)
            for t in pack.unit_types
        ],
        areas=[
            dict(unit_type=t.code, area=a.code, name=a.name, max_points=a.max_points)
            for t in pack.unit_types
            for a in t.areas
        ],
        points=points,
        last_year=[dict(unit=r.old_code, total=r.total, rank=r.rank, band=r.band) for r in last if r.new_code],
        code_map={r.old_code: r.new_code for r in last if r.new_code},
        not_applicable=dict(na),
        rules=index_rules(campaign),
        self_assessment=[dict(unit=u, self_assessed=a[0], appraised=a[1]) for u, a in sums.items() if a[2]],
    )


def compute_campaign_index(campaign: Campaign) -> IndexResult:
    d = index_data(campaign)
    return compute_index(d.units, d.unit_types, d.areas, d.points, d.rules, d.last_year, d.code_map, d.not_applicable)


def question_table(campaign: Campaign) -> list[dict]:
    return [dict(question=q.code, unit_type=q.unit_type, area=q.area, points=q.points) for q in campaign.pack.questions]


def response_answers(campaign: Campaign) -> list[dict]:
    """One row per answer of a valid response: response, unit, group, question, weight (None: don't know)."""
    weight = campaign.pack.option_weights
    rows = db.session.execute(
        sa.select(Answer.response_id, Unit.code, RespondentGroup.code, Question.code, Answer.option_code)
        .join(Response, Response.id == Answer.response_id)
        .join(Unit, Unit.id == Answer.unit_id)
        .join(RespondentGroup, RespondentGroup.id == Response.group_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Response.campaign_id == campaign.id, Response.status == "valid")
    )
    return [dict(response=r, unit=u, group=g, question=q, weight=weight[q].get(o)) for r, u, g, q, o in rows]


def detail_rows(campaign: Campaign) -> list[DetailRow]:
    """The survey detail from the tallies (valid responses only), small groups folded under k."""
    pack = campaign.pack
    weight = pack.option_weights
    tallies = [
        dict(unit=u, group=g, question=q, option=o, weight=weight[q].get(o), count=n)
        for u, g, q, o, n in tally_rows(campaign)
    ]
    counts = [
        dict(unit=u, group=g, responses=n)
        for u, g, n in db.session.execute(
            sa.select(Unit.code, RespondentGroup.code, ResponseCount.responses)
            .join(Unit, Unit.id == ResponseCount.unit_id)
            .join(RespondentGroup, RespondentGroup.id == ResponseCount.group_id)
            .where(ResponseCount.campaign_id == campaign.id)
        )
    ]
    return survey_detail(tallies, question_table(campaign), counts, pack.anonymity_k)


def parse_last_year(campaign: Campaign, path: str | Path) -> ParsedImport:
    """Last year's results (code, total, rank, group); 'Mã năm nay' maps a renamed or merged unit."""
    rows = read_rows(path, LAST_YEAR_COLUMNS, {"code", "total"})
    units = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))}
    out = ParsedImport("last_year")
    seen: dict[str, int] = {}
    for row in rows:
        v, n = row.values, row.number
        code = v.get("code", "")
        if code in seen:
            out.issues.append(RowIssue(n, "code", f"mã {code} đã có ở dòng {seen[code]}"))
            continue
        seen[code] = n
        new = v.get("new_code") or code
        if new == "-":
            new = None
        elif new not in units:
            out.issues.append(
                RowIssue(
                    n,
                    "new_code" if v.get("new_code") else "code",
                    f"không có đơn vị mã '{new}' năm nay; ghi mã năm nay vào cột 'Mã năm nay', "
                    "hoặc '-' nếu đơn vị không còn",
                )
            )
            continue
        try:
            total = number(v.get("total", ""))
        except ValueError:
            out.issues.append(RowIssue(n, "total", f"'{v.get('total', '')}' không phải là số"))
            continue
        rank = v.get("rank") or None
        if rank is not None and not rank.isdigit():
            out.issues.append(RowIssue(n, "rank", f"'{rank}' không phải là số thứ hạng"))
            continue
        if total < 0 or total > 100:
            out.issues.append(RowIssue(n, "total", f"tổng điểm {total} ngoài khoảng 0–100"))
            continue
        out.records.append(
            dict(
                old_code=code,
                new_code=new,
                name=v.get("name") or code,
                total=total,
                rank=int(rank) if rank else None,
                band=v.get("band") or None,
            )
        )
    return out


def import_last_year(campaign: Campaign, path: str | Path) -> str:
    """Replace last year's results of the campaign with the file's; all or nothing."""
    parsed = parse_last_year(campaign, path)
    parsed.check()
    db.session.execute(sa.delete(LastYearResult).where(LastYearResult.campaign_id == campaign.id))
    db.session.add_all(LastYearResult(campaign_id=campaign.id, **r) for r in parsed.records)
    db.session.commit()
    log.info("last year import into %s: %d rows", campaign.code, len(parsed.records))
    return f"kết quả năm trước của {len(parsed.records)} đơn vị đã nhập"


def _names(campaign: Campaign) -> tuple[dict, dict, dict]:
    pack = campaign.pack
    units = dict(db.session.execute(sa.select(Unit.code, Unit.name).where(Unit.campaign_id == campaign.id)).all())
    areas = {a.code: a.name for t in pack.unit_types for a in t.areas}
    return units, {g.code: g.name for g in pack.groups}, areas


def export_workbook(campaign: Campaign, target: str | Path | IO[bytes]) -> IndexResult:
    """The index workbook: Biểu 1, 2, 3, 4… per unit type, the survey detail, the information sheet."""
    pack = campaign.pack
    result = compute_campaign_index(campaign)
    unit_names, group_names, area_names = _names(campaign)
    sheets = index_sheets(result, pack.year)
    sheets.append(detail_sheet(detail_rows(campaign), unit_names, group_names, area_names))
    sheets.append(
        info_sheet(
            [
                ("Đợt khảo sát", f"{campaign.code}: {campaign.title}"),
                ("Bộ câu hỏi", pack.code),
                ("Mã băm SHA-256 của bộ câu hỏi", campaign.pack_sha256),
                (
                    "Làm tròn",
                    f"{pack.rounding_digits} chữ số thập phân, {pack.rounding_mode}, ở mức {pack.rounding_stage}",
                ),
                ("Tiêu chí phụ khi bằng điểm", ", ".join(pack.tie_break) or "không (bằng điểm thì đồng hạng)"),
                ("Ngưỡng ẩn danh (k)", pack.anonymity_k),
                ("Thiếu số liệu", "; ".join(result.missing) or "không"),
                ("Thời điểm lập", format_vn(now())),
            ]
        )
    )
    write_workbook(sheets, target)
    return result


def survey_counts(campaign: Campaign) -> tuple[int, int, int]:
    """Questionnaires issued (live links), returned (submitted) and valid."""
    issued = db.session.scalar(
        sa.select(sa.func.count(Invitation.id)).where(
            Invitation.campaign_id == campaign.id, Invitation.revoked_at.is_(None)
        )
    )
    returned = db.session.scalar(sa.select(sa.func.count(Response.id)).where(Response.campaign_id == campaign.id))
    valid = db.session.scalar(
        sa.select(sa.func.count(Response.id)).where(Response.campaign_id == campaign.id, Response.status == "valid")
    )
    return issued or 0, returned or 0, valid or 0


def charts_html(campaign: Campaign) -> str:
    """The standalone offline HTML report of charts."""
    result = compute_campaign_index(campaign)
    _, _, area_names = _names(campaign)
    figures = index_figures(result, detail_rows(campaign), area_names)
    note = "Số liệu mô phỏng." if campaign.title.startswith("[MÔ PHỎNG]") else ""
    return html_report(figures, f"Chỉ số CCHC năm {campaign.pack.year} – {campaign.title}", note)


def write_report_draft(campaign: Campaign, target: str | Path | IO[bytes]) -> IndexResult:
    result = compute_campaign_index(campaign)
    write_report(
        ReportInput(
            result,
            campaign.pack.year,
            f"Báo cáo kết quả xác định Chỉ số cải cách hành chính năm {campaign.pack.year} (dự thảo)",
            survey_counts(campaign),
            campaign.title.startswith("[MÔ PHỎNG]"),
        ),
        target,
    )
    return result
