"""Internal consistency of each area's questions (Cronbach's alpha) per unit type.

Answers come as an AnswerTable (analysis.answers). A case is one response about one unit; cases missing
an item ("don't know", or a question their group does not see) are left out (listwise), and the result
says how many cases remained.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .answers import AnswerTable, require_answers, unknown_unit
from .tables import Table, require_columns


@dataclass(frozen=True)
class AlphaResult:
    unit_type: str
    area: str
    items: int
    cases: int
    alpha: float | None  # None when it cannot be computed (see `note`)
    note: str = ""  # why not: one_question, too_few_complete, no_variance (index_admin/texts.ALPHA_NOTES)


def cronbach_alpha(matrix: Sequence[Sequence[float]]) -> float:
    """α = k/(k−1) · (1 − Σ item variances / variance of the sum), sample variances (ddof 1)."""
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[1] < 2 or x.shape[0] < 2:
        raise ValueError(f"need at least 2 cases × 2 items, got shape {x.shape}")
    k = x.shape[1]
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        raise ValueError("the summed scores do not vary: alpha is undefined")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def area_alphas(
    answers: AnswerTable, questions: Table, units: Mapping[str, str], *, min_cases: int = 3
) -> list[AlphaResult]:
    """Cronbach's alpha of every area of every unit type (areas with one question are noted)."""
    require_answers(answers)
    require_columns(questions, ("question", "unit_type", "area"), "questions")
    items: dict[tuple[str, str], list[str]] = defaultdict(list)
    for q in questions:
        items[(q["unit_type"], q["area"])].append(q["question"])
    unknown = unknown_unit(answers, units)
    if unknown is not None:
        raise ValueError(f"answer about unknown unit {unknown!r}")
    matrices = _case_matrices(answers, items, units)
    out = []
    for (unit_type, area), codes in items.items():
        if len(codes) < 2:
            out.append(AlphaResult(unit_type, area, len(codes), 0, None, "one_question"))
            continue
        columns, matrix = matrices[unit_type]
        answered = matrix[:, [columns[q] for q in codes]]
        rows = answered[~np.isnan(answered).any(axis=1)]
        if len(rows) < min_cases:
            out.append(AlphaResult(unit_type, area, len(codes), len(rows), None, "too_few_complete"))
            continue
        try:
            out.append(AlphaResult(unit_type, area, len(codes), len(rows), cronbach_alpha(rows)))
        except ValueError:
            out.append(AlphaResult(unit_type, area, len(codes), len(rows), None, "no_variance"))
    return out


def _case_matrices(
    answers: AnswerTable, items: Mapping[tuple[str, str], list[str]], units: Mapping[str, str]
) -> dict[str, tuple[dict[str, int], np.ndarray]]:
    """Per unit type: cases × the type's questions, the weight or NaN, cases in order of first answer."""
    cases = answers.cases(answered_only=True)
    case_type = np.array([units.get(u) for u in answers.units] + [None], dtype=object)[cases.unit]
    position = {q: i for i, q in enumerate(answers.questions)}
    out = {}
    for unit_type in dict.fromkeys(t for t, _ in items):
        columns = {
            q: j for j, q in enumerate(dict.fromkeys(q for (t, _), qs in items.items() if t == unit_type for q in qs))
        }
        of_type = np.flatnonzero(case_type == unit_type)
        number = np.full(len(cases), -1)
        number[of_type] = np.arange(len(of_type))
        column = np.full(len(answers.questions), -1)
        for q, j in columns.items():
            if q in position:
                column[position[q]] = j
        row, col = number[cases.of_answer], column[answers.question[cases.rows]]
        taken = (row >= 0) & (col >= 0)
        cell = row[taken] * len(columns) + col[taken]
        if len(cell) and np.bincount(cell).max() > 1:
            raise ValueError("a response answers a question about a unit more than once")
        matrix = np.full((len(of_type), len(columns)), np.nan)
        matrix.ravel()[cell] = answers.weight[cases.rows[taken]]
        out[unit_type] = (columns, matrix)
    return out
