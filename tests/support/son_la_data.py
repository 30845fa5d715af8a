"""A campaign the size of Sơn La 2024, for the document tests: the shipped pack's 32 units, areas, groups,
questions and scale, simulated answers (seeded) scored by `analysis.scoring`, simulated appraisal and
satisfaction points and last year's results. Nothing here is a published figure."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal as D
from functools import cache
from pathlib import Path

from analysis.index import BandRule, IndexResult, IndexRules, compute_index
from analysis.scoring import QuestionSpec, ScoringRules, TallyRow, score_units
from analysis.survey_detail import DetailRow, survey_detail
from survey_app.packs import Pack, load_pack

PACK_DIR = Path(__file__).resolve().parents[2] / "questionnaires" / "son-la-2024"
# Respondents per unit and group (in the proportions of the demo campaign).
RESPONDENTS = {"SO-LD": 4, "SO-LDP": 9, "SO-CC": 24, "H-HDND": 11, "H-TTUB": 2, "H-PB": 20, "H-XA": 24}


@dataclass(frozen=True)
class Campaign:
    pack: Pack
    result: IndexResult
    detail: list[DetailRow]
    unit_names: dict[str, str]
    group_names: dict[str, str]
    area_names: dict[str, str]
    option_labels: dict[str, dict[str, str]]  # question → option code → label


@cache
def son_la_campaign(seed: int = 2024) -> Campaign:
    pack = load_pack(PACK_DIR).pack
    rng = random.Random(seed)
    weights = pack.option_weights
    tallies, counts = [], []
    for unit in pack.units:
        quality = rng.uniform(0.55, 0.95)
        for group in (g for g in pack.groups if g.unit_type == unit.unit_type):
            n = RESPONDENTS[group.code]
            counts.append(dict(unit=unit.code, group=group.code, responses=n))
            for q in pack.questions_for(group.code):
                picks = rng.choices("ABCDX", [quality, 1 - quality, (1 - quality) / 2, 0.03, 0.02], k=n)
                for option in sorted(set(picks)):
                    tallies.append(
                        dict(
                            unit=unit.code,
                            group=group.code,
                            question=q.code,
                            option=option,
                            weight=weights[q.code][option],
                            count=picks.count(option),
                        )
                    )
    questions = [dict(question=q.code, unit_type=q.unit_type, area=q.area, points=q.points) for q in pack.questions]
    scores = score_units(
        [(u.code, u.unit_type) for u in pack.units],
        [QuestionSpec(q["question"], q["unit_type"], q["area"], q["points"]) for q in questions],
        [TallyRow(t["unit"], t["group"], t["question"], t["weight"], t["count"]) for t in tallies],
        ScoringRules(),
    )
    points, last_year = [], []
    for i, unit in enumerate(pack.units):
        utype = pack.unit_type_by_code[unit.unit_type]
        survey = scores[unit.code].areas
        for area in utype.areas:
            room = area.max_points - (survey[area.code].max_points if area.code in survey else 0)
            share = D(str(round(rng.uniform(0.78, 0.99), 3)))
            source = "satisfaction" if area.code == "LV8" else "appraisal"
            points.append(
                dict(unit=unit.code, area=area.code, source=source, points=(room * share).quantize(D("0.01")))
            )
        for area, s in survey.items():
            points.append(dict(unit=unit.code, area=area, source="survey", points=s.points))
        total = D(str(round(rng.uniform(76, 94), 2)))
        last_year.append(dict(unit=unit.code, total=total, rank=i % 20 + 1, band="A" if total >= 90 else "B"))
    rules = IndexRules(
        pack.rounding_digits,
        pack.rounding_mode,
        pack.rounding_stage,
        tuple(BandRule(b.code, b.name, b.min_percent) for b in pack.bands),
    )
    result = compute_index(
        [dict(unit=u.code, name=u.name, unit_type=u.unit_type) for u in pack.units],
        [
            dict(unit_type=t.code, name=t.name, total_points=t.total_points, survey_points=t.survey_points)
            for t in pack.unit_types
        ],
        [
            dict(unit_type=t.code, area=a.code, name=a.name, max_points=a.max_points)
            for t in pack.unit_types
            for a in t.areas
        ],
        points,
        rules,
        last_year,
    )
    return Campaign(
        pack,
        result,
        survey_detail(tallies, questions, counts, pack.anonymity_k),
        {u.code: u.name for u in pack.units},
        {g.code: g.name for g in pack.groups},
        {a.code: a.name for t in pack.unit_types for a in t.areas},
        {q.code: {o.code: o.label for o in pack.scale_by_code[q.scale].options} for q in pack.questions},
    )
