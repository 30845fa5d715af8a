"""The statistics of a campaign's index, as an explicit step: the bootstrap and the other tests read
every valid answer and resample them, so they run when a user asks (`flask index stats`, the button
on the index page) and are stored with the campaign and the time they were made. Page views only
read what was stored."""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ...extensions import db
from ...models import Answer, Campaign, IndexStatistics, Question, RespondentGroup, Response, ResponseStatus, Unit
from ...timeutil import aware, now
from .. import audit
from ..progress import Progress, Ticker
from .read_model import IndexReadModel, question_table

if TYPE_CHECKING:  # numpy and scipy load when statistics are computed or shown, not with the app
    from analysis.answers import AnswerTable
    from analysis.comparisons import Correlation, GroupDifference, Inflation
    from analysis.reliability import AlphaResult
    from analysis.statistics import BootstrapResult

log = logging.getLogger(__name__)

CHUNK = 50_000  # answers read at a time: a few MB of rows, whatever the campaign's size


@dataclass(frozen=True)
class CampaignStatistics:
    computed_at: datetime
    responses: int  # valid responses they were computed from
    bootstrap: BootstrapResult | None
    alphas: list[AlphaResult]
    groups: list[GroupDifference]
    correlation: Correlation | None
    inflation: list[Inflation]


def compute_statistics(
    model: IndexReadModel, n_resamples: int = 1000, seed: int = 2024, progress: Progress | None = None
) -> CampaignStatistics:
    """Bootstrap intervals and rank ranges, alpha per area, group differences, correlation, inflation;
    stored with the campaign (replacing the previous ones) and committed. `progress`: phase
    index.statistics, four steps (the answers read, the bootstrap, the other tests, stored)."""
    from analysis.comparisons import component_correlation, group_differences, self_assessment_gaps
    from analysis.reliability import area_alphas
    from analysis.statistics import bootstrap_survey_scores

    campaign = model.campaign
    pack = campaign.pack
    units = {u["unit"]: u["unit_type"] for u in model.data.units}
    ticker = Ticker(progress, 4, "index.statistics")
    answers = response_answers(campaign)
    ticker.step()
    questions = question_table(pack)
    shown = {u.unit: u.unit_type for u in model.result.units}  # units under k get no interval
    boot = None
    if len(answers) and shown:
        boot = bootstrap_survey_scores(
            answers.only_units(shown),
            questions,
            shown,
            method=pack.scoring_method,
            group_weights={g.code: g.weight for g in pack.groups if g.weight is not None},
            n_resamples=n_resamples,
            seed=seed,
        )
    ticker.step()
    rows = [dict(unit=u.unit, appraisal=u.appraisal, survey=u.survey) for u in model.result.units]
    try:
        correlation = component_correlation(rows) if any(r["appraisal"] for r in rows) else None
    except ValueError:
        correlation = None
    stats = CampaignStatistics(
        now(),
        answers.response_count,
        boot,
        area_alphas(answers, questions, units) if len(answers) else [],
        group_differences(answers, units, min_responses=pack.anonymity_k) if len(answers) else [],
        correlation,
        self_assessment_gaps(model.data.self_assessment, top=5),
    )
    ticker.step()
    row = db.session.get(IndexStatistics, campaign.id) or IndexStatistics(campaign_id=campaign.id)
    row.computed_at, row.n_resamples, row.seed, row.responses = stats.computed_at, n_resamples, seed, stats.responses
    row.payload = _payload(stats)
    db.session.add(row)
    audit.record("index.statistics", campaign.code, resamples=n_resamples, responses=stats.responses)
    db.session.commit()
    ticker.finish()
    log.info("campaign %s: statistics computed from %d responses", campaign.code, stats.responses)
    return stats


def stored_statistics(campaign: Campaign) -> CampaignStatistics | None:
    """The statistics last computed for the campaign, or None."""
    row = db.session.get(IndexStatistics, campaign.id)
    return None if row is None else _from_payload(row)


def response_answers(campaign: Campaign) -> AnswerTable:
    """Every answer of a valid response as integer-coded columns, read in chunks of CHUNK rows: the ids
    are mapped to the campaign's codes and the options to their weights a chunk at a time."""
    from analysis.answers import AnswerTable

    def codes(model) -> dict[int, str]:
        return dict(db.session.execute(sa.select(model.id, model.code).where(model.campaign_id == campaign.id)).all())

    query = (
        sa.select(Answer.response_id, Answer.unit_id, Response.group_id, Answer.question_id, Answer.option_code)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign.id, Response.status == ResponseStatus.VALID)
        .execution_options(yield_per=CHUNK)
    )
    units, groups, questions = codes(Unit), codes(RespondentGroup), codes(Question)
    result = db.session.connection().execute(query)  # Core rows, streamed (a server-side cursor on PostgreSQL)
    return AnswerTable.from_chunks(
        result.partitions(), units=units, groups=groups, questions=questions, weights=campaign.pack.option_weights
    )


def _payload(stats: CampaignStatistics) -> dict:
    out = asdict(stats)
    out.pop("computed_at")
    out.pop("responses")
    return _finite(out)


def _finite(value):
    """JSON (and PostgreSQL) have no infinity: a gap over 0 appraised points is stored as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _from_payload(row: IndexStatistics) -> CampaignStatistics:
    from analysis.comparisons import Correlation, GroupDifference, Inflation
    from analysis.reliability import AlphaResult
    from analysis.statistics import AdjacentPair, BootstrapResult, UnitInterval

    p = row.payload
    boot = p.get("bootstrap")
    if boot is not None:
        boot = BootstrapResult(
            boot["confidence"],
            boot["n_resamples"],
            boot["seed"],
            tuple(UnitInterval(**u) for u in boot["units"]),
            tuple(AdjacentPair(**a) for a in boot["pairs"]),
        )
    groups = [
        GroupDifference(**(g | {k: tuple(g[k]) for k in ("groups", "sizes", "medians", "left_out")}))
        for g in p.get("groups", [])
    ]
    return CampaignStatistics(
        aware(row.computed_at),
        row.responses,
        boot,
        [AlphaResult(**a) for a in p.get("alphas", [])],
        groups,
        Correlation(**p["correlation"]) if p.get("correlation") else None,
        [Inflation(**i) for i in p.get("inflation", [])],
    )
