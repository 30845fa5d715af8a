"""The index read model: one function reads the campaign's index data from the database once
(units, areas, survey points from the tallies, appraisal, satisfaction, last year, the survey detail,
the questionnaires counted) and computes the index; the workbook, the report, the charts, the admin
page and the CLI all take the same object."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import sqlalchemy as sa

from analysis.disclosure import Sample
from analysis.index import BandRule, IndexResult, IndexRules, compute_index
from analysis.index_summary import AreaStat, SurveySummary, TypeSummary, area_stats, survey_summary, type_summary
from analysis.survey_detail import DetailRow, survey_detail

from ...extensions import db
from ...models import (
    AppraisalPoint,
    Campaign,
    Invitation,
    LastYearResult,
    RespondentGroup,
    Response,
    ResponseCount,
    ResponseStatus,
    SatisfactionScore,
    Unit,
)
from ...packs import Pack
from ..progress import Progress, Ticker
from ..survey.scores import tally_rows, unit_scores


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
    sample: Sample  # valid responses per unit, k: the disclosure rule's input
    derived_last_bands: tuple[str, ...] = ()  # last year's codes whose group came from their total


@dataclass(frozen=True)
class Questionnaires:
    """Issued (live links), returned (submitted) and valid: the decision's 'phát ra / thu về / hợp lệ'."""

    issued: int
    returned: int
    valid: int


@dataclass(frozen=True)
class IndexReadModel:
    campaign: Campaign
    data: IndexData
    result: IndexResult
    detail: list[DetailRow]
    unit_names: dict[str, str]
    group_names: dict[str, str]
    area_names: dict[str, str]
    questionnaires: Questionnaires
    missing: dict[str, list[str]] = field(default_factory=dict)  # source → units without any points

    @property
    def derived_last_bands(self) -> tuple[str, ...]:
        """Last year's units whose group the file did not give: derived from their total (say so)."""
        return self.data.derived_last_bands

    @property
    def pack(self) -> Pack:
        return self.campaign.pack

    @property
    def simulated(self) -> bool:
        return self.campaign.simulated

    @cached_property
    def types(self) -> list:
        """The unit types that have units, in pack order."""
        return [t for t in self.result.types if self.result.of_type(t.code)]

    @cached_property
    def summaries(self) -> dict[str, tuple[TypeSummary, SurveySummary, list[AreaStat]]]:
        """Per unit type: the general results, the survey section and the areas (the decision's text)."""
        r = self.result
        return {t.code: (type_summary(r, t.code), survey_summary(r, t.code), area_stats(r, t.code)) for t in self.types}


def index_rules(pack: Pack) -> IndexRules:
    return IndexRules(
        pack.rounding_digits,
        pack.rounding_mode,
        pack.rounding_stage,
        tuple(BandRule(b.code, b.name, b.min_percent) for b in pack.bands),
        pack.tie_break,
    )


def build_index(campaign: Campaign, progress: Progress | None = None) -> IndexReadModel:
    """Read everything once and compute the index: the one entry point of every index output. `progress`:
    phase index.build, four steps (the data, the index, the survey detail, the questionnaires counted)."""
    pack = campaign.pack
    ticker = Ticker(progress, 4, "index.build")
    data = index_data(campaign)
    ticker.step()
    result = compute_index(
        data.units,
        data.unit_types,
        data.areas,
        data.points,
        data.rules,
        data.last_year,
        data.code_map,
        data.not_applicable,
        data.sample,
    )
    ticker.step()
    missing: dict[str, list[str]] = defaultdict(list)
    for entry in result.missing:  # "UNIT: source"
        unit, _, source = entry.partition(": ")
        missing[source].append(unit)
    detail = _detail_rows(campaign)
    ticker.step()
    questionnaires = _questionnaires(campaign)
    ticker.finish()
    return IndexReadModel(
        campaign,
        data,
        result,
        detail,
        {u["unit"]: u["name"] for u in data.units},
        {g.code: g.name for g in pack.groups},
        {a.code: a.name for t in pack.unit_types for a in t.areas},
        questionnaires,
        dict(missing),
    )


