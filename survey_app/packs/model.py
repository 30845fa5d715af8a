"""Typed, read-only view of a validated questionnaire pack.

A campaign stores the pack as a plain dict (JSON); `Pack.from_dict` rebuilds this view from it,
so a pack file edited later never changes a running campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    weight: Decimal | None  # None for a "don't know" option, which leaves the denominator
    dont_know: bool = False


@dataclass(frozen=True)
class Scale:
    code: str
    name: str
    options: tuple[Option, ...]

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    max_points: Decimal


@dataclass(frozen=True)
class UnitType:
    code: str
    name: str
    total_points: Decimal
    survey_points: Decimal
    areas: tuple[Area, ...]
    known_total_mismatch: str | None = None


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    unit_type: str
    rates_unit_type: str | None  # None: the group rates its own unit
    min_responses: int
    weight: Decimal | None

    @property
    def is_matrix(self) -> bool:
        return self.rates_unit_type is not None

    def target_type(self) -> str:
        return self.rates_unit_type or self.unit_type


@dataclass(frozen=True)
class Question:
    code: str
    unit_type: str
    area: str
    text: str
    scale: str
    points: Decimal
    groups: tuple[str, ...]
    criterion: str | None = None
    sub_criterion: str | None = None
    help: str | None = None


@dataclass(frozen=True)
class Band:
    code: str
    name: str
    min_percent: Decimal


@dataclass(frozen=True)
class SatisfactionRule:
    """Citizens' satisfaction of a unit type: `max_points` in `area`; a percentage p becomes
    max_points × (p − floor) / (100 − floor), and 0 below the floor (rule 'linear')."""

    unit_type: str
    area: str
    max_points: Decimal
    rule: str = "linear"
    floor_percent: Decimal = Decimal(0)

    def points(self, percent: Decimal) -> Decimal:
        if percent <= self.floor_percent:
            return Decimal(0)
        return self.max_points * (percent - self.floor_percent) / (100 - self.floor_percent)


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    unit_type: str


@dataclass(frozen=True)
class Pack:
    code: str
    title: str
    year: int
    scoring_method: str
    rounding_digits: int
    rounding_mode: str
    rounding_stage: str
    anonymous: bool
    anonymity_k: int
    publish_below_k: bool
    min_seconds: int | None
    max_reminders: int
    bands: tuple[Band, ...]
    scales: tuple[Scale, ...]
    unit_types: tuple[UnitType, ...]
    groups: tuple[Group, ...]
    questions: tuple[Question, ...]
    units: tuple[UnitRow, ...] = ()
    description: str | None = None
    wording_note: str | None = None
    content: dict = field(default_factory=dict, compare=False, repr=False)
    satisfaction: tuple[SatisfactionRule, ...] = ()
    tie_break: tuple[str, ...] = ()

    def satisfaction_for(self, unit_type: str) -> SatisfactionRule | None:
        return next((s for s in self.satisfaction if s.unit_type == unit_type), None)

    @cached_property
    def scale_by_code(self) -> dict[str, Scale]:
        return {s.code: s for s in self.scales}

    @cached_property
    def group_by_code(self) -> dict[str, Group]:
        return {g.code: g for g in self.groups}

    @cached_property
    def unit_type_by_code(self) -> dict[str, UnitType]:
        return {t.code: t for t in self.unit_types}

    @cached_property
    def question_by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}

    @cached_property
    def option_weights(self) -> dict[str, dict[str, Decimal | None]]:
        """Question code → option code → weight (None for "don't know")."""
        return {q.code: {o.code: o.weight for o in self.scale_by_code[q.scale].options} for q in self.questions}

    def questions_for(self, group_code: str) -> list[Question]:
        """Questions a group answers, in pack order (for each unit it rates)."""
        return [q for q in self.questions if group_code in q.groups]

    @classmethod
    def from_dict(cls, d: dict) -> Pack:
        """Rebuild the typed view from the normalised dict produced by the loader."""
        dec = _dec
        return cls(
            code=d["code"],
            title=d["title"],
            year=d["year"],
            description=d.get("description"),
            wording_note=d.get("wording_note"),
            scoring_method=d["scoring"]["method"],
            rounding_digits=d["rounding"]["digits"],
            rounding_mode=d["rounding"]["mode"],
            rounding_stage=d["rounding"]["stage"],
            anonymous=d.get("anonymous", True),
            anonymity_k=d.get("anonymity_k", 3),
            publish_below_k=d.get("publish_below_k", False),
            min_seconds=d.get("min_seconds"),
            max_reminders=d.get("max_reminders", 3),
            bands=tuple(Band(b["code"], b["name"], dec(b["min_percent"])) for b in d["bands"]),
            scales=tuple(_scale(s) for s in d["scales"]),
            unit_types=tuple(_unit_type(t) for t in d["unit_types"]),
            groups=tuple(_group(g) for g in d["groups"]),
            questions=tuple(_question(q) for q in d.get("questions", [])),
            units=tuple(UnitRow(u["code"], u["name"], u["unit_type"]) for u in d.get("units", [])),
            content=d,
            satisfaction=tuple(
                SatisfactionRule(
                    s["unit_type"],
                    s["area"],
                    dec(s["max_points"]),
                    s.get("rule", "linear"),
                    dec(s.get("floor_percent", 0)),
                )
                for s in d.get("satisfaction", [])
            ),
            tie_break=tuple(d.get("tie_break", [])),
        )


def _scale(s: dict) -> Scale:
    options = tuple(
        Option(o["code"], o["label"], _dec(o.get("weight")), o.get("dont_know", False)) for o in s["options"]
    )
    return Scale(s["code"], s.get("name", s["code"]), options)


def _unit_type(t: dict) -> UnitType:
    areas = tuple(Area(a["code"], a["name"], _dec(a["max_points"])) for a in t["areas"])
    return UnitType(
        t["code"], t["name"], _dec(t["total_points"]), _dec(t["survey_points"]), areas, t.get("known_total_mismatch")
    )


def _group(g: dict) -> Group:
    rates = None if g["rates"] == "own" else g["rates"]["unit_type"]
    return Group(g["code"], g["name"], g["unit_type"], rates, g.get("min_responses", 3), _dec(g.get("weight")))


def _question(q: dict) -> Question:
    return Question(
        q["code"],
        q["unit_type"],
        q["area"],
        q["text"],
        q["scale"],
        _dec(q["points"]),
        tuple(q["groups"]),
        q.get("criterion"),
        q.get("sub_criterion"),
        q.get("help"),
    )


def _dec(value: object) -> Decimal | None:
    """Exact decimal of a YAML number: 0.6 stays 0.6, not 0.59999…"""
    return None if value is None else Decimal(str(value))
