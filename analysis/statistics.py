"""How sure each unit's survey score is: a bootstrap over responses gives a confidence interval of the
score and the probable range of the unit's rank, and says which adjacent ranks the survey cannot tell
apart. Works on response-level answers (never shown on their own), in floating point: these are
statistics about the official decimal scores, not the scores themselves.

Answers: an AnswerTable (analysis.answers), one row per answer, weight NaN for a "don't know". Questions
table: question, unit_type, points. Resampling is stratified by respondent group: the roster fixes how
many people each group has, so a resample keeps each group's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from scipy import stats

from .answers import AnswerTable, require_answers
from .tables import Table, require_columns

METHODS = ("pooled", "group_weights")


@dataclass(frozen=True)
class UnitInterval:
    unit: str
    unit_type: str
    responses: int
    estimate: float
    low: float
    high: float
    rank: int
    rank_low: int  # best probable rank
    rank_high: int  # worst probable rank


@dataclass(frozen=True)
class AdjacentPair:
    """Two units next to each other in the ranking; `distinguishable` when the difference's CI excludes 0."""

    upper: str
    lower: str
    difference: float
    low: float
    high: float
    distinguishable: bool


@dataclass(frozen=True)
class BootstrapResult:
    confidence: float
    n_resamples: int
    seed: int
    units: tuple[UnitInterval, ...]
    pairs: tuple[AdjacentPair, ...]

    def interval(self, unit: str) -> UnitInterval:
        for u in self.units:
            if u.unit == unit:
                return u
        raise ValueError(f"unit must be one of {[u.unit for u in self.units]}, not {unit!r}")


@dataclass
class _UnitData:
    weights: np.ndarray  # responses × questions, 0 where missing
    valid: np.ndarray  # responses × questions, 1 where an answer with a weight exists
    strata: list[np.ndarray]  # row indices of each group
    stratum_groups: list[str]


