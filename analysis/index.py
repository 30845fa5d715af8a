"""The PAR index: appraisal + officials' survey + citizens' satisfaction per unit and area, totals,
percentage of the applicable maximum, ranks within each unit type, bands, and last year's comparison.

All arithmetic is decimal. Inputs are plain tables (sequences of mappings); `table_columns` documents
the columns each table needs. Summaries (averages, best/worst, moves) live in `index_summary`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from itertools import pairwise

from .disclosure import Sample, WithheldUnit, withheld_units
from .ranking import competition_ranks
from .tables import Table, dec, require_columns

SOURCES = ("appraisal", "survey", "satisfaction")
STAGES = ("question", "area", "total")
MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
TABLE_COLUMNS = {
    "units": ("unit", "name", "unit_type"),
    "unit_types": ("unit_type", "name", "total_points", "survey_points"),
    "areas": ("unit_type", "area", "name", "max_points"),
    "points": ("unit", "area", "source", "points"),
    "last_year": ("unit", "total", "rank"),
}


@dataclass(frozen=True)
class BandRule:
    code: str
    name: str
    min_percent: Decimal


@dataclass(frozen=True)
class IndexRules:
    """Rounding (digits, half-up or half-even, stage), bands and an optional tie-break from the pack.

    `tie_break` lists what decides between equal totals, in order: a source ('survey', 'appraisal',
    'satisfaction') or an area code. Empty: equal totals share a rank (1, 2, 2, 4).
    """

    digits: int = 2
    mode: str = "half_up"
    stage: str = "question"
    bands: tuple[BandRule, ...] = ()
    tie_break: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, not {self.stage!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {tuple(MODES)}, not {self.mode!r}")
        if not 0 <= self.digits <= 4:
            raise ValueError(f"digits must be between 0 and 4, not {self.digits}")
        mins = [b.min_percent for b in self.bands]
        if any(a <= b for a, b in pairwise(mins)):
            raise ValueError("bands must be listed with strictly descending min_percent")

    def round(self, value: Decimal) -> Decimal:
        return value.quantize(Decimal(1).scaleb(-self.digits), rounding=MODES[self.mode])

    def band_of(self, percent: Decimal) -> BandRule | None:
        return next((b for b in self.bands if percent >= b.min_percent), None)


@dataclass(frozen=True)
class AreaResult:
    area: str
    name: str
    max_points: Decimal
    appraisal: Decimal
    survey: Decimal
    satisfaction: Decimal
    points: Decimal  # rounded per the pack


@dataclass(frozen=True)
class Comparison:
    """Against last year: `rank_change` > 0 means the unit moved up that many places."""

    last_total: Decimal | None
    last_rank: int | None
    last_band: str | None
    points_change: Decimal | None
    rank_change: int | None
    direction: str | None  # 'up', 'same', 'down' (rank); None when not comparable
    merged_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitIndex:
    unit: str
    name: str
    unit_type: str
    areas: dict[str, AreaResult]
    appraisal: Decimal
    survey: Decimal
    satisfaction: Decimal
    total: Decimal
    max_points: Decimal  # the applicable maximum
    percent: Decimal
    rank: int
    band: str | None
    band_name: str | None
    last: Comparison | None
    below_k: bool = False  # published although fewer than k valid responses (the pack's publish_below_k)


@dataclass(frozen=True)
class TypeInfo:
    code: str
    name: str
    total_points: Decimal
    survey_points: Decimal
    areas: tuple[tuple[str, str, Decimal], ...]  # (code, name, max points) in pack order


@dataclass(frozen=True)
class IndexResult:
    """Every unit's index, in rank order within each unit type (types in the order given)."""

    rules: IndexRules
    types: tuple[TypeInfo, ...]
    units: tuple[UnitIndex, ...]
    missing: tuple[str, ...] = field(default=())  # 'unit: source' with no points at all
    withheld: tuple[WithheldUnit, ...] = field(default=())  # under k: neither ranked nor shown
    k: int | None = None  # the disclosure threshold applied (None: none, figures given as points)

    def of_type(self, unit_type: str) -> list[UnitIndex]:
        return [u for u in self.units if u.unit_type == unit_type]

    def withheld_of_type(self, unit_type: str) -> list[WithheldUnit]:
        return [u for u in self.withheld if u.unit_type == unit_type]

    def type_info(self, unit_type: str) -> TypeInfo:
        for t in self.types:
            if t.code == unit_type:
                return t
        raise ValueError(f"unit_type must be one of {[t.code for t in self.types]}, not {unit_type!r}")


