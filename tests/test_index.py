"""The index merge, rounding, ranks, bands, last year's comparison and the report figures, checked
against values worked out by hand in the comments (tests/support/index_data.py holds the inputs)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from analysis.index import IndexRules, compute_index
from analysis.index_summary import area_stats, survey_summary, type_summary

from .support.index_data import AREAS, BANDS, TOTALS, UNIT_TYPES, UNITS, points_table, sample_result


def test_totals_are_the_sum_of_the_three_sources_per_area():
    result = sample_result()
    by = {u.unit: u for u in result.units}
    for code, total in TOTALS.items():
        assert by[code].total == total
    s1 = by["S1"]
    # LV1 = 28,50 + 9,50; LV2 = 36,25 + 9,25; LV3 = 9,40 (satisfaction only)
    assert [s1.areas[a].points for a in ("LV1", "LV2", "LV3")] == [D("38.00"), D("45.50"), D("9.40")]
    assert (s1.appraisal, s1.survey, s1.satisfaction) == (D("64.75"), D("18.75"), D("9.40"))
    assert s1.percent == D("92.90") and s1.band == "A"
    assert result.missing == ()


def test_ranks_share_equal_totals_and_skip_the_next_rank():
    result = sample_result()
    assert [(u.unit, u.rank) for u in result.of_type("so")] == [("S1", 1), ("S2", 2), ("S3", 2), ("S4", 4)]
    assert [(u.unit, u.rank) for u in result.of_type("huyen")] == [("H2", 1), ("H1", 2)]


def test_tie_break_named_by_the_pack_separates_equal_totals():
    # S2 and S3 both total 87,00; survey 16,00 each; appraisal LV2: S3 36,00 > S2 35,00.
    result = sample_result(rules=IndexRules(bands=BANDS, tie_break=("survey", "LV2")))
    assert [(u.unit, u.rank) for u in result.of_type("so")] == [("S1", 1), ("S3", 2), ("S2", 3), ("S4", 4)]
    still_equal = sample_result(rules=IndexRules(bands=BANDS, tie_break=("survey",)))
    assert [u.rank for u in still_equal.of_type("so")] == [1, 2, 2, 4]


def test_bands_and_percent_of_the_applicable_maximum():
    result = sample_result(not_applicable={"S4": D("15")})
    s4 = next(u for u in result.units if u.unit == "S4")
    # 68 of the 85 points that apply = 80,00 % → band B, where 68 % of 100 would be band C.
    assert (s4.max_points, s4.percent, s4.band) == (D(85), D("80.00"), "B")
    plain = next(u for u in sample_result().units if u.unit == "S4")
    assert (plain.percent, plain.band) == (D("68.00"), "C")


def test_rounding_half_up_per_area_or_once_at_the_total():
    parts = [("S1", "10.005", "20.005", "0", "0", "0")]
    units, pts = UNITS[:1], points_table(parts)
    area = compute_index(units, UNIT_TYPES, AREAS, pts, IndexRules(stage="area"))
    total = compute_index(units, UNIT_TYPES, AREAS, pts, IndexRules(stage="total"))
    even = compute_index(units, UNIT_TYPES, AREAS, pts, IndexRules(stage="area", mode="half_even"))
    assert area.units[0].total == D("10.01") + D("20.01")  # each area 10,005 → 10,01 (half up)
    assert total.units[0].total == D("30.01")  # 30,010 exactly
    assert even.units[0].total == D("10.00") + D("20.00")  # half even: 10,005 → 10,00


def test_comparison_with_last_year_renamed_and_merged_units():
    by = {u.unit: u for u in sample_result().units}
    s1, s2, s3, s4 = by["S1"].last, by["S2"].last, by["S3"].last, by["S4"].last
    assert (s1.points_change, s1.rank_change, s1.direction) == (D("2.90"), 0, "same")
    assert (s2.last_total, s2.points_change, s2.rank_change, s2.direction) == (D("88.00"), D("-1.00"), 0, "same")
    assert (s3.points_change, s3.rank_change, s3.direction) == (D("7.00"), 2, "up")  # 4th → 2nd
    assert (s4.points_change, s4.rank_change, s4.direction) == (D("-2.50"), -1, "down")  # 3rd → 4th
    merged = compute_index(
        UNITS,
        UNIT_TYPES,
        AREAS,
        points_table(),
        IndexRules(bands=BANDS),
        [dict(unit="H2", total=85, rank=2), dict(unit="H9", total=80, rank=3)],
        {"H9": "H2"},
    )
    h2 = next(u for u in merged.units if u.unit == "H2")
    assert h2.last.merged_from == ("H2", "H9") and h2.last.points_change is None


def test_type_summary_figures_by_hand():
    t = type_summary(sample_result(), "so")
    # mean of 92,90 87,00 87,00 68,00 = 334,90 / 4 = 83,725 → 83,73 (half up)
    assert t.average == D("83.73")
    assert t.above == ("S1", "S2", "S3") and t.below == ("S4",)
    assert (t.best.units, t.best.value, t.worst.units, t.gap) == (("S1",), D("92.90"), ("S4",), D("24.90"))
    bands = {b.code: (b.count, b.percent, b.last_count) for b in t.bands}
    # last year: S1 A; S2 (as S2-OLD), S3, S4 B
    assert bands == {"A": (1, D("25.00"), 1), "B": (2, D("50.00"), 3), "C": (1, D("25.00"), 0)}
    # last year's mean of 90 88 80 70,5 = 82,125 → 82,13; change 83,73 − 82,13 = 1,60
    assert (t.last_average, t.average_change, t.last_gap) == (D("82.13"), D("1.60"), D("19.50"))
    assert (t.points.up, t.points.down) == (("S1", "S3"), ("S2", "S4"))
    assert (t.points.biggest_up.units, t.points.biggest_up.value) == (("S3",), D("7.00"))
    assert (t.points.biggest_down.units, t.points.biggest_down.value) == (("S4",), D("-2.50"))
    assert (t.ranks.up, t.ranks.same, t.ranks.down) == (("S3",), ("S1", "S2"), ("S4",))


def test_area_and_survey_summaries_by_hand():
    result = sample_result()
    lv1 = area_stats(result, "so")[0]
    # LV1: S1 38,00; S2 35,00; S3 34,50; S4 26,00 → mean 133,5 / 4 = 33,375 → 33,38
    assert (lv1.average, lv1.best.units, lv1.best.value, lv1.worst.units, lv1.worst.value) == (
        D("33.38"),
        ("S1",),
        D("38.00"),
        ("S4",),
        D("26.00"),
    )
    s = survey_summary(result, "so")
    # survey: 18,75 16,00 16,00 12,00 → mean 15,6875 → 15,69; 15,69 / 20 = 78,45 %
    assert (s.average, s.percent, s.below) == (D("15.69"), D("78.45"), ("S4",))
    assert (s.best.units, s.best.value, s.best_percent) == (("S1",), D("18.75"), D("93.75"))
    assert (s.worst.value, s.worst_percent) == (D("12.00"), D("60.00"))


def test_decision_survey_average_as_a_percentage():
    # The decision: 17,75/20 points is 88,75 %.
    units = [dict(unit=f"U{i}", name=f"Sở {i}", unit_type="so") for i in range(2)]
    pts = [
        dict(unit="U0", area="LV1", source="survey", points="17.50"),
        dict(unit="U1", area="LV1", source="survey", points="18.00"),
    ]
    s = survey_summary(compute_index(units, UNIT_TYPES[:1], AREAS[:3], pts, IndexRules()), "so")
    assert (s.average, s.percent) == (D("17.75"), D("88.75"))


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(source="survey!"), "source must be one of"),
        (dict(area="LV9"), "is not an area of type"),
        (dict(unit="NOPE"), "unknown unit"),
    ],
)
def test_bad_rows_are_refused_with_the_allowed_values(change, message):
    row = dict(unit="S1", area="LV1", source="survey", points=1) | change
    with pytest.raises(ValueError, match=message):
        compute_index(UNITS, UNIT_TYPES, AREAS, [row], IndexRules())


def test_missing_columns_and_bad_rules_are_named():
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['source'\]"):
        compute_index(UNITS, UNIT_TYPES, AREAS, [dict(unit="S1", area="LV1", points=1)], IndexRules())
    with pytest.raises(ValueError, match="stage must be one of"):
        IndexRules(stage="unit")
    with pytest.raises(ValueError, match="descending"):
        IndexRules(bands=tuple(reversed(BANDS)))
    result = compute_index(UNITS, UNIT_TYPES, AREAS, [], IndexRules())
    assert "S1: appraisal" in result.missing and all(u.total == 0 for u in result.units)
