"""Scoring against values computed by hand; each test says how the expected value was obtained."""

from decimal import Decimal as D

import pytest

from analysis.scoring import QuestionSpec, ScoringRules, TallyRow, score_units
from survey_app.services.survey import responding, scores

from .support.campaigns import full_answers, release

W = {"A": D("1"), "B": D("0.6"), "C": D("0.2"), "D": D("0"), "X": None}


def rows(unit, group, question, **counts):
    return [TallyRow(unit, group, question, W[opt], n) for opt, n in counts.items()]


def test_pooled_mean_leaves_dont_know_out():
    # 6×A, 3×B, 1×X on a 0,75-point question: m = (6·1 + 3·0,6) / 9 = 7,8/9; S = 0,75·7,8/9 = 0,65 exactly.
    q = [QuestionSpec("Q1", "so", "LV1", D("0.75"))]
    tallies = rows("U", "G1", "Q1", A=4, B=1) + rows("U", "G2", "Q1", A=2, B=2, X=1)
    s = score_units([("U", "so")], q, tallies, ScoringRules())["U"]
    assert s.questions["Q1"].points == D("0.65")
    assert (s.questions["Q1"].valid, s.questions["Q1"].dont_know) == (9, 1)
    assert s.total == D("0.65") and s.areas["LV1"].points == D("0.65")
    # percent of the survey maximum: 0,65 / 0,75 = 86,666… → 86,67
    assert s.percent == D("86.67")


def test_group_weights_combine_group_means():
    # G1 (weight 0,4): 3×A + 1×B → mean 3,6/4 = 0,9.  G2 (weight 0,6): 2×A + B + C → 2,8/4 = 0,7.
    # m = 0,4·0,9 + 0,6·0,7 = 0,78; a 2-point question scores 1,56.
    rules = ScoringRules(method="group_weights", group_weights={"G1": D("0.4"), "G2": D("0.6")})
    q = [QuestionSpec("Q1", "so", "LV1", D("2"))]
    tallies = rows("U", "G1", "Q1", A=3, B=1) + rows("U", "G2", "Q1", A=2, B=1, C=1)
    assert score_units([("U", "so")], q, tallies, rules)["U"].total == D("1.56")
    # Pooled over the same 8 answers instead: (5·1 + 2·0,6 + 0,2) / 8 = 6,4/8 = 0,8 → 1,60.
    assert score_units([("U", "so")], q, tallies, ScoringRules())["U"].total == D("1.60")


def test_group_weights_rescale_when_a_group_has_not_answered():
    # Only G2 answered (mean 0,7): its weight 0,6 is rescaled to 1, so m = 0,7 and 2 points give 1,40.
    rules = ScoringRules(method="group_weights", group_weights={"G1": D("0.4"), "G2": D("0.6")})
    q = [QuestionSpec("Q1", "so", "LV1", D("2"))]
    s = score_units([("U", "so")], q, rows("U", "G2", "Q1", A=2, B=1, C=1) + rows("U", "G1", "Q1", X=3), rules)
    assert s["U"].total == D("1.40")


@pytest.mark.parametrize(
    "stage, mode, area, total",
    [
        # each question: 0,5 × (1×A + 3×D)/4 = 0,5 × 0,25 = 0,125 exactly
        ("question", "half_up", D("0.26"), D("0.26")),  # 0,13 + 0,13
        ("question", "half_even", D("0.24"), D("0.24")),  # 0,12 + 0,12
        ("area", "half_up", D("0.25"), D("0.25")),  # round(0,25)
        ("total", "half_up", D("0.25"), D("0.25")),
    ],
)
def test_rounding_stages(stage, mode, area, total):
    q = [QuestionSpec("Q1", "so", "LV1", D("0.5")), QuestionSpec("Q2", "so", "LV1", D("0.5"))]
    tallies = rows("U", "G", "Q1", A=1, D=3) + rows("U", "G", "Q2", A=1, D=3)
    s = score_units([("U", "so")], q, tallies, ScoringRules(stage=stage, mode=mode))["U"]
    assert (s.areas["LV1"].points, s.total) == (area, total)


def test_total_stage_rounds_once_even_when_displayed_areas_do_not_add_up():
    # Two areas of one 0,5-point question each, both 0,125 exactly: areas display 0,13 (half up),
    # but the total is the exact 0,25 rounded once → 0,25, not 0,26.
    q = [QuestionSpec("Q1", "so", "LV1", D("0.5")), QuestionSpec("Q2", "so", "LV2", D("0.5"))]
    tallies = rows("U", "G", "Q1", A=1, D=3) + rows("U", "G", "Q2", A=1, D=3)
    s = score_units([("U", "so")], q, tallies, ScoringRules(stage="total"))["U"]
    assert (s.areas["LV1"].points, s.areas["LV2"].points, s.total) == (D("0.13"), D("0.13"), D("0.25"))


def test_unanswered_questions_score_zero_and_are_counted():
    q = [QuestionSpec("Q1", "so", "LV1", D("1")), QuestionSpec("Q2", "so", "LV1", D("1"))]
    s = score_units(
        [("U", "so"), ("V", "so")], q, rows("U", "G", "Q1", B=2) + rows("U", "G", "Q2", X=2), ScoringRules()
    )
    assert (s["U"].total, s["U"].unanswered) == (D("0.60"), 1)  # Q1: 1 × 0,6; Q2 only "don't know"
    assert s["U"].questions["Q2"].mean_weight is None
    assert (s["V"].total, s["V"].unanswered, s["V"].percent) == (D("0.00"), 2, D("0.00"))


def test_rules_reject_unknown_names():
    with pytest.raises(ValueError, match="method must be one of"):
        ScoringRules(method="median")
    with pytest.raises(ValueError, match="stage must be one of"):
        ScoringRules(stage="unit")


def test_live_scores_from_real_submissions(sonla):
    # Two SO-CC officials of Sở Nội vụ answer every question, one all A (1), one all C (0,2):
    # each question's mean is 0,6 and every question's points × 0,6 is exact at 2 decimals,
    # so the unit scores 20 × 0,6 = 12,00 of 20 (60,00 %). Sở Tài chính has no answers: 0 with 32 unanswered.
    for email, option in (("p2@thu.example", "A"), ("p3@thu.example", "C")):
        token = sonla.token(email)
        q = responding.open_questionnaire(token)
        responding.submit(token, full_answers(q, option))
    release(sonla.campaign)
    result = scores.unit_scores(sonla.campaign)
    assert (result["SO-NV"].total, result["SO-NV"].percent, result["SO-NV"].unanswered) == (D("12.00"), D("60.00"), 0)
    assert (result["SO-TC"].total, result["SO-TC"].unanswered) == (D("0.00"), 32)
    # Each area of Sở Nội vụ gets 0,6 of the question points the pack gives it.
    pack = sonla.campaign.pack
    for area, got in result["SO-NV"].areas.items():
        expected = sum(q.points for q in pack.questions if q.unit_type == "so" and q.area == area) * D("0.6")
        assert got.points == expected