def compute_index(
    units: Table,
    unit_types: Table,
    areas: Table,
    points: Table,
    rules: IndexRules,
    last_year: Table = (),
    code_map: Mapping[str, str] | None = None,
    not_applicable: Mapping[str, Decimal] | None = None,
    sample: Sample | None = None,
) -> IndexResult:
    """Merge the three sources per unit and area, total, rank, band and compare with last year.

    `points` is long: one row per unit × area × source (several rows add up, e.g. per criterion).
    `last_year` rows carry last year's codes; `code_map` maps an old code to this year's code (a
    renamed unit, or several old units merged into one). `not_applicable` gives, per unit, the points
    of criteria that do not apply to it: they leave its maximum, so its percentage is of what applies.

    With a `sample` the disclosure rule applies: a unit with fewer than k valid survey responses is
    withheld (`IndexResult.withheld`: not ranked, in no total or average, since its score would show a
    few people's ratings), or, when the pack says `publish_below_k`, ranked and marked `below_k`.
    Without one (published figures given as points) every unit is ranked.
    """
    for name, rows in (("units", units), ("unit_types", unit_types), ("areas", areas), ("points", points)):
        require_columns(rows, TABLE_COLUMNS[name], name)
    require_columns(last_year, TABLE_COLUMNS["last_year"], "last_year")
    types = _type_infos(unit_types, areas)
    known_types = {t.code: t for t in types}
    info = {}
    for u in units:
        if u["unit_type"] not in known_types:
            raise ValueError(f"unit {u['unit']!r}: unit_type must be one of {sorted(known_types)}")
        info[u["unit"]] = u
    sums: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    seen: set[tuple[str, str]] = set()
    for row in points:
        unit, area, source = row["unit"], row["area"], row["source"]
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
        if unit not in info:
            raise ValueError(f"points for unknown unit {unit!r}")
        if area not in {a[0] for a in known_types[info[unit]["unit_type"]].areas}:
            raise ValueError(f"unit {unit!r}: area {area!r} is not an area of type {info[unit]['unit_type']!r}")
        sums[unit][area][source] += dec(row["points"])
        seen.add((unit, source))
    withheld = withheld_units(info, sample)
    shown = [u for u in info if u not in {w.unit for w in withheld}]
    missing = tuple(f"{u}: {s}" for u in shown for s in SOURCES if (u, s) not in seen)
    na = {k: dec(v) for k, v in (not_applicable or {}).items()}
    drafts = [
        _unit_draft(info[u], known_types[info[u]["unit_type"]], sums[u], na.get(u, Decimal(0)), rules) for u in shown
    ]
    for d in drafts:
        d["below_k"] = sample is not None and sample.below(d["unit"])
    comparisons = _last_year_by_unit(last_year, code_map or {}, set(shown))
    ranked: list[UnitIndex] = []
    for t in types:
        ranked += _rank(t.code, [d for d in drafts if d["unit_type"] == t.code], rules, comparisons)
    return IndexResult(rules, types, tuple(ranked), missing, withheld, sample.k if sample else None)


