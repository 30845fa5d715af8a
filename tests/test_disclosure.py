"""The disclosure rule: cases worked out by hand, then the rule as properties over random counts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.disclosure import Cell, disclose, fold_small_groups, step_released, withheld


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


# -- the rule as properties -------------------------------------------------------------------------

COUNTS = st.dictionaries(st.sampled_from(["G1", "G2", "G3", "G4", "G5"]), st.integers(0, 12), max_size=5)


@given(COUNTS, st.integers(1, 6))
@settings(max_examples=500, deadline=None)
def test_no_cell_and_no_difference_shows_fewer_than_k(counts, k):
    cells = fold_small_groups(counts, k)
    assert all(c.responses >= k for c in cells)  # no cell under k
    shown = [g for c in cells for g in c.groups]
    assert len(shown) == len(set(shown))  # a group is in one cell at most
    if cells:
        # every answering group is in a cell, so the unit's total minus the cells shows nothing hidden
        assert set(shown) == {g for g, n in counts.items() if n > 0}
        assert sum(c.responses for c in cells) == sum(counts.values())
    else:
        assert sum(counts.values()) < k
    for c in cells:  # and a cell's figure is the sum of its groups, never a subtraction of two shown ones
        assert c.responses == sum(counts[g] for g in c.groups)


@given(st.integers(0, 50), st.integers(1, 10))
def test_disclose_shows_exactly_from_k(responses, k):
    d = disclose(responses, k)
    assert d.shown == (responses >= k) and (d.reason is None) == d.shown
    assert withheld({"U": responses}, k) == (set() if d.shown else {"U"})


def test_disclose_refuses_nonsense():
    with pytest.raises(ValueError, match="k must be at least 1"):
        disclose(3, 0)
    with pytest.raises(ValueError, match="responses must be at least 0"):
        disclose(-1, 3)


def test_step_release_is_checked_by_counts_between_changes():
    k = 3
    assert step_released([(1, None), (2, None), (3, 10), (4, 10), (5, 10), (6, 11)], k)
    assert not step_released([(3, 10), (4, 11)], k)  # one new response moved the figure
    assert not step_released([(3, 10), (5, 10), (6, 12), (7, 13)], k)
    assert step_released([(3, 10), (6, 12), (9, 13)], k)
