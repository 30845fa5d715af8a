"""The anonymity threshold: a group with fewer than k valid responses is never shown on its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """What may be shown: one group alone, or several groups folded together."""

    groups: tuple[str, ...]
    responses: int

    @property
    def folded(self) -> bool:
        return len(self.groups) > 1


def fold_small_groups(counts: Mapping[str, int], k: int) -> list[Cell]:
    """Cells to display for one unit, given valid responses per group.

    Groups under k are folded together; when that fold is still under k, it absorbs the smallest
    group that could stand alone, so no cell (and no difference between cells and the unit total)
    reveals fewer than k people. A unit with fewer than k responses in all shows no cell at all.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if sum(counts.values()) < k:
        return []
    large = sorted((g for g, n in counts.items() if n >= k), key=lambda g: (counts[g], g))
    small = sorted(g for g, n in counts.items() if 0 < n < k)
    if small and sum(counts[g] for g in small) < k:
        small.append(large.pop(0))
    cells = [Cell((g,), counts[g]) for g in sorted(large)]
    if small:
        cells.append(Cell(tuple(sorted(small)), sum(counts[g] for g in small)))
    return cells
