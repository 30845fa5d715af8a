"""Comparisons across the index's units and groups: do respondent groups rate differently
(Kruskal–Wallis), do appraisal and survey points agree (Pearson, Spearman), and which units' self-assessment
exceeds the appraised points most. numpy and scipy load when a comparison runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .tables import Table, require_columns

if TYPE_CHECKING:
    from .answers import AnswerTable


@dataclass(frozen=True)
class GroupDifference:
    """Kruskal–Wallis test of respondents' mean answer weight across groups, with ε² effect size."""

    unit_type: str
    groups: tuple[str, ...]
    sizes: tuple[int, ...]
    medians: tuple[float, ...]
    h: float
    p_value: float
    epsilon_squared: float
    left_out: tuple[str, ...]  # groups with too few responses


def group_differences(
    answers: AnswerTable, units: Mapping[str, str], *, min_responses: int = 3
) -> list[GroupDifference]:
    """Per unit type: do respondent groups rate differently? One value per response × rated unit.

    ε² = H (n + 1) / (n² − 1) (Tomczak & Tomczak 2014), between 0 (no effect) and 1.
    """
    import numpy as np
    from scipy import stats

    from .answers import require_answers, unknown_unit

    require_answers(answers)
    unknown = unknown_unit(answers, units)
    if unknown is not None:
        raise ValueError(f"answer about unknown unit {unknown!r}")
    cases = answers.cases(answered_only=True)
    # Summed in the order of the answers, as a loop adding one weight at a time would: the same floats.
    total = np.bincount(cases.of_answer, weights=answers.weight[cases.rows], minlength=len(cases))
    mean = total / np.bincount(cases.of_answer, minlength=len(cases))
    case_type = np.array([units.get(u) for u in answers.units] + [None], dtype=object)[cases.unit]
    out = []
    for unit_type in sorted(set(case_type.tolist())):
        of_type = case_type == unit_type
        by_group = {
            answers.groups[g]: mean[of_type & (cases.group == g)] for g in np.unique(cases.group[of_type]).tolist()
        }
        kept = sorted(g for g, v in by_group.items() if len(v) >= min_responses)
        left = tuple(sorted(set(by_group) - set(kept)))
        samples = [by_group[g] for g in kept]
        n = sum(len(s) for s in samples)
        if len(kept) < 2 or len(np.unique(np.concatenate(samples))) < 2:
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


@dataclass(frozen=True)
class Correlation:
    n: int
    pearson_r: float
    pearson_p: float
    spearman_rho: float
    spearman_p: float


def component_correlation(rows: Table, x: str = "appraisal", y: str = "survey") -> Correlation:
    """Pearson and Spearman correlation of two columns across units (e.g. appraisal vs survey points)."""
    import numpy as np
    from scipy import stats

    require_columns(rows, (x, y), "rows")
    if len(rows) < 3:
        raise ValueError(f"need at least 3 units, got {len(rows)}")
    xs = np.array([float(r[x]) for r in rows])
    ys = np.array([float(r[y]) for r in rows])
    if xs.std() == 0 or ys.std() == 0:
        raise ValueError(f"column {x if xs.std() == 0 else y!r} is constant: no correlation")
    pr = stats.pearsonr(xs, ys)
    sr = stats.spearmanr(xs, ys)
    return Correlation(len(rows), float(pr.statistic), float(pr.pvalue), float(sr.statistic), float(sr.pvalue))


@dataclass(frozen=True)
class Inflation:
    unit: str
    self_assessed: float
    appraised: float
    gap: float  # self-assessed − appraised
    gap_percent: float  # of the appraised points


def self_assessment_gaps(
    rows: Table,
    unit: str = "unit",
    self_assessed: str = "self_assessed",
    appraised: str = "appraised",
    top: int | None = None,
) -> list[Inflation]:
    """Units whose self-assessment exceeds the appraised points, the largest gap first."""
    require_columns(rows, (unit, self_assessed, appraised), "rows")
    out = []
    for r in rows:
        s, a = float(r[self_assessed]), float(r[appraised])
        if s > a:
            out.append(Inflation(r[unit], s, a, s - a, 100 * (s - a) / a if a else float("inf")))
    out.sort(key=lambda i: (-i.gap, i.unit))
    return out[:top] if top is not None else out