def index_data(campaign: Campaign) -> IndexData:
    pack = campaign.pack
    units = db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id).order_by(Unit.id)).all()
    code_of = {u.id: u.code for u in units}
    type_of = {u.id: u.unit_type for u in units}
    points: list[dict] = []
    for code, score in unit_scores(campaign).items():
        points += [dict(unit=code, area=a, source="survey", points=s.points) for a, s in score.areas.items()]
    na: dict[str, Decimal] = defaultdict(Decimal)
    sums: dict[str, list] = defaultdict(lambda: [Decimal(0), Decimal(0), True])
    for p in db.session.scalars(sa.select(AppraisalPoint).where(AppraisalPoint.campaign_id == campaign.id)):
        unit = code_of[p.unit_id]
        points.append(dict(unit=unit, area=p.area, source="appraisal", points=p.appraised))
        na[unit] += p.not_applicable
        acc = sums[unit]
        acc[0] += p.self_assessed or 0
        acc[1] += p.appraised
        acc[2] = acc[2] and p.self_assessed is not None
    for s in db.session.scalars(sa.select(SatisfactionScore).where(SatisfactionScore.campaign_id == campaign.id)):
        rule = pack.satisfaction_for(type_of[s.unit_id])
        points.append(dict(unit=code_of[s.unit_id], area=rule.area, source="satisfaction", points=s.points))
    last = db.session.scalars(sa.select(LastYearResult).where(LastYearResult.campaign_id == campaign.id)).all()
    rules = index_rules(pack)
    last_year, derived = _last_year_rows(pack, rules, last, {u.code: u.unit_type for u in units})
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
        last_year=last_year,
        code_map={r.old_code: r.new_code for r in last if r.new_code},
        not_applicable=dict(na),
        rules=rules,
        self_assessment=[dict(unit=u, self_assessed=a[0], appraised=a[1]) for u, a in sums.items() if a[2]],
        sample=_sample(campaign),
        derived_last_bands=derived,
    )


def _sample(campaign: Campaign) -> Sample:
    responses: dict[str, int] = defaultdict(int)
    for unit, _, n in response_counts(campaign):
        responses[unit] += n
    return Sample(dict(responses), campaign.pack.anonymity_k, campaign.pack.publish_below_k)


def response_counts(campaign: Campaign) -> list[tuple[str, str, int]]:
    """Valid responses about each unit, per respondent group: (unit code, group code, count)."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(Unit.code, RespondentGroup.code, ResponseCount.responses)
            .join(Unit, Unit.id == ResponseCount.unit_id)
            .join(RespondentGroup, RespondentGroup.id == ResponseCount.group_id)
            .where(ResponseCount.campaign_id == campaign.id)
        )
    ]


def _last_year_rows(
    pack: Pack, rules: IndexRules, last: list[LastYearResult], type_of: dict[str, str]
) -> tuple[list[dict], tuple[str, ...]]:
    """Last year's rows for the comparison. A row without a group (the file had no 'Nhóm' column, or
    left it empty) gets the group its total falls in by this campaign's bands, as a percentage of its
    unit type's maximum; without that, every unit would count as having joined its group this year."""
    rows, derived = [], []
    for r in last:
        if not r.new_code:
            continue
        band = r.band
        if band is None and rules.bands and r.new_code in type_of:
            maximum = pack.unit_type_by_code[type_of[r.new_code]].total_points
            found = rules.band_of(rules.round(r.total * 100 / maximum))
            band = found.code if found else None
            derived.append(r.old_code)
        rows.append(dict(unit=r.old_code, total=r.total, rank=r.rank, band=band))
    return rows, tuple(sorted(derived))


def question_table(pack: Pack) -> list[dict]:
    return [dict(question=q.code, unit_type=q.unit_type, area=q.area, points=q.points) for q in pack.questions]


def _detail_rows(campaign: Campaign) -> list[DetailRow]:
    """The survey detail from the tallies (valid responses only), small groups folded under k."""
    pack = campaign.pack
    weight = pack.option_weights
    tallies = [
        dict(unit=u, group=g, question=q, option=o, weight=weight[q].get(o), count=n)
        for u, g, q, o, n in tally_rows(campaign)
    ]
    counts = [dict(unit=u, group=g, responses=n) for u, g, n in response_counts(campaign)]
    return survey_detail(tallies, question_table(pack), counts, pack.anonymity_k)


def _questionnaires(campaign: Campaign) -> Questionnaires:
    issued = db.session.scalar(
        sa.select(sa.func.count(Invitation.id)).where(
            Invitation.campaign_id == campaign.id, Invitation.revoked_at.is_(None)
        )
    )
    by_status = dict(
        db.session.execute(
            sa.select(Response.status, sa.func.count())
            .where(Response.campaign_id == campaign.id)
            .group_by(Response.status)
        ).all()
    )
    return Questionnaires(issued or 0, sum(by_status.values()), by_status.get(ResponseStatus.VALID, 0))
