"""Competition ranking, written once: every ranked table (the index, an area, the live scores) uses it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def competition_ranks(keys: Sequence[Any]) -> list[int]:
    """Descending 'standard competition' ranks of `keys`, in their order: equal keys share a rank and the
    next rank skips (scores 9, 8, 8, 7 → ranks 1, 2, 2, 4). Keys may be numbers or tuples (tie-breaks)."""
    order = sorted(range(len(keys)), key=lambda i: keys[i], reverse=True)
    ranks = [0] * len(keys)
    previous, rank = object(), 0
    for position, i in enumerate(order, start=1):
        if keys[i] != previous:
            rank, previous = position, keys[i]
        ranks[i] = rank
    return ranks
