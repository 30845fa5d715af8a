"""The figures the decision's report text quotes: per unit type the average, units above and below it,
best and worst, bands with counts and shares, moves against last year; per area the average, best and
worst; the officials' survey summary. Computed from an `IndexResult`, decimal throughout."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import texts
from .index import IndexResult, UnitIndex
from .vntext import format_count


@dataclass(frozen=True)
class Named:
    """One value and every unit that reached it (ties are all named)."""

    value: Decimal
    units: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class BandCount:
    code: str
    name: str
    count: int
    percent: Decimal
    last_count: int | None  # None when last year is unknown

    @property
    def change(self) -> int | None:
        return None if self.last_count is None else self.count - self.last_count


@dataclass(frozen=True)
class Moves:
    """Units that went up, stayed, went down (in points or in rank), and the biggest move each way."""

    up: tuple[str, ...]
    same: tuple[str, ...]
    down: tuple[str, ...]
    biggest_up: Named | None
    biggest_down: Named | None  # value is negative (a fall)


@dataclass(frozen=True)
class TypeSummary:
    unit_type: str
    name: str
    count: int
    max_points: Decimal
    average: Decimal
    above: tuple[str, ...]  # strictly above the (exact) average
    below: tuple[str, ...]
    best: Named
    worst: Named
    gap: Decimal
    bands: tuple[BandCount, ...]
    compared: int  # units with a comparable result last year
    last_average: Decimal | None
    average_change: Decimal | None
    last_gap: Decimal | None
    points: Moves
    ranks: Moves


@dataclass(frozen=True)
class AreaStat:
    unit_type: str
    area: str
    name: str
    max_points: Decimal
    average: Decimal
    best: Named
    worst: Named


@dataclass(frozen=True)
class SurveySummary:
    unit_type: str
    name: str
    count: int
    max_points: Decimal
    average: Decimal
    percent: Decimal
    below: tuple[str, ...]
    best: Named
    best_percent: Decimal
    worst: Named
    worst_percent: Decimal


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _extreme(units: Sequence[UnitIndex], value: Callable[[UnitIndex], Decimal], pick) -> Named:
    target = pick(value(u) for u in units)
    hits = [u for u in units if value(u) == target]
    return Named(target, tuple(u.unit for u in hits), tuple(u.name for u in hits))


def _moves(units: Sequence[UnitIndex], change: Callable[[UnitIndex], Decimal | int | None]) -> Moves:
    known = [u for u in units if change(u) is not None]
    up = [u for u in known if change(u) > 0]
    down = [u for u in known if change(u) < 0]
    same = [u for u in known if change(u) == 0]
    as_dec = lambda u: Decimal(change(u))  # noqa: E731
    return Moves(
        tuple(u.unit for u in up),
        tuple(u.unit for u in same),
        tuple(u.unit for u in down),
        _extreme(up, as_dec, max) if up else None,
        _extreme(down, as_dec, min) if down else None,
    )


def type_summary(result: IndexResult, unit_type: str) -> TypeSummary:
    """The general results of one unit type (the decision's 'Kết quả chung')."""
    info = result.type_info(unit_type)
    units = result.of_type(unit_type)
    if not units:
        raise ValueError(f"no unit of type {unit_type!r}")
    r = result.rules.round
    exact = _mean([u.total for u in units])
    best = _extreme(units, lambda u: u.total, max)
    worst = _extreme(units, lambda u: u.total, min)
    compared = [u for u in units if u.last and u.last.points_change is not None]
    known_last = bool(compared)
    bands = tuple(
        BandCount(
            b.code,
            b.name,
            n := sum(1 for u in units if u.band == b.code),
            r(Decimal(100 * n) / len(units)),
            sum(1 for u in compared if u.last.last_band == b.code) if known_last else None,
        )
        for b in result.rules.bands
    )
    last_avg = r(_mean([u.last.last_total for u in compared])) if compared else None
    last_totals = [u.last.last_total for u in compared]
    return TypeSummary(
        unit_type,
        info.name,
        len(units),
        info.total_points,
        r(exact),
        tuple(u.unit for u in units if u.total > exact),
        tuple(u.unit for u in units if u.total < exact),
        best,
        worst,
        best.value - worst.value,
        bands,
        len(compared),
        last_avg,
        r(exact) - last_avg if last_avg is not None else None,
        max(last_totals) - min(last_totals) if last_totals else None,
        _moves(units, lambda u: u.last.points_change if u.last else None),
        _moves(units, lambda u: u.last.rank_change if u.last else None),
    )


def area_stats(result: IndexResult, unit_type: str) -> list[AreaStat]:
    """Per area: average points, best and worst unit (the decision's 'Kết quả của các tiêu chí')."""
    info = result.type_info(unit_type)
    units = result.of_type(unit_type)
    if not units:
        raise ValueError(f"no unit of type {unit_type!r}")
    out = []
    for code, name, max_points in info.areas:
        points = lambda u, c=code: u.areas[c].points  # noqa: E731
        out.append(
            AreaStat(
                unit_type,
                code,
                name,
                max_points,
                result.rules.round(_mean([points(u) for u in units])),
                _extreme(units, points, max),
                _extreme(units, points, min),
            )
        )
    return out


def survey_summary(result: IndexResult, unit_type: str) -> SurveySummary:
    """The officials' survey section: average out of the maximum and as a percentage, best, worst."""
    info = result.type_info(unit_type)
    units = result.of_type(unit_type)
    if not units:
        raise ValueError(f"no unit of type {unit_type!r}")
    r = result.rules.round
    exact = _mean([u.survey for u in units])
    pct = lambda v: r(v * 100 / info.survey_points)  # noqa: E731
    best = _extreme(units, lambda u: u.survey, max)
    worst = _extreme(units, lambda u: u.survey, min)
    return SurveySummary(
        unit_type,
        info.name,
        len(units),
        info.survey_points,
        r(exact),
        pct(r(exact)),
        tuple(u.unit for u in units if u.survey < exact),
        best,
        pct(best.value),
        worst,
        pct(worst.value),
    )


def disclosure_lines(result: IndexResult, unit_type: str) -> list[str]:
    """What the documents say under a unit type's results when units had fewer than k valid responses:
    which were withheld ('không đủ mẫu'), and which were published all the same (`publish_below_k`)."""
    lines = []
    withheld = result.withheld_of_type(unit_type)
    if withheld:
        units = "; ".join(texts.UNIT_RESPONSES.format(name=w.name, responses=w.responses) for w in withheld)
        count = format_count(len(withheld))
        lines.append(texts.WITHHELD_LINE.format(count=count, k=withheld[0].k, units=units))
    below = [u for u in result.of_type(unit_type) if u.below_k]
    if below:
        lines.append(texts.BELOW_K_LINE.format(units=", ".join(u.name for u in below), k=result.k))
    return lines
