"""The one disclosure rule. No figure that leaves the server (a page, the API, a chart, the workbook,
the report, an export, the bot) comes from fewer than k valid responses:

- a figure about a target unit, or any finer cell of it (a group, a question, an option's share), is
  shown only when at least k valid responses are in it (`disclose`, `withheld`); below k the output says
  why ("chưa đủ 3 phiếu để hiển thị");
- groups under k are folded together so that no cell, and no difference between cells and the unit's
  total, shows fewer than k (`fold_small_groups`);
- a live figure changes only when at least k new valid responses entered its cell since it last
  changed: that is how responses reach the tallies at all (the mixer releases submissions in batches of
  at least k per cell: `survey_app/services/survey/mixing.py`), so every figure built from the tallies
  obeys it; `step_released` states the property the tests check.

Pure functions on counts; every output calls them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Disclosure:
    """Whether a figure built from `responses` valid responses may be shown, with k the pack's threshold."""

    responses: int
    k: int

    @property
    def shown(self) -> bool:
        return self.responses >= self.k

    @property
    def reason(self) -> str | None:
        """None when shown, else 'below_k' (the interfaces say "chưa đủ k phiếu")."""
        return None if self.shown else "below_k"


def disclose(responses: int, k: int) -> Disclosure:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if responses < 0:
        raise ValueError(f"responses must be at least 0, not {responses}")
    return Disclosure(responses, k)


def withheld(counts: Mapping[str, int], k: int) -> set[str]:
    """The keys (units, cells) whose figures may not be shown: fewer than k valid responses."""
    return {key for key, n in counts.items() if not disclose(n, k).shown}


def step_released(history: Sequence[tuple[int, object]], k: int) -> bool:
    """True when a figure, read after each new response as (valid responses in its cell, value), changed
    only after at least k new responses since its last change (or since it was first shown)."""
    last_count, last_value = None, None
    for count, value in history:
        if value is None:  # not shown (below k)
            continue
        if last_value is not None and value != last_value and count - last_count < k:
            return False
        if value != last_value:
            last_count, last_value = count, value
    return True


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


@dataclass(frozen=True)
class Sample:
    """What the disclosure rule needs: valid survey responses about each unit, the pack's k, and whether
    the pack publishes a unit's index all the same when it has fewer (`publish_below_k`)."""

    responses: Mapping[str, int]
    k: int
    publish_below_k: bool = False

    def below(self, unit: str) -> bool:
        return not disclose(self.responses.get(unit, 0), self.k).shown


@dataclass(frozen=True)
class WithheldUnit:
    """A unit with fewer than k valid responses, its index not published: 'không đủ mẫu'."""

    unit: str
    name: str
    unit_type: str
    responses: int
    k: int


def withheld_units(info: Mapping[str, Mapping], sample: Sample | None) -> tuple[WithheldUnit, ...]:
    """The units (code → unit row with name and unit_type) whose index is not published under `sample`."""
    if sample is None or sample.publish_below_k:
        return ()
    return tuple(
        WithheldUnit(u, row["name"], row["unit_type"], sample.responses.get(u, 0), sample.k)
        for u, row in info.items()
        if sample.below(u)
    )
