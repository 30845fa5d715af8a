"""Live survey points of each unit, from the tallies (never from individual responses)."""

from __future__ import annotations

import sqlalchemy as sa

from analysis.scoring import QuestionSpec, ScoringRules, TallyRow, UnitScore, score_units

from ...extensions import db
from ...models import AnswerTally, Campaign, Question, RespondentGroup, Unit


def rules_for(campaign: Campaign) -> ScoringRules:
    pack = campaign.pack
    return ScoringRules(
        method=pack.scoring_method,
        digits=pack.rounding_digits,
        mode=pack.rounding_mode,
        stage=pack.rounding_stage,
        group_weights={g.code: g.weight for g in pack.groups if g.weight is not None},
    )


def unit_scores(campaign: Campaign) -> dict[str, UnitScore]:
    """Survey points per unit (by unit code), per area and in total, following the pack's rules."""
    pack = campaign.pack
    units = db.session.execute(
        sa.select(Unit.code, Unit.unit_type).where(Unit.campaign_id == campaign.id).order_by(Unit.id)
    ).all()
    questions = [QuestionSpec(q.code, q.unit_type, q.area, q.points) for q in pack.questions]
    weights = pack.option_weights
    tallies = (TallyRow(u, g, q, weights[q].get(o), n) for u, g, q, o, n in tally_rows(campaign))
    return score_units([(u.code, u.unit_type) for u in units], questions, tallies, rules_for(campaign))


def tally_rows(campaign: Campaign) -> list[tuple[str, str, str, str, int]]:
    """The answer counts by codes: (unit, group, question, option, count), counts above zero only."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(Unit.code, RespondentGroup.code, Question.code, AnswerTally.option_code, AnswerTally.count)
            .join(Unit, Unit.id == AnswerTally.unit_id)
            .join(RespondentGroup, RespondentGroup.id == AnswerTally.group_id)
            .join(Question, Question.id == AnswerTally.question_id)
            .where(AnswerTally.campaign_id == campaign.id, AnswerTally.count > 0)
        )
    ]