def bootstrap_survey_scores(
    answers: AnswerTable,
    questions: Table,
    units: Mapping[str, str],
    *,
    method: str = "pooled",
    group_weights: Mapping[str, float] | None = None,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> BootstrapResult:
    """95 % (or `confidence`) percentile intervals of each unit's survey score, and probable rank ranges.

    `units` maps each unit code to its unit type; ranks are within a unit type, 1 = highest score.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    if n_resamples < 10:
        raise ValueError(f"n_resamples must be at least 10, not {n_resamples}")
    require_answers(answers)
    require_columns(questions, ("question", "unit_type", "points"), "questions")
    weights = {g: float(w) for g, w in (group_weights or {}).items()}
    if method == "group_weights" and not weights:
        raise ValueError("method 'group_weights' needs group_weights")
    by_type: dict[str, list[Mapping]] = defaultdict(list)
    for q in questions:
        by_type[q["unit_type"]].append(q)
    data = _unit_matrices(answers, by_type, units)
    rng = np.random.default_rng(seed)
    alpha = (1 - confidence) / 2
    intervals: list[UnitInterval] = []
    pairs: list[AdjacentPair] = []
    for unit_type, qs in by_type.items():
        codes = [u for u in units if units[u] == unit_type and u in data]
        if not codes:
            continue
        points = np.array([float(q["points"]) for q in qs])
        estimates = np.array([_score(data[u], None, points, method, weights) for u in codes])
        reps = np.column_stack(
            [_score(data[u], _counts(data[u], n_resamples, rng), points, method, weights) for u in codes]
        )
        intervals += _intervals(unit_type, codes, data, estimates, reps, alpha)
        pairs += _adjacent_pairs(codes, estimates, reps, alpha)
    return BootstrapResult(confidence, n_resamples, seed, tuple(intervals), tuple(pairs))


def _intervals(unit_type: str, codes: list[str], data: dict, estimates, reps, alpha: float) -> list[UnitInterval]:
    """Each unit's percentile interval and the range of ranks it takes across the resamples."""
    ranks = stats.rankdata(-reps, axis=1, method="min")
    point_ranks = stats.rankdata(-estimates, method="min").astype(int)
    lows, highs = np.quantile(reps, [alpha, 1 - alpha], axis=0)
    rank_lo, rank_hi = np.quantile(ranks, [alpha, 1 - alpha], axis=0)
    return [
        UnitInterval(
            u,
            unit_type,
            data[u].weights.shape[0],
            float(estimates[i]),
            float(lows[i]),
            float(highs[i]),
            int(point_ranks[i]),
            int(np.floor(rank_lo[i])),
            int(np.ceil(rank_hi[i])),
        )
        for i, u in enumerate(codes)
    ]


def _adjacent_pairs(codes: list[str], estimates, reps, alpha: float) -> list[AdjacentPair]:
    """Neighbours in the ranking, and whether the resampled difference between them excludes 0."""
    order = sorted(range(len(codes)), key=lambda i: (-estimates[i], codes[i]))
    pairs = []
    for a, b in pairwise(order):
        lo, hi = np.quantile(reps[:, a] - reps[:, b], [alpha, 1 - alpha])
        diff = float(estimates[a] - estimates[b])
        pairs.append(AdjacentPair(codes[a], codes[b], diff, float(lo), float(hi), bool(lo > 0 or hi < 0)))
    return pairs


def _unit_matrices(answers: AnswerTable, by_type: Mapping[str, list], units: Mapping[str, str]) -> dict[str, _UnitData]:
    """Each unit's responses × questions matrices, rows in the order the responses first appear."""
    types = list(by_type)
    type_of = np.array([types.index(units[u]) if units.get(u) in by_type else -1 for u in answers.units], dtype=int)
    column = np.full((len(types) + 1, len(answers.questions)), -1)  # last row: a type without questions
    position = {q: i for i, q in enumerate(answers.questions)}
    for t, qs in enumerate(by_type.values()):
        for j, q in enumerate(qs):
            if q["question"] in position:
                column[t, position[q["question"]]] = j
    col = column[type_of[answers.unit], answers.question]
    known = np.array([u in units for u in answers.units], dtype=bool)[answers.unit]
    if not (known & (col >= 0)).all():
        first = int(np.argmax(~known | (col < 0)))
        unit = answers.units[answers.unit[first]]
        if not known[first]:
            raise ValueError(f"answer about unknown unit {unit!r}")
        question = answers.questions[answers.question[first]]
        raise ValueError(f"question {question!r} is not a question of unit type {units[unit]!r}")
    cases = answers.cases()
    by_unit = np.argsort(cases.unit, kind="stable")  # a unit's cases keep their order of appearance
    row = np.empty(len(cases), dtype=np.int64)
    row[by_unit] = np.arange(len(cases))
    width = max((len(qs) for qs in by_type.values()), default=0)
    cell = row[cases.of_answer] * width + col
    if len(cell) and np.bincount(cell).max() > 1:
        raise ValueError("a response answers a question about a unit more than once")
    w, v = np.zeros((len(cases), width)), np.zeros((len(cases), width))
    answered = ~np.isnan(answers.weight)
    w.ravel()[cell[answered]] = answers.weight[answered]
    v.ravel()[cell[answered]] = 1.0
    out = {}
    start = 0
    for code, n in enumerate(np.bincount(cases.unit, minlength=len(answers.units)).tolist()):
        if not n:
            continue
        rows = slice(start, start + n)
        start += n
        k = len(by_type[units[answers.units[code]]])
        groups = cases.group[by_unit[rows]]
        names = sorted((answers.groups[g], g) for g in np.unique(groups).tolist())
        out[answers.units[code]] = _UnitData(
            np.ascontiguousarray(w[rows, :k]),
            np.ascontiguousarray(v[rows, :k]),
            [np.flatnonzero(groups == g) for _, g in names],
            [name for name, _ in names],
        )
    return out


def _counts(d: _UnitData, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """How often each response is drawn in each resample (resamples × responses), within each group."""
    n = d.weights.shape[0]
    counts = np.zeros((n_resamples, n))
    for members in d.strata:
        draws = members[rng.integers(0, len(members), size=(n_resamples, len(members)))]
        flat = (draws + np.arange(n_resamples)[:, None] * n).ravel()
        counts += np.bincount(flat, minlength=n_resamples * n).reshape(n_resamples, n)
    return counts


def _score(d: _UnitData, counts: np.ndarray | None, points: np.ndarray, method: str, weights: Mapping) -> np.ndarray:
    """Σ points × mean weight (questions with no valid answer score 0), for each resample."""
    c = np.ones((1, d.weights.shape[0])) if counts is None else counts
    if method == "pooled":
        mean = _ratio(c @ d.weights, c @ d.valid)
    else:
        num = np.zeros((c.shape[0], d.weights.shape[1]))
        den = np.zeros_like(num)
        for members, g in zip(d.strata, d.stratum_groups, strict=True):
            cg = c[:, members]
            valid = cg @ d.valid[members]
            present = valid > 0
            num += weights.get(g, 0.0) * _ratio(cg @ d.weights[members], valid)
            den += weights.get(g, 0.0) * present
        mean = _ratio(num, den)
    score = mean @ points
    return score[0] if counts is None else score


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=den > 0)
    return out


def response_counts(answers: AnswerTable) -> dict[str, int]:
    """Distinct responses about each unit."""
    counts = np.bincount(require_answers(answers).cases().unit, minlength=len(answers.units))
    return {answers.units[u]: int(n) for u, n in enumerate(counts.tolist()) if n}
