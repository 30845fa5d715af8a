"""Statistics against values computed independently: by hand, by another formula, or by scipy/numpy
on the same data (each test says which)."""

from __future__ import annotations

import random
from decimal import Decimal as D

import numpy as np
import pytest
from scipy import stats

from analysis.answers import AnswerTable
from analysis.comparisons import component_correlation, group_differences, self_assessment_gaps
from analysis.reliability import area_alphas, cronbach_alpha
from analysis.scoring import QuestionSpec, ScoringRules, TallyRow, score_units
from analysis.statistics import bootstrap_survey_scores

QUESTIONS = [
    dict(question=f"Q{i}", unit_type="so", area="LV1" if i < 3 else "LV2", points=p)
    for i, p in enumerate((0.75, 0.5, 0.75, 1.0, 1.0))
]


table = AnswerTable.from_rows


def answers_for(unit, group, rows, start=0):
    """rows: one list of weights per response (None: don't know), in QUESTIONS order."""
    out = []
    for r, weights in enumerate(rows, start=start):
        for q, w in zip(QUESTIONS, weights, strict=False):
            out.append(dict(response=f"{unit}-{group}-{r}", unit=unit, group=group, question=q["question"], weight=w))
    return out


def test_alpha_by_variance_formula_equals_average_covariance_formula():
    rng = np.random.default_rng(7)
    base = rng.normal(size=(40, 1))
    x = base + rng.normal(scale=0.8, size=(40, 5))
    # Independent formula: α = k·c̄ / (v̄ + (k − 1)·c̄), from the covariance matrix (Cronbach 1951, eq. 2).
    c = np.cov(x, rowvar=False)
    k = c.shape[0]
    v_bar = np.trace(c) / k
    c_bar = (c.sum() - np.trace(c)) / (k * (k - 1))
    assert cronbach_alpha(x) == pytest.approx(k * c_bar / (v_bar + (k - 1) * c_bar), rel=1e-12)


def test_alpha_hand_example():
    # 4 cases × 3 items; item variances 1, 1, 1 (ddof 1: values 1,2,3,2 → var 2/3 each… computed here by hand):
    x = [[1, 1, 2], [2, 2, 2], [3, 3, 3], [2, 3, 3]]
    # item variances: 0,6667, 0,9167, 0,3333 → sum 1,9167; sums 4, 6, 9, 8 → variance 4,9167
    # α = 3/2 · (1 − 1,9167/4,9167) = 0,9153
    assert cronbach_alpha(x) == pytest.approx(1.5 * (1 - (2 / 3 + 11 / 12 + 1 / 3) / (59 / 12)), abs=1e-12)
    assert cronbach_alpha(x) == pytest.approx(0.9153, abs=1e-4)
    with pytest.raises(ValueError, match="do not vary"):
        cronbach_alpha([[1, 1], [1, 1], [1, 1]])


def test_area_alphas_leave_out_incomplete_cases():
    rows = [[1, 0.6, 1, 1, 0.6], [0.6, 0.6, 0.2, 0.6, 0.2], [0.2, 0.2, 0.2, 0, 0.2], [1, 1, None, 1, 1]]
    result = {
        (a.unit_type, a.area): a for a in area_alphas(table(answers_for("U1", "G", rows)), QUESTIONS, {"U1": "so"})
    }
    lv1 = result[("so", "LV1")]
    assert (lv1.items, lv1.cases) == (3, 3)  # the 4th response said "don't know" to Q2
    assert lv1.alpha == pytest.approx(cronbach_alpha([r[:3] for r in rows[:3]]))
    assert result[("so", "LV2")].cases == 4


def test_kruskal_wallis_hand_example_and_effect_size():
    # Response means 0,1 0,2 0,3 (group A) and 0,4 0,5 0,6 (group B): ranks 1–3 and 4–6, no ties.
    # H = 12/(n(n+1)) Σ R²/n_i − 3(n+1) = 12/42 · (6²/3 + 15²/3) − 21 = 3,857142857 (by hand)
    answers = []
    for i, (g, w) in enumerate([("A", 0.1), ("A", 0.2), ("A", 0.3), ("B", 0.4), ("B", 0.5), ("B", 0.6)]):
        answers += [dict(response=f"r{i}", unit="U1", group=g, question=q, weight=w) for q in ("Q0", "Q1")]
    (d,) = group_differences(table(answers), {"U1": "so"})
    assert d.h == pytest.approx(12 / 42 * (36 / 3 + 225 / 3) - 21, abs=1e-12)
    assert d.h == pytest.approx(stats.kruskal([1, 2, 3], [4, 5, 6]).statistic)
    assert d.epsilon_squared == pytest.approx(d.h * 7 / 35)  # ε² = H (n + 1) / (n² − 1)
    assert d.sizes == (3, 3) and d.left_out == ()
    few = group_differences(
        table(answers + [dict(response="x", unit="U1", group="C", question="Q0", weight=1)]), {"U1": "so"}
    )
    assert few[0].left_out == ("C",)


def test_correlation_against_hand_formulas():
    xs = [60.0, 62.5, 58.0, 65.0, 61.0, 59.5]
    ys = [16.0, 17.5, 15.0, 18.0, 16.5, 17.0]
    rows = [dict(appraisal=x, survey=y) for x, y in zip(xs, ys, strict=True)]
    c = component_correlation(rows)
    mx, my = sum(xs) / 6, sum(ys) / 6
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    r = sxy / (sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys)) ** 0.5
    assert c.pearson_r == pytest.approx(r, abs=1e-12)
    # Spearman: ranks by hand, then 1 − 6 Σd² / (n(n² − 1)) (no ties): x ranks 3 5 1 6 4 2, y ranks 2 5 1 6 3 4
    d2 = sum(d * d for d in (3 - 2, 5 - 5, 1 - 1, 6 - 6, 4 - 3, 2 - 4))
    assert c.spearman_rho == pytest.approx(1 - 6 * d2 / (6 * 35), abs=1e-12)
    with pytest.raises(ValueError, match="at least 3"):
        component_correlation(rows[:2])