def _type_infos(unit_types: Table, areas: Table) -> tuple[TypeInfo, ...]:
    by_type: dict[str, list[tuple[str, str, Decimal]]] = defaultdict(list)
    for a in areas:
        by_type[a["unit_type"]].append((a["area"], a["name"], dec(a["max_points"])))
    return tuple(
        TypeInfo(
            t["unit_type"], t["name"], dec(t["total_points"]), dec(t["survey_points"]), tuple(by_type[t["unit_type"]])
        )
        for t in unit_types
    )


def _unit_draft(unit: Mapping, t: TypeInfo, sums: Mapping, not_applicable: Decimal, rules: IndexRules) -> dict:
    areas: dict[str, AreaResult] = {}
    exact_total = Decimal(0)
    by_source = dict.fromkeys(SOURCES, Decimal(0))
    for code, name, max_points in t.areas:
        parts = {s: sums.get(code, {}).get(s, Decimal(0)) for s in SOURCES}
        exact = sum(parts.values(), Decimal(0))
        areas[code] = AreaResult(code, name, max_points, *(parts[s] for s in SOURCES), rules.round(exact))
        exact_total += exact
        for s in SOURCES:
            by_source[s] += parts[s]
    if rules.stage == "total":
        total = rules.round(exact_total)
    else:
        total = sum((a.points for a in areas.values()), Decimal(0))
    max_points = t.total_points - not_applicable
    if max_points <= 0:
        raise ValueError(f"unit {unit['unit']!r}: not-applicable points leave no maximum")
    percent = rules.round(total * 100 / max_points)
    band = rules.band_of(percent)
    return {
        "unit": unit["unit"],
        "name": unit["name"],
        "unit_type": unit["unit_type"],
        "areas": areas,
        **{s: rules.round(v) for s, v in by_source.items()},
        "total": total,
        "max_points": max_points,
        "percent": percent,
        "band": band.code if band else None,
        "band_name": band.name if band else None,
    }


def _sort_key(d: dict, rules: IndexRules) -> tuple:
    keys = [d["total"]]
    for k in rules.tie_break:
        keys.append(d[k] if k in SOURCES else d["areas"][k].points if k in d["areas"] else Decimal(0))
    return tuple(keys)


def _rank(unit_type: str, drafts: list[dict], rules: IndexRules, last: Mapping[str, Comparison]) -> list[UnitIndex]:
    """Competition ranking, descending: equal keys share a rank and the next rank skips (1, 2, 2, 4)."""
    order = sorted(drafts, key=lambda d: (tuple(-k for k in _sort_key(d, rules)), d["unit"]))
    ranks = competition_ranks([_sort_key(d, rules) for d in order])
    out: list[UnitIndex] = []
    for d, rank in zip(order, ranks, strict=True):
        cmp = last.get(d["unit"])
        if cmp is not None and cmp.last_total is not None and not cmp.merged_from:
            change = d["total"] - cmp.last_total
            rank_change = cmp.last_rank - rank if cmp.last_rank is not None else None
            direction = (
                None if rank_change is None else ("up" if rank_change > 0 else "down" if rank_change < 0 else "same")
            )
            cmp = Comparison(cmp.last_total, cmp.last_rank, cmp.last_band, change, rank_change, direction)
        out.append(UnitIndex(rank=rank, last=cmp, **d))
    return out


def _last_year_by_unit(rows: Table, code_map: Mapping[str, str], units: set[str]) -> dict[str, Comparison]:
    """Last year's row for each unit of this year; units made of several old ones are marked merged."""
    by_new: dict[str, list[Mapping]] = defaultdict(list)
    for row in rows:
        new = code_map.get(row["unit"], row["unit"])
        if new in units:
            by_new[new].append(row)
    out: dict[str, Comparison] = {}
    for unit, found in by_new.items():
        if len(found) > 1:
            out[unit] = Comparison(None, None, None, None, None, None, tuple(sorted(r["unit"] for r in found)))
            continue
        r = found[0]
        rank = r.get("rank")
        out[unit] = Comparison(
            dec(r["total"]), int(rank) if rank not in (None, "") else None, r.get("band") or None, None, None, None
        )
    return out
