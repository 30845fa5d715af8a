"""The k-anonymity folding of groups, on cases worked out by hand."""

import pytest

from analysis.privacy import Cell, fold_small_groups


def test_groups_at_or_above_k_stand_alone():
    assert fold_small_groups({"A": 3, "B": 7}, 3) == [Cell(("A",), 3), Cell(("B",), 7)]


def test_small_groups_fold_together_when_the_fold_reaches_k():
    # B (1) and C (2) are under 3; together 3 ≥ 3, so they form one cell and A stays alone.
    assert fold_small_groups({"A": 10, "B": 1, "C": 2}, 3) == [Cell(("A",), 10), Cell(("B", "C"), 3)]


def test_a_fold_still_under_k_absorbs_the_smallest_large_group():
    # B alone (2) would be shown, and 12 − 10 would reveal it: it absorbs C (4), the smallest group ≥ 3.
    assert fold_small_groups({"A": 10, "B": 2, "C": 4}, 3) == [Cell(("A",), 10), Cell(("B", "C"), 6)]


def test_a_unit_under_k_shows_nothing_and_empty_groups_are_left_out():
    assert fold_small_groups({"A": 1, "B": 1}, 3) == []
    assert fold_small_groups({"A": 5, "B": 0}, 3) == [Cell(("A",), 5)]


def test_k_must_be_positive():
    with pytest.raises(ValueError, match="k must be at least 1"):
        fold_small_groups({"A": 1}, 0)
