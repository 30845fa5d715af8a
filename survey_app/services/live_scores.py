"""Live survey points per unit for the dashboard and the API: from the tallies, through the disclosure rule.

One request reads the counters in five statements whatever the number of units or responses: the units,
the groups, the questions' ids, the valid responses per unit × group, and the answer counts summed in SQL
per unit × question (per unit × group × question under group weights), one column per weighted option.
Python then works on units × questions only. The figures are those of `survey.scores.unit_scores`, which
reads every tally row (the tests compare the two).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from analysis.disclosure import disclose, fold_small_groups
from analysis.ranking import competition_ranks
from analysis.scoring import QuestionSpec, ScoringRules, UnitScore, score_sums
from analysis.vntext import name_key

from ..extensions import db
from ..models import AnswerTally, Campaign, Question, RespondentGroup, ResponseCount, Unit
from ..packs import Pack
from .survey.scores import rules_for


@dataclass
class ScoreRow:
    """A unit's live survey points. `disclosed` is False when fewer than k valid responses are about the
    unit (the disclosure rule): its figures are then None and never leave the server."""

    unit_code: str
    unit_name: str
    unit_type: str
    responses: int  # valid responses about the unit (a count: always shown)
    k: int
    total: Decimal | None
    percent: Decimal | None
    rank: int | None
    areas: dict[str, Decimal] | None
    unanswered: int | None
    groups: list[dict]  # displayable group cells after folding groups under k

    @property
    def disclosed(self) -> bool:
        return self.total is not None


def live_scores(campaign: Campaign, unit_code: str | None = None) -> list[ScoreRow]:
    """Survey points per unit, area and total, ranked within each unit type (1, 2, 2, 4), through the
    disclosure rule: a unit with fewer than k valid responses shows no figure and takes no rank.
    (Figures move only in steps of k: the mixer adds responses to the tallies in such batches.)"""
    pack = campaign.pack
    k = pack.anonymity_k
    units = db.session.execute(
        sa.select(Unit.id, Unit.code, Unit.name, Unit.unit_type)
        .where(Unit.campaign_id == campaign.id)
        .order_by(Unit.id)
    ).all()
    groups = db.session.execute(
        sa.select(RespondentGroup.id, RespondentGroup.code).where(RespondentGroup.campaign_id == campaign.id)
    ).all()
    scores = live_unit_scores(campaign, units, groups)
    per_group = _valid_per_group(campaign, pack, units, groups)
    rows = []
    for _, code, name, utype in units:
        s, counts = scores[code], per_group.get(code, {})
        responses = sum(counts.values())
        if disclose(responses, k).shown:
            shown = [{"groups": list(c.groups), "responses": c.responses} for c in fold_small_groups(counts, k)]
            areas = {a: v.points for a, v in s.areas.items()}
            rows.append(ScoreRow(code, name, utype, responses, k, s.total, s.percent, 0, areas, s.unanswered, shown))
        else:
            rows.append(ScoreRow(code, name, utype, responses, k, None, None, None, None, None, []))
    for utype in {r.unit_type for r in rows}:
        same = [r for r in rows if r.unit_type == utype and r.disclosed]
        for r, rank in zip(same, competition_ranks([r.total for r in same]), strict=True):
            r.rank = rank
    rows.sort(key=lambda r: (r.unit_type, r.rank is None, r.rank or 0, name_key(r.unit_name)))
    return [r for r in rows if unit_code is None or r.unit_code == unit_code]


def _valid_per_group(campaign: Campaign, pack: Pack, units, groups) -> dict[str, dict[str, int]]:
    """Valid responses per unit code and group code, for every group that rates the unit (0 when none)."""
    valid = {
        (u, g): n
        for u, g, n in db.session.execute(
            sa.select(ResponseCount.unit_id, ResponseCount.group_id, ResponseCount.responses).where(
                ResponseCount.campaign_id == campaign.id
            )
        )
    }
    rating = [(gid, code, pack.group_by_code[code].target_type()) for gid, code in groups]
    return {
        code: {g: valid.get((uid, gid), 0) for gid, g, target in rating if target == utype}
        for uid, code, _, utype in units
        if any(target == utype for _, _, target in rating)
    }


@dataclass(frozen=True)
class _Plan:
    """What live scoring needs from a pack, derived once per pack hash (the content under a hash never changes)
    and database dialect."""

    questions: tuple[QuestionSpec, ...]
    rules: ScoringRules
    weights: dict[str, tuple[Decimal | None, ...]]  # question code → its weight of each pivoted option
    statement: sa.Select


_PLANS: dict[tuple[str, str], _Plan] = {}


def _plan(campaign: Campaign) -> _Plan:
    key = (campaign.pack_sha256, db.session.get_bind().dialect.name)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _make_plan(campaign.pack, rules_for(campaign), key[1])
    return plan


def _make_plan(pack: Pack, rules: ScoringRules, dialect: str) -> _Plan:
    weighted = pack.option_weights
    options = tuple(sorted({o for by_option in weighted.values() for o, w in by_option.items() if w is not None}))
    return _Plan(
        questions=tuple(QuestionSpec(q.code, q.unit_type, q.area, q.points) for q in pack.questions),
        rules=rules,
        weights={q: tuple(by_option.get(o) for o in options) for q, by_option in weighted.items()},
        statement=_counts_statement(options, rules.method == "pooled", dialect),
    )


def _counts_statement(options: tuple[str, ...], pooled: bool, dialect: str) -> sa.Select:
    """(unit id, [group id,] question id, answers, answers of each of `options`) for one campaign; pooled:
    summed over the groups. On SQLite the groups are summed in two steps: first in the primary key's order
    (no sort), then the far fewer rows, which is cheaper than sorting every tally row."""
    t = AnswerTally.__table__
    of_option = (sa.func.sum(t.c.count).filter(t.c.option_code == o) for o in options)  # NULL: none of it
    sums = [sa.func.sum(t.c.count).label("n"), *(n.label(f"n{i}") for i, n in enumerate(of_option))]
    where = (t.c.campaign_id == sa.bindparam("campaign_id"), t.c.count > 0)
    if pooled and dialect != "sqlite":
        return sa.select(t.c.unit_id, t.c.question_id, *sums).where(*where).group_by(t.c.unit_id, t.c.question_id)
    cell_keys = (t.c.unit_id, t.c.group_id, t.c.question_id)
    per_cell = sa.select(*cell_keys, *sums).where(*where).group_by(*cell_keys)
    if not pooled:
        return per_cell
    cell = per_cell.subquery()
    return sa.select(cell.c.unit_id, cell.c.question_id, *(sa.func.sum(c) for c in list(cell.c)[3:])).group_by(
        cell.c.unit_id, cell.c.question_id
    )


# The last scores per campaign id, with every input they were computed from: answer counts, units,
# groups and question ids, pack. Reused only when all of these are equal, so never stale.
_LAST: dict[int, tuple[tuple, dict[str, UnitScore]]] = {}


def live_unit_scores(campaign: Campaign, units, groups) -> dict[str, UnitScore]:
    """`unit_scores` of the campaign's (id, code, name, unit type) `units`, with its (id, code) `groups`,
    from answer counts summed in SQL. Read-only results: equal counts give the very same objects again."""
    plan = _plan(campaign)
    questions = tuple(
        db.session.execute(sa.select(Question.id, Question.code).where(Question.campaign_id == campaign.id))
    )
    counts = list(map(tuple, db.session.execute(plan.statement, {"campaign_id": campaign.id}).all()))
    inputs = (campaign.pack_sha256, tuple(map(tuple, units)), tuple(map(tuple, groups)), questions, counts)
    last = _LAST.get(campaign.id)
    if last is not None and last[0] == inputs:
        return last[1]
    scores = score_sums(
        [(code, utype) for _, code, _, utype in units],
        plan.questions,
        _sums(plan, counts, {uid: code for uid, code, _, _ in units}, dict(questions), dict(groups)),
        plan.rules,
    )
    _LAST[campaign.id] = (inputs, scores)
    return scores


def _sums(plan: _Plan, counts: list[tuple], unit_code: dict, question_code: dict, group_code: dict) -> dict:
    """sums[unit][question][group] = [Σ weight × count, valid, don't know] from the summed answer counts;
    pooled: one entry (group "") for all the groups of a question."""
    per_group = plan.rules.method != "pooled"
    sums: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(dict))
    for row in counts:
        if per_group:
            uid, gid, qid, total, *by_option = row
            group = group_code.get(gid)
        else:
            (uid, qid, total, *by_option), group = row, ""
        unit, question = unit_code.get(uid), question_code.get(qid)
        if unit is None or question is None or group is None:
            continue
        weighted, valid = Decimal(0), 0
        for w, n in zip(plan.weights[question], by_option, strict=True):
            if n and w is not None:
                weighted += w * n
                valid += n
        sums[unit][question][group] = [weighted, valid, int(total) - valid]
    return sums
