"""Statistics of a campaign's index, from valid responses and the computed index (see analysis/)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from analysis.index import IndexResult
from analysis.reliability import AlphaResult, area_alphas
from analysis.statistics import (
    BootstrapResult,
    Correlation,
    GroupDifference,
    Inflation,
    bootstrap_survey_scores,
    component_correlation,
    group_differences,
    self_assessment_gaps,
)

from ..extensions import db
from ..models import Campaign, Unit
from .index import compute_campaign_index, index_data, question_table, response_answers


@dataclass(frozen=True)
class CampaignStatistics:
    bootstrap: BootstrapResult | None
    alphas: list[AlphaResult]
    groups: list[GroupDifference]
    correlation: Correlation | None
    inflation: list[Inflation]


def campaign_statistics(
    campaign: Campaign, n_resamples: int = 1000, seed: int = 2024, result: IndexResult | None = None
) -> CampaignStatistics:
    """Bootstrap intervals and rank ranges, alpha per area, group differences, correlation, inflation."""
    pack = campaign.pack
    units = dict(db.session.execute(sa.select(Unit.code, Unit.unit_type).where(Unit.campaign_id == campaign.id)).all())
    answers = response_answers(campaign)
    questions = question_table(campaign)
    boot = None
    if answers:
        boot = bootstrap_survey_scores(
            answers,
            questions,
            units,
            method=pack.scoring_method,
            group_weights={g.code: g.weight for g in pack.groups if g.weight is not None},
            n_resamples=n_resamples,
            seed=seed,
        )
    result = result or compute_campaign_index(campaign)
    rows = [dict(unit=u.unit, appraisal=u.appraisal, survey=u.survey) for u in result.units]
    try:
        correlation = component_correlation(rows) if any(r["appraisal"] for r in rows) else None
    except ValueError:
        correlation = None
    return CampaignStatistics(
        boot,
        area_alphas(answers, questions, units) if answers else [],
        group_differences(answers, units, min_responses=pack.anonymity_k) if answers else [],
        correlation,
        self_assessment_gaps(index_data(campaign).self_assessment, top=5),
    )
