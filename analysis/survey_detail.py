"""The survey detail table: per unit × respondent group × question, the answers, valid n, mean weight
and points. Groups under the anonymity threshold k are folded together (see `disclosure`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import texts
from .disclosure import fold_small_groups
from .tables import Table, dec, require_columns


@dataclass(frozen=True)
class DetailRow:
    unit: str
    groups: tuple[str, ...]  # one group, or several folded together
    question: str
    area: str
    counts: dict[str, int]  # option code → answers
    valid: int
    dont_know: int
    mean_weight: Decimal | None
    points: Decimal | None  # question points × mean weight, unrounded


def survey_detail(tallies: Table, questions: Table, responses: Table, k: int) -> list[DetailRow]:
    """Rows in unit, cell, question order. Units under k responses in all are left out entirely.

    tallies: unit, group, question, option, weight (None: don't know), count.
    questions: question, unit_type, area, points (in questionnaire order).
    responses: unit, group, responses (valid questionnaires about the unit from the group).
    """
    require_columns(tallies, ("unit", "group", "question", "option", "weight", "count"), "tallies")
    require_columns(questions, ("question", "unit_type", "area", "points"), "questions")
    require_columns(responses, ("unit", "group", "responses"), "responses")
    per_unit: dict[str, dict[str, int]] = defaultdict(dict)
    for r in responses:
        per_unit[r["unit"]][r["group"]] = int(r["responses"])
    cells: dict[tuple[str, str, str], list] = defaultdict(list)
    asked_of: dict[str, set[str]] = defaultdict(set)
    for t in tallies:
        cells[(t["unit"], t["group"], t["question"])].append(t)
        asked_of[t["unit"]].add(t["question"])
    order = {q["question"]: i for i, q in enumerate(questions)}
    info = {q["question"]: q for q in questions}
    out: list[DetailRow] = []
    for unit in sorted(per_unit):
        asked = sorted(asked_of[unit], key=lambda q: order.get(q, len(order)))
        for cell in fold_small_groups(per_unit[unit], k):
            for q in asked:
                counts: dict[str, int] = defaultdict(int)
                total = Decimal(0)
                valid = dont_know = 0
                for g in cell.groups:
                    for t in cells.get((unit, g, q), []):
                        counts[t["option"]] += int(t["count"])
                        if t["weight"] is None:
                            dont_know += int(t["count"])
                        else:
                            total += dec(t["weight"]) * int(t["count"])
                            valid += int(t["count"])
                if not counts:
                    continue
                mean = total / valid if valid else None
                q_info = info[q]
                out.append(
                    DetailRow(
                        unit,
                        cell.groups,
                        q,
                        q_info["area"],
                        dict(counts),
                        valid,
                        dont_know,
                        mean,
                        dec(q_info["points"]) * mean if mean is not None else None,
                    )
                )
    return out


def option_columns(
    rows: Sequence[DetailRow], option_labels: Mapping[str, Mapping[str, str]]
) -> tuple[list[str], dict[str, tuple[list[int | None], dict[str, int]]]]:
    """The detail sheet's option columns: their headings, and per question its empty counts row and each
    code's column."""
    seen: dict[str, set[str]] = {}
    for r in rows:
        seen.setdefault(r.question, set()).update(r.counts)
    labels: dict[str, int] = {}
    for q in seen:
        for label in option_labels.get(q, {}).values():
            labels.setdefault(label, len(labels))
    unlabelled = sorted({c for q, codes in seen.items() for c in codes if c not in option_labels.get(q, {})})
    for code in unlabelled:
        labels.setdefault(texts.UNNAMED_OPTION.format(code=code), len(labels))
    slots = {}
    for q, codes in seen.items():
        own = option_labels.get(q, {})
        column = {code: labels[label] for code, label in own.items()}
        extra = sorted(codes - own.keys()) if own else unlabelled
        column |= {c: labels[texts.UNNAMED_OPTION.format(code=c)] for c in extra}
        base: list[int | None] = [None] * len(labels)
        for j in column.values():
            base[j] = 0
        slots[q] = (base, column)
    return list(labels), slots