def test_self_assessment_gaps_by_hand():
    rows = [
        dict(unit="A", self_assessed=66, appraised=60),
        dict(unit="B", self_assessed=62, appraised=61.5),
        dict(unit="C", self_assessed=58, appraised=59),
        dict(unit="D", self_assessed=70, appraised=65),
    ]
    gaps = self_assessment_gaps(rows)
    assert [(g.unit, g.gap) for g in gaps] == [("A", 6.0), ("D", 5.0), ("B", 0.5)]
    assert gaps[0].gap_percent == pytest.approx(10.0)
    assert [g.unit for g in self_assessment_gaps(rows, top=1)] == ["A"]


def test_bootstrap_point_estimate_matches_the_decimal_scoring():
    rng = random.Random(3)
    opts = [1, 0.6, 0.2, 0, None]
    answers = []
    for unit in ("U1", "U2"):
        for g, n in (("G1", 8), ("G2", 5)):
            answers += answers_for(unit, g, [[rng.choice(opts) for _ in QUESTIONS] for _ in range(n)])
    units = {"U1": "so", "U2": "so"}
    # Independent implementation: analysis.scoring (decimal, from tallies), rounding once at 6 digits.
    tallies = [
        TallyRow(a["unit"], a["group"], a["question"], None if a["weight"] is None else D(str(a["weight"])), 1)
        for a in answers
    ]
    specs = [QuestionSpec(q["question"], "so", q["area"], D(str(q["points"]))) for q in QUESTIONS]
    for method, weights in (("pooled", {}), ("group_weights", {"G1": D("0.4"), "G2": D("0.6")})):
        exact = score_units(
            list(units.items()), specs, tallies, ScoringRules(method, 6, stage="total", group_weights=weights)
        )
        boot = bootstrap_survey_scores(
            table(answers),
            QUESTIONS,
            units,
            method=method,
            group_weights={k: float(v) for k, v in weights.items()},
            n_resamples=50,
        )
        for u in units:
            assert boot.interval(u).estimate == pytest.approx(float(exact[u].total), abs=1e-6)


def test_bootstrap_interval_close_to_scipy_on_one_question():
    rng = np.random.default_rng(11)
    weights = rng.choice([1, 0.6, 0.2, 0], size=60, p=[0.5, 0.3, 0.15, 0.05])
    answers = [
        dict(response=f"r{i}", unit="U1", group="G", question="Q0", weight=float(w)) for i, w in enumerate(weights)
    ]
    q = [dict(question="Q0", unit_type="so", points=2.0)]
    ours = bootstrap_survey_scores(table(answers), q, {"U1": "so"}, n_resamples=20000, seed=1).interval("U1")
    ref = stats.bootstrap((2 * weights,), np.mean, n_resamples=20000, method="percentile", random_state=2)
    assert ours.estimate == pytest.approx(2 * weights.mean())
    assert ours.low == pytest.approx(ref.confidence_interval.low, abs=0.02)
    assert ours.high == pytest.approx(ref.confidence_interval.high, abs=0.02)


def test_rank_ranges_and_indistinguishable_neighbours():
    top = [[1, 1, 1, 1, 1]] * 10
    low = [[0, 0, 0, 0, 0]] * 10  # always last: C and D can only swap places 2 and 3
    answers = answers_for("A", "G", top) + answers_for("B", "G", low)
    mixed = [[1] * 5, [0.6] * 5, [0.2] * 5, [1] * 5, [0.6] * 5, [0.2] * 5]
    answers += answers_for("C", "G", mixed) + answers_for("D", "G", mixed)
    units = dict.fromkeys("ABCD", "so")
    res = bootstrap_survey_scores(table(answers), QUESTIONS, units, n_resamples=2000, seed=5)
    a = res.interval("A")
    assert (a.low, a.high, a.rank, a.rank_low, a.rank_high) == (4.0, 4.0, 1, 1, 1)  # all answers equal: no spread
    c, d = res.interval("C"), res.interval("D")
    assert c.estimate == d.estimate and c.rank == d.rank == 2
    assert (c.rank_low, c.rank_high) == (2, 3) and (d.rank_low, d.rank_high) == (2, 3)
    pairs = {(p.upper, p.lower): p.distinguishable for p in res.pairs}
    assert pairs[("A", "C")] is True and pairs[("C", "D")] is False


def test_bootstrap_refuses_bad_arguments():
    with pytest.raises(ValueError, match="method must be one of"):
        bootstrap_survey_scores(table([]), QUESTIONS, {}, method="mean")
    with pytest.raises(ValueError, match="needs group_weights"):
        bootstrap_survey_scores(table([]), QUESTIONS, {}, method="group_weights")
    with pytest.raises(ValueError, match="unknown unit"):
        bootstrap_survey_scores(table(answers_for("Z", "G", [[1] * 5])), QUESTIONS, {"U1": "so"})
    with pytest.raises(TypeError, match="AnswerTable.from_rows"):
        bootstrap_survey_scores(answers_for("U1", "G", [[1] * 5]), QUESTIONS, {"U1": "so"})
