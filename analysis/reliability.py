"""Internal consistency of each area's questions (Cronbach's alpha) per unit type.

A case is one response about one unit; cases missing an item ("don't know", or a question their group
does not see) are left out (listwise), and the result says how many cases remained.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .tables import Table, require_columns


@dataclass(frozen=True)
class AlphaResult:
    unit_type: str
    area: str
    items: int
    cases: int
    alpha: float | None  # None when it cannot be computed (see `note`)
    note: str = ""


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
            out.append(AlphaResult(unit_type, area, len(codes), 0, None, "một câu hỏi"))
            continue
        rows = [[c[q] for q in codes] for c in by_type.get(unit_type, []) if all(q in c for q in codes)]
        if len(rows) < min_cases:
            out.append(AlphaResult(unit_type, area, len(codes), len(rows), None, "không đủ phiếu trả lời đủ các câu"))
            continue
        try:
            out.append(AlphaResult(unit_type, area, len(codes), len(rows), cronbach_alpha(rows)))
        except ValueError:
            out.append(AlphaResult(unit_type, area, len(codes), len(rows), None, "các câu trả lời không khác nhau"))
    return out
