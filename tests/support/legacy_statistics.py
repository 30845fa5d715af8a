"""The statistics as they were before the answers became columns (analysis/ at commit be9be1f, when
`bootstrap_survey_scores`, `area_alphas` and `group_differences` read one dict per answer), kept
verbatim (but for the alpha notes, codes since) as the reference the vectorised versions must equal,
float for float. Only what did not change
is imported (the result types, _UnitData, cronbach_alpha); the functions, the resampling helpers
included, are copied as they were.
"""
# ruff: noqa

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np
from scipy import stats

from analysis.comparisons import GroupDifference
from analysis.reliability import AlphaResult, cronbach_alpha
from analysis.statistics import METHODS, AdjacentPair, BootstrapResult, UnitInterval, _UnitData
from analysis.tables import Table, require_columns


def bootstrap_survey_scores(
    answers: Table,
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
    require_columns(answers, ("response", "unit", "group", "question", "weight"), "answers")
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


def _unit_matrices(answers: Table, by_type: Mapping[str, list], units: Mapping[str, str]) -> dict[str, _UnitData]:
    col = {t: {q["question"]: i for i, q in enumerate(qs)} for t, qs in by_type.items()}
    rows: dict[str, dict[str, int]] = defaultdict(dict)
    group_of: dict[str, dict[str, str]] = defaultdict(dict)
    cells: dict[str, list[tuple[int, int, float | None]]] = defaultdict(list)
    for a in answers:
        unit = a["unit"]
        if unit not in units:
            raise ValueError(f"answer about unknown unit {unit!r}")
        j = col.get(units[unit], {}).get(a["question"])
        if j is None:
            raise ValueError(f"question {a['question']!r} is not a question of unit type {units[unit]!r}")
        i = rows[unit].setdefault(a["response"], len(rows[unit]))
        group_of[unit][a["response"]] = a["group"]
        cells[unit].append((i, j, None if a["weight"] is None else float(a["weight"])))
    out = {}
    for unit, index in rows.items():
        shape = (len(index), len(col[units[unit]]))
        w, v = np.zeros(shape), np.zeros(shape)
        for i, j, weight in cells[unit]:
            if weight is not None:
                w[i, j], v[i, j] = weight, 1.0
        groups: dict[str, list[int]] = defaultdict(list)
        for response, i in index.items():
            groups[group_of[unit][response]].append(i)
        names = sorted(groups)
        out[unit] = _UnitData(w, v, [np.array(groups[g]) for g in names], names)
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


def response_counts(answers: Sequence[Mapping]) -> dict[str, int]:
    """Distinct responses about each unit."""
    seen: dict[str, set] = defaultdict(set)
    for a in answers:
        seen[a["unit"]].add(a["response"])
    return {u: len(s) for u, s in seen.items()}


def area_alphas(answers: Table, questions: Table, units: dict[str, str], *, min_cases: int = 3) -> list[AlphaResult]:
    """Cronbach's alpha of every area of every unit type (areas with one question are noted)."""
    require_columns(answers, ("response", "unit", "question", "weight"), "answers")
    require_columns(questions, ("question", "unit_type", "area"), "questions")
    items: dict[tuple[str, str], list[str]] = defaultdict(list)
    for q in questions:
        items[(q["unit_type"], q["area"])].append(q["question"])
    cases: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for a in answers:
        if a["unit"] not in units:
            raise ValueError(f"answer about unknown unit {a['unit']!r}")
        if a["weight"] is not None:
            cases[(a["response"], a["unit"])][a["question"]] = float(a["weight"])
    by_type: dict[str, list[dict[str, float]]] = defaultdict(list)
    for (_, unit), answered in cases.items():
        by_type[units[unit]].append(answered)
    out = []
    for (unit_type, area), codes in items.items():
        if len(codes) < 2:
            out.append(AlphaResult(unit_type, area, len(codes), 0, None, "one_question"))
            continue
        rows = [[c[q] for q in codes] for c in by_type.get(unit_type, []) if all(q in c for q in codes)]
        if len(rows) < min_cases:
            out.append(AlphaResult(unit_type, area, len(codes), len(rows), None, "too_few_complete"))
            continue
        try:
            out.append(AlphaResult(unit_type, area, len(codes), len(rows), cronbach_alpha(rows)))
        except ValueError:
            out.append(AlphaResult(unit_type, area, len(codes), len(rows), None, "no_variance"))
    return out


def group_differences(answers: Table, units: Mapping[str, str], *, min_responses: int = 3) -> list[GroupDifference]:
    """Per unit type: do respondent groups rate differently? One value per response × rated unit.

    ε² = H (n + 1) / (n² − 1) (Tomczak & Tomczak 2014), between 0 (no effect) and 1.
    """
    import numpy as np
    from scipy import stats

    require_columns(answers, ("response", "unit", "group", "weight"), "answers")
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    group_of: dict[tuple[str, str], str] = {}
    for a in answers:
        if a["unit"] not in units:
            raise ValueError(f"answer about unknown unit {a['unit']!r}")
        if a["weight"] is not None:
            acc = sums[(a["response"], a["unit"])]
            acc[0] += float(a["weight"])
            acc[1] += 1
            group_of[(a["response"], a["unit"])] = a["group"]
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for key, (total, n) in sums.items():
        values[units[key[1]]][group_of[key]].append(total / n)
    out = []
    for unit_type in sorted(values):
        by_group = values[unit_type]
        kept = sorted(g for g, v in by_group.items() if len(v) >= min_responses)
        left = tuple(sorted(set(by_group) - set(kept)))
        samples = [by_group[g] for g in kept]
        n = sum(len(s) for s in samples)
        if len(kept) < 2 or len({x for s in samples for x in s}) < 2:
            continue
        h, p = stats.kruskal(*samples)
        out.append(
            GroupDifference(
                unit_type,
                tuple(kept),
                tuple(len(s) for s in samples),
                tuple(float(np.median(s)) for s in samples),
                float(h),
                float(p),
                float(h * (n + 1) / (n * n - 1)),
                left,
            )
        )
    return out
