"""Survey points from answer counts: mean option weight × question points, per pack rules.

Works on counts, never on individual responses, so its cost depends on units × questions × options.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

METHODS = ("pooled", "group_weights")
STAGES = ("question", "area", "total")
MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


@dataclass(frozen=True)
class ScoringRules:
    """The pack's scoring and rounding rules."""

    method: str = "pooled"
    digits: int = 2
    mode: str = "half_up"
    stage: str = "question"
    group_weights: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, not {self.stage!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {tuple(MODES)}, not {self.mode!r}")

    def round(self, value: Decimal) -> Decimal:
        return value.quantize(Decimal(1).scaleb(-self.digits), rounding=MODES[self.mode])


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    unit_type: str
    area: str
    points: Decimal


@dataclass(frozen=True)
class TallyRow:
    """`count` answers chose an option of weight `weight` (None: "don't know") for one unit × group × question."""

    unit: str
    group: str
    question: str
    weight: Decimal | None
    count: int


@dataclass(frozen=True)
class QuestionScore:
    mean_weight: Decimal | None  # None when no valid answer
    valid: int
    dont_know: int
    points: Decimal  # rounded when the rounding stage is 'question'


@dataclass(frozen=True)
class AreaScore:
    points: Decimal
    max_points: Decimal


@dataclass(frozen=True)
class UnitScore:
    unit: str
    unit_type: str
    areas: dict[str, AreaScore]
    total: Decimal
    max_points: Decimal
    percent: Decimal
    questions: dict[str, QuestionScore]
    unanswered: int  # questions with no valid answer yet (they score 0)


def score_units(
    units: Sequence[tuple[str, str]],
    questions: Sequence[QuestionSpec],
    tallies: Iterable[TallyRow],
    rules: ScoringRules,
) -> dict[str, UnitScore]:
    """Score every (unit code, unit type) in `units` from the tallies, following `rules`."""
    # sums[unit][question][group] = [weighted sum, valid n, don't-know n]
    sums: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(dict))
    for t in tallies:
        acc = sums[t.unit][t.question].setdefault(t.group, [Decimal(0), 0, 0])
        if t.weight is None:
            acc[2] += t.count
        else:
            acc[0] += t.weight * t.count
            acc[1] += t.count
    return score_sums(units, questions, sums, rules)


def score_sums(
    units: Sequence[tuple[str, str]],
    questions: Sequence[QuestionSpec],
    sums: Mapping[str, Mapping[str, Mapping[str, list]]],
    rules: ScoringRules,
) -> dict[str, UnitScore]:
    """`score_units` from counts already summed: sums[unit][question][group] = [Σ weight × count, valid
    count, don't-know count]. Under the pooled method the groups of a question may come summed as one."""
    by_type: dict[str, list[QuestionSpec]] = defaultdict(list)
    for q in questions:
        by_type[q.unit_type].append(q)
    return {code: _score_unit(code, utype, by_type[utype], sums.get(code, {}), rules) for code, utype in units}


def _score_unit(code: str, utype: str, questions: list[QuestionSpec], sums: dict, rules: ScoringRules) -> UnitScore:
    q_scores: dict[str, QuestionScore] = {}
    area_exact: dict[str, Decimal] = defaultdict(Decimal)
    area_max: dict[str, Decimal] = defaultdict(Decimal)
    unanswered = 0
    for q in questions:
        mean, valid, dont_know = _mean_weight(sums.get(q.code, {}), rules)
        exact = q.points * mean if mean is not None else Decimal(0)
        unanswered += mean is None
        points = rules.round(exact) if rules.stage == "question" else exact
        q_scores[q.code] = QuestionScore(mean, valid, dont_know, points)
        area_exact[q.area] += points
        area_max[q.area] += q.points
    if rules.stage == "total":
        total = rules.round(sum(area_exact.values(), Decimal(0)))
        areas = {a: AreaScore(rules.round(v), area_max[a]) for a, v in area_exact.items()}
    else:
        areas = {a: AreaScore(rules.round(v), area_max[a]) for a, v in area_exact.items()}
        total = sum((a.points for a in areas.values()), Decimal(0))
    max_points = sum(area_max.values(), Decimal(0))
    percent = rules.round(total * 100 / max_points) if max_points else Decimal(0)
    return UnitScore(code, utype, areas, total, max_points, percent, q_scores, unanswered)


def _mean_weight(by_group: dict[str, list], rules: ScoringRules) -> tuple[Decimal | None, int, int]:
    valid = sum(acc[1] for acc in by_group.values())
    dont_know = sum(acc[2] for acc in by_group.values())
    if valid == 0:
        return None, valid, dont_know
    if rules.method == "pooled":
        return sum(acc[0] for acc in by_group.values()) / valid, valid, dont_know
    # group_weights: each group's mean, weighted; groups with no valid answer drop out and the
    # remaining weights are rescaled to 1.
    present = {g: acc for g, acc in by_group.items() if acc[1] > 0}
    weights = {g: Decimal(rules.group_weights.get(g, 0)) for g in present}
    total_weight = sum(weights.values())
    if total_weight == 0:
        raise ValueError(f"no weight for groups {sorted(present)} under method group_weights")
    mean = sum(weights[g] * acc[0] / acc[1] for g, acc in present.items()) / total_weight
    return mean, valid, dont_know
