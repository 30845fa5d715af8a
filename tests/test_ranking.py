"""Competition ranking (written once in analysis.ranking), as the decision ranks: 1, 2, 2, 4."""

from decimal import Decimal as D

from analysis.ranking import competition_ranks


def test_equal_scores_share_a_rank_and_the_next_skips():
    assert competition_ranks([D("9"), D("8"), D("8"), D("7")]) == [1, 2, 2, 4]
    assert competition_ranks([D("7"), D("8"), D("9"), D("8")]) == [4, 2, 1, 2]  # in the order given


def test_tuple_keys_break_ties_in_order():
    assert competition_ranks([(D(9), D(1)), (D(9), D(2)), (D(8), D(5))]) == [2, 1, 3]


def test_empty_and_single():
    assert competition_ranks([]) == [] and competition_ranks([D(1)]) == [1]
