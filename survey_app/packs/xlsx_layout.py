"""The criteria workbook's layout, shared by its reader and its writer: which sheet holds which part of
a pack, the kind of each column and whether it is required. The Vietnamese words (sheet names, headers,
the labels of choices) are in the packs catalogue, `survey_app.texts.packs`."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.vntext import fold

from ..texts.packs import WORKBOOK_CHOICES, WORKBOOK_COLUMNS, WORKBOOK_ITEMS, WORKBOOK_SHEETS


@dataclass(frozen=True)
class Field:
    """A column of a sheet (or a row of the first sheet): its pack key and how its cells read."""

    key: str
    kind: str  # code | text | raw | number | integer | bool | codes | rates | tie_break | a WORKBOOK_CHOICES key
    required: bool = False
    width: int = 14


def _f(key: str, kind: str = "code", required: bool = True, width: int = 14) -> Field:
    return Field(key, kind, required, width)


TABLES: dict[str, tuple[Field, ...]] = {
    "general": (_f("item", "text", width=36), _f("value", "raw", False, 60), _f("note", "text", False, 70)),
    "unit_types": (
        _f("code"),
        _f("name", "text", width=30),
        _f("total_points", "number"),
        _f("survey_points", "number"),
        _f("known_total_mismatch", "text", False, 60),
    ),
    "areas": (_f("unit_type"), _f("code"), _f("name", "text", width=60), _f("max_points", "number")),
    "groups": (
        _f("code"),
        _f("name", "text", width=60),
        _f("unit_type"),
        _f("rates", "rates", width=18),
        _f("min_responses", "integer", False),
        _f("weight", "number", False),
    ),
    "scales": (
        _f("scale"),
        _f("scale_name", "text", False, 30),
        _f("code"),
        _f("label", "text", width=30),
        _f("weight", "number", False),
        _f("dont_know", "bool", False),
    ),
    "questions": (
        _f("code"),
        _f("unit_type"),
        _f("area"),
        _f("criterion", "text", False),
        _f("sub_criterion", "text", False),
        _f("text", "text", width=80),
        _f("help", "text", False, 40),
        _f("scale"),
        _f("points", "number"),
        _f("groups", "codes", False, 24),
    ),
    "bands": (_f("code"), _f("name", "text", width=40), _f("min_percent", "number")),
    "satisfaction": (
        _f("unit_type"),
        _f("area"),
        _f("max_points", "number"),
        _f("rule", "rule", False),
        _f("floor_percent", "number", False),
    ),
    "units": (_f("code"), _f("name", "text", width=50), _f("unit_type")),
}
GENERAL: dict[str, Field] = {
    "code": _f("code", "code"),
    "title": _f("title", "text"),
    "year": _f("year", "integer"),
    "description": _f("description", "text", False),
    "wording_note": _f("wording_note", "text", False),
    "anonymous": _f("anonymous", "bool", False),
    "anonymity_k": _f("anonymity_k", "integer", False),
    "min_seconds": _f("min_seconds", "integer", False),
    "max_reminders": _f("max_reminders", "integer", False),
    "scoring.method": _f("scoring.method", "scoring.method"),
    "rounding.digits": _f("rounding.digits", "integer"),
    "rounding.mode": _f("rounding.mode", "rounding.mode"),
    "rounding.stage": _f("rounding.stage", "rounding.stage"),
    "tie_break": _f("tie_break", "tie_break", False),
}
# Sheet order in the workbook and in error lists; the last two are optional, "help" is never read.
ORDER = ("general", "unit_types", "areas", "groups", "scales", "questions", "bands", "satisfaction", "units", "help")
REQUIRED = ORDER[:7]
UNITS_FILE = "units.csv"  # the name a workbook's units list gets among the pack files


def sheet_title(kind: str) -> str:
    return WORKBOOK_SHEETS[kind]


def header(kind: str, key: str) -> str:
    return WORKBOOK_COLUMNS[kind][key]


def item_label(key: str) -> str:
    """The label of a row of the first sheet."""
    return WORKBOOK_ITEMS[key][0]


def item_note(key: str) -> str:
    return WORKBOOK_ITEMS[key][1]


def choices(kind: str) -> dict:
    """value → label of a choice column (booleans included)."""
    return WORKBOOK_CHOICES[kind]


def matcher(labels: dict) -> dict[str, object]:
    """fold(label) and fold(key) → key: what a typed word means, whatever its case or accents."""
    out: dict[str, object] = {}
    for key, label in labels.items():
        out[fold(str(label))] = key
        if isinstance(key, str):
            out[fold(key)] = key
    return out
