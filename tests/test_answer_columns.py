"""The statistics on integer-coded answer columns equal, float for float, the statistics as they were
computed from one dict per answer. The reference is the previous code itself, kept verbatim in
tests/support/legacy_statistics.py; both run on the same random campaigns and must give identical results
(`==` on the result objects, no tolerance)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from analysis.answers import AnswerTable
from analysis.comparisons import group_differences
from analysis.reliability import area_alphas
from analysis.statistics import bootstrap_survey_scores, response_counts

from .support import legacy_statistics as legacy

WEIGHTS = {"A": 1.0, "B": 0.6, "C": 0.2, "D": 0.0, "X": None}
# Two unit types shaped like the shipped packs: areas of several questions, one area of a single question.
AREAS = {"so": {"LV1": 4, "LV2": 1, "LV3": 7}, "xa": {"LV1": 3, "LV2": 6}}
GROUPS = {"so": ("so-CC", "so-LD", "so-DN"), "xa": ("xa-ND", "xa-CB")}


@dataclass
class Campaign:
    rows: list[dict]  # one dict per answer, in the order the database returned them
    questions: list[dict]
    units: dict[str, str]


def campaign(seed: int, *, shuffle: bool) -> Campaign:
    """Units of both types with 0–40 responses each; some responses rate two units; the last group of each
    type does not see the last two questions; 'don't know' 3–15 %; answers grouped by response as a
    table scan returns them, or in random order."""
    rng = np.random.default_rng(seed)
    questions = [
        dict(question=f"{t}-{a}-{i}", unit_type=t, area=a, points=round(20 / sum(areas.values()), 4))
        for t, areas in AREAS.items()
        for a, n in areas.items()
        for i in range(n)
    ]
    units = {f"{t.upper()}-{i:02d}": t for t, n in (("so", 14), ("xa", 9)) for i in range(n)}
    rows = []
    for r in range(int(rng.integers(350, 450))):
        unit_type = ("so", "xa")[int(rng.integers(0, 2))]
        group = GROUPS[unit_type][int(rng.integers(0, len(GROUPS[unit_type])))]
        codes = [u for u, t in units.items() if t == unit_type]
        rated = rng.choice(codes, size=1 + int(rng.random() < 0.2), replace=False, p=_popularity(len(codes)))
        seen = [q for q in questions if q["unit_type"] == unit_type]
        if group == GROUPS[unit_type][-1]:
            seen = seen[:-2]
        for unit in rated:
            quality = 0.5 + 0.45 * (sum(map(ord, unit)) % 7) / 6
            p = np.array([quality * 0.6, quality * 0.3 + 0.1, (1 - quality) * 0.5, (1 - quality) * 0.3, 0.05])
            for q, option in zip(seen, rng.choice(list(WEIGHTS), size=len(seen), p=p / p.sum()), strict=True):
                rows.append(
                    dict(response=f"r{r:04d}", unit=str(unit), group=group, question=q["question"], option=option)
                )
    if shuffle:
        rows = [rows[i] for i in rng.permutation(len(rows))]
    for row in rows:
        row["weight"] = WEIGHTS[row["option"]]
    return Campaign(rows, questions, units)


def _popularity(n: int) -> np.ndarray:
    """Some units get many responses, some one or two (under any k)."""
    p = np.geomspace(1, 0.02, n)
    return p / p.sum()


CAMPAIGNS = [(seed, shuffle) for seed in (1, 2, 3) for shuffle in (False, True)]


@pytest.mark.parametrize(("seed", "shuffle"), CAMPAIGNS)
@pytest.mark.parametrize(
    ("method", "weights"), [("pooled", None), ("group_weights", {"so-CC": 0.5, "so-LD": 0.3, "xa-ND": 0.7})]
)
def test_bootstrap_equals_the_per_answer_code(seed, shuffle, method, weights):
    c = campaign(seed, shuffle=shuffle)
    table = AnswerTable.from_rows(c.rows)
    for units in (c.units, {u: t for i, (u, t) in enumerate(c.units.items()) if i % 3}):  # all; some shown
        kwargs = dict(method=method, group_weights=weights, n_resamples=300, seed=seed)
        ours = bootstrap_survey_scores(table.only_units(units), c.questions, units, **kwargs)
        theirs = legacy.bootstrap_survey_scores([r for r in c.rows if r["unit"] in units], c.questions, units, **kwargs)
        assert ours == theirs
    assert len(ours.units) > 10 and {p.distinguishable for p in ours.pairs} == {True, False}  # not a trivial case


@pytest.mark.parametrize(("seed", "shuffle"), CAMPAIGNS)
def test_alphas_and_group_differences_equal_the_per_answer_code(seed, shuffle):
    c = campaign(seed, shuffle=shuffle)
    table = AnswerTable.from_rows(c.rows)
    for min_cases in (3, 40):
        ours = area_alphas(table, c.questions, c.units, min_cases=min_cases)
        assert ours == legacy.area_alphas(c.rows, c.questions, c.units, min_cases=min_cases)
    assert sum(a.alpha is not None for a in ours) >= 2 and any(a.note for a in ours)
    for k in (3, 5, 60):
        ours = group_differences(table, c.units, min_responses=k)
        assert ours == legacy.group_differences(c.rows, c.units, min_responses=k)
    assert len(group_differences(table, c.units)) == 2  # both unit types tested
    counted: dict[str, set] = {}
    for r in c.rows:
        counted.setdefault(r["unit"], set()).add(r["response"])
    assert response_counts(table) == {u: len(s) for u, s in counted.items()}
    assert table.response_count == len({r["response"] for r in c.rows})


def test_the_same_answers_read_in_chunks_of_database_ids():
    """from_chunks (what the service feeds from SQL) builds the same table as from_rows, in the same order."""
    c = campaign(4, shuffle=True)
    rng = np.random.default_rng(0)
    ids = {
        name: dict(zip(rng.permutation(1000)[: len(codes)].tolist(), codes, strict=True))
        for name, codes in (
            ("units", list(c.units)),
            ("groups", [g for gs in GROUPS.values() for g in gs]),
            ("questions", [q["question"] for q in c.questions]),
        )
    }
    back = {name: {code: i for i, code in m.items()} for name, m in ids.items()}
    rows = [
        (
            r["response"],
            back["units"][r["unit"]],
            back["groups"][r["group"]],
            back["questions"][r["question"]],
            r["option"],
        )
        for r in c.rows
    ]
    options = {
        q["question"]: {o: w for o, w in WEIGHTS.items() if o != "D" or i % 2} for i, q in enumerate(c.questions)
    }
    chunks = (rows[i : i + 997] for i in range(0, len(rows), 997))
    table = AnswerTable.from_chunks(chunks, weights=options, **ids)
    expected = [  # an option the question does not list: "don't know", as before
        dict(response=r["response"], unit=r["unit"], group=r["group"], question=r["question"])
        | {"weight": options[r["question"]].get(r["option"])}
        for r in c.rows
    ]
    assert [dict(r, response=None) for r in table] == [dict(r, response=None) for r in expected]
    pairs = {(a["response"], b["response"]) for a, b in zip(table, expected, strict=True)}
    assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})  # one code per response id
    kwargs = dict(n_resamples=100, seed=9)
    assert bootstrap_survey_scores(table, c.questions, c.units, **kwargs) == legacy.bootstrap_survey_scores(
        expected, c.questions, c.units, **kwargs
    )
    with pytest.raises(ValueError, match="unit id 5000 is not one of the campaign's"):
        AnswerTable.from_chunks([[("r", 5000, *rows[0][2:])]], weights=options, **ids)
    assert len(AnswerTable.from_chunks([], weights=options, **ids)) == 0


def test_bad_answers_are_refused_as_before():
    c = campaign(5, shuffle=True)
    rows = c.rows[:50] + [dict(c.rows[0], unit="ZZ")] + [dict(c.rows[0], question="xa-LV1-0")]
    for fn in (bootstrap_survey_scores,):
        with pytest.raises(ValueError, match="unknown unit 'ZZ'"):
            fn(AnswerTable.from_rows(rows), c.questions, c.units)
        with pytest.raises(ValueError, match="unknown unit 'ZZ'"):
            getattr(legacy, fn.__name__)(rows, c.questions, c.units)
    wrong_type = c.rows[:50] + [dict(c.rows[0], question="xa-LV1-0", unit="SO-01")]
    with pytest.raises(ValueError, match="question 'xa-LV1-0' is not a question of unit type 'so'"):
        bootstrap_survey_scores(AnswerTable.from_rows(wrong_type), c.questions, c.units)
    with pytest.raises(ValueError, match="unknown unit 'ZZ'"):
        area_alphas(AnswerTable.from_rows(rows), c.questions, c.units)
    with pytest.raises(ValueError, match="unknown unit 'ZZ'"):
        group_differences(AnswerTable.from_rows(rows), c.units)
    # Not possible in the database (one answer per response, unit and question; a response has one group):
    twice = AnswerTable.from_rows(c.rows[:50] + c.rows[:1])
    with pytest.raises(ValueError, match="more than once"):
        bootstrap_survey_scores(twice, c.questions, c.units)
    two_groups = AnswerTable.from_rows(c.rows[:50] + [dict(c.rows[0], group="so-XX", question="so-LV3-6", weight=1.0)])
    with pytest.raises(ValueError, match="more than one group"):
        group_differences(two_groups, c.units)


def test_a_table_checks_its_columns():
    i32 = np.array([0], dtype=np.int32)
    AnswerTable(i32, i32, i32, i32, np.array([np.nan]), ("U",), ("G",), ("Q",))  # a "don't know"
    with pytest.raises(ValueError, match="'unit' must be 1 int32 codes, got int64"):
        AnswerTable(i32, np.array([0]), i32, i32, np.array([1.0]), ("U",), ("G",), ("Q",))
    with pytest.raises(ValueError, match="'question' has codes outside 0…0"):
        AnswerTable(i32, i32, i32, i32 + 1, np.array([1.0]), ("U",), ("G",), ("Q",))
    table = AnswerTable.from_rows([("r1", "U", "G", "Q", None), ("r2", "U", "G", "Q", 0.6)])
    assert list(table) == [
        dict(response=0, unit="U", group="G", question="Q", weight=None),
        dict(response=1, unit="U", group="G", question="Q", weight=0.6),
    ]
    assert not table.weight.flags.writeable and len(table.only_units([])) == 0 and table.only_units(["U"]) is table
