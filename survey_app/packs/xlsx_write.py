"""Write a pack's content as the criteria workbook (the reader is `xlsx`): one sheet per part, headers on
row 1, numbers as numbers, codes and texts as text cells (Excel never turns criterion 1.2 into a date),
drop-down lists where a column takes a fixed choice. What the pack leaves out stays empty, so the
round trip gives back the same content."""

from __future__ import annotations

import io

from ..texts.packs import WORKBOOK_HELP
from .xlsx_layout import GENERAL, ORDER, TABLES, choices, header, item_label, item_note, sheet_title

TEXT_KINDS = ("code", "text", "codes", "rates", "tie_break", "raw")
LIST_ROWS = 2000  # rows below the header that get a column's drop-down list


def write_workbook(content: dict) -> bytes:
    """The .xlsx bytes of a pack's normalised content (`LoadedPack.content`, a campaign's `pack_content`)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    rows = _rows(content)
    for kind in ORDER:
        ws = wb.create_sheet(sheet_title(kind))
        if kind == "help":
            ws.column_dimensions["A"].width = 120
            for line in WORKBOOK_HELP:
                ws.append([line])
            continue
        _table(ws, kind, rows[kind])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _table(ws, kind: str, rows: list[list]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fields = TABLES[kind]
    ws.append([header(kind, f.key) for f in fields])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    for r, values in enumerate(rows, start=2):
        for c, (f, value) in enumerate(zip(fields, values, strict=True), start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a text starting with '=' stays text, never a formula
                cell.number_format = "@"
            if f.width >= 40:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for c, f in enumerate(fields, start=1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = f.width
        if kind != "general" and f.kind in TEXT_KINDS:
            ws.column_dimensions[letter].number_format = "@"  # rows typed later stay text too
        if kind != "general" and f.kind in ("bool", "rule"):
            _drop_down(ws, choices(f.kind).values(), f"{letter}2:{letter}{LIST_ROWS}")
    if kind == "general":
        for r, key in enumerate(GENERAL, start=2):
            kind_of = GENERAL[key].kind
            if kind_of in ("bool", "scoring.method", "rounding.mode", "rounding.stage"):
                _drop_down(ws, choices(kind_of).values(), f"B{r}")


def _drop_down(ws, labels, cells: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
    rule.add(cells)
    ws.add_data_validation(rule)


def _rows(c: dict) -> dict[str, list[list]]:
    """Each sheet's rows, in the order of its columns; None for what the pack leaves out."""
    raters = _raters(c)
    return {
        "general": [[item_label(k), _general_value(c, k), item_note(k)] for k in GENERAL],
        "unit_types": [_pick(t, "unit_types") for t in c["unit_types"]],
        "areas": [[t["code"], a["code"], a["name"], a["max_points"]] for t in c["unit_types"] for a in t["areas"]],
        "groups": [_pick(g, "groups", rates=_rates(g["rates"])) for g in c["groups"]],
        "scales": [
            [s["code"], s.get("name"), o["code"], o["label"], o.get("weight"), _bool(o.get("dont_know"))]
            for s in c["scales"]
            for o in s["options"]
        ],
        "questions": [_pick(q, "questions", groups=_groups(q, raters)) for q in c.get("questions", [])],
        "bands": [_pick(b, "bands") for b in c["bands"]],
        "satisfaction": [
            _pick(s, "satisfaction", rule=_label("rule", s.get("rule"))) for s in c.get("satisfaction", [])
        ],
        "units": [_pick(u, "units") for u in c.get("units", [])],
    }


def _pick(item: dict, kind: str, **shown) -> list:
    return [shown[f.key] if f.key in shown else item.get(f.key) for f in TABLES[kind]]


def _groups(q: dict, raters: dict[str, list[str]]) -> str | None:
    """A question's groups, or nothing when they are the default (every group rating its unit type)."""
    groups = q.get("groups")
    return None if groups is None or groups == raters.get(q["unit_type"]) else ", ".join(groups)


def _raters(c: dict) -> dict[str, list[str]]:
    """Unit type → the groups that rate it, in pack order: a question's groups when it names none."""
    out: dict[str, list[str]] = {t["code"]: [] for t in c["unit_types"]}
    for g in c["groups"]:
        target = g["unit_type"] if g["rates"] == "own" else g["rates"]["unit_type"]
        out.setdefault(target, []).append(g["code"])
    return out


def _general_value(c: dict, key: str):
    first, _, second = key.partition(".")
    value = c.get(first, {}).get(second) if second else c.get(first)
    if value is None:
        return None
    kind = GENERAL[key].kind
    if kind == "bool":
        return _bool(value)
    if kind == "tie_break":
        return "; ".join(_label("tie_break", v) or v for v in value)
    if kind in ("scoring.method", "rounding.mode", "rounding.stage"):
        return _label(kind, value)
    return value


def _rates(rates) -> str:
    return _label("rates", "own") if rates == "own" else rates["unit_type"]


def _bool(value) -> str | None:
    return None if value is None else choices("bool")[bool(value)]


def _label(kind: str, value) -> str | None:
    return None if value is None else choices(kind).get(value, value)
