"""The criteria workbook's sheets put together into a pack: the first sheet's settings, one list per
sheet, areas under their unit type, the rows of one scale code as one scale, the units as units.csv.
Each value's YAML path is remembered with the cell it came from (`where`), so the loader's issues can
be named by sheet, row and column."""

from __future__ import annotations

import csv
import io
import warnings

import yaml

from analysis.vntext import fold

from .archive import open_zip
from .checks import PackIssue
from .loader import PackError
from .xlsx_cells import MISSING, CellReader
from .xlsx_layout import GENERAL, ORDER, REQUIRED, TABLES, UNITS_FILE, item_label, matcher
from .xlsx_layout import sheet_title as title_of

MAX_ROWS = 20_000
# What an empty required list stands in for, so the other sheets are still checked.
_BAND = {"code": "_", "name": "?", "min_percent": 0}
_SCALE = {"code": "_", "options": [{"code": "a", "label": "?", "weight": 1}, {"code": "b", "label": "?", "weight": 0}]}
_AREA = {"code": "_", "name": "?", "max_points": 0}
_TYPE = {"code": "_", "name": "?", "total_points": 0, "survey_points": 0, "areas": [_AREA]}
_GROUP = {"code": "_", "name": "?", "rates": "own"}


class SheetReader(CellReader):
    def __init__(self, name: str):
        super().__init__(name)
        self.pack: dict = {}
        self.units_csv: str | None = None
        self.unit_rows: list[int] = []
        self.refused_areas: set[str] = set()  # areas whose row named no known unit type

    def read(self, data: bytes) -> dict[str, str]:
        """The pack files of the workbook (its problems are in `issues`)."""
        by_title, sheets = self._open(data), {}
        for kind in ORDER[:-1]:
            ws = by_title.get(fold(title_of(kind)))
            if ws is None:
                if kind in REQUIRED:
                    self.bad.add((kind, None, None))
                    issue = PackIssue(self.name, "", "xlsx_sheet_missing", {"sheet": title_of(kind)})
                    self.issues.append(((kind, None, None), issue))
                continue
            self.titles[kind] = ws.title
            if ws.max_row > MAX_ROWS:
                self.err((kind, None, None), "xlsx_too_many_rows", rows=ws.max_row, limit=MAX_ROWS)
                continue
            sheets[kind] = ws
        if units := self._records(sheets, "units"):
            self.units_csv = self._units_text(units)
        self.pack = self._build(sheets)
        return self.files()

    def files(self) -> dict[str, str]:
        """pack.yaml (questions included, in the sheet's order) and units.csv, from what was read."""
        yaml_text = _yaml(self.pack)
        return (
            {"pack.yaml": yaml_text} if self.units_csv is None else {"pack.yaml": yaml_text, UNITS_FILE: self.units_csv}
        )

    def _open(self, data: bytes) -> dict:
        from openpyxl import load_workbook

        open_zip(self.name, data).close()  # an xlsx is a zip: the same limits first
        try:
            with warnings.catch_warnings():  # openpyxl warns about Excel features it skips (extensions, styles)
                warnings.simplefilter("ignore")
                wb = load_workbook(io.BytesIO(data), data_only=True)
        except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
            raise PackError([PackIssue(self.name, "", "xlsx_unreadable", {"detail": type(exc).__name__})]) from None
        return {fold(ws.title): ws for ws in wb.worksheets}

    def _build(self, sheets: dict) -> dict:
        general = self._general(sheets)
        pack: dict = {"format": 1}
        for key in ("code", "title", "year", "description", "wording_note", "anonymous", "anonymity_k"):
            if key in general:
                pack[key] = general[key]
        for key in ("min_seconds", "max_reminders"):
            if key in general:
                pack[key] = general[key]
        if self.units_csv is not None:
            pack["units_file"] = UNITS_FILE
        pack["scoring"] = {"method": general["scoring.method"]}
        pack["rounding"] = {k: general[f"rounding.{k}"] for k in ("digits", "mode", "stage")}
        pack["bands"] = self._list(sheets, "bands") or [self._empty_sheet("bands", _BAND)]
        pack["scales"] = self._scales(sheets) or [self._empty_sheet("scales", _SCALE)]
        if satisfaction := self._list(sheets, "satisfaction"):
            pack["satisfaction"] = satisfaction
        pack["unit_types"] = self._unit_types(sheets) or [self._empty_sheet("unit_types", _TYPE)]
        group = dict(_GROUP, unit_type=pack["unit_types"][0]["code"])
        pack["groups"] = self._list(sheets, "groups") or [self._empty_sheet("groups", group)]
        pack["questions"] = self._list(sheets, "questions")
        if "tie_break" in general:
            pack["tie_break"] = general["tie_break"]
        return pack

    def _empty_sheet(self, kind: str, stand_in: dict) -> dict:
        """A required list with no row: said once (unless its sheet is missing), and a stand-in to go on."""
        if (kind, None, None) not in self.bad:
            self.err((kind, None, None), "xlsx_sheet_empty", sheet=self.title(kind))
        return stand_in

    def _general(self, sheets: dict) -> dict:
        items = matcher({key: item_label(key) for key in GENERAL})
        values, first = {}, {}
        for row, rec in self._records(sheets, "general"):
            label = rec.get("item", "")
            key = items.get(fold(label))
            if key is None:
                if ("general", row, "item") not in self.bad:  # an empty label was already said
                    self.err(("general", row, "item"), "xlsx_unknown_item", item=label)
                continue
            if key in first:
                self.err(("general", row, "item"), "xlsx_duplicate_item", item=label, first=first[key])
                continue
            first[key] = row
            self.where[key] = ("general", row, key)
            value = self._cell("general", row, GENERAL[key], rec.get("value"))
            if value is not MISSING:
                values[key] = value
        for key, f in GENERAL.items():
            if key not in first and f.required:
                if ("general", None, None) not in self.bad:
                    self.err(("general", None, key), "xlsx_item_missing", item=item_label(key))
                self.where[key] = ("general", None, key)
                values[key] = self._stand_in(("general", None, key), f)
        for nested in ("scoring", "rounding"):
            self.where.setdefault(nested, self.where.get(f"{nested}.method", ("general", None, None)))
        return values

    def _place(self, path: str, kind: str, row: int, keys) -> None:
        self.where[path] = (kind, row, None)
        for key in keys:
            self.where[f"{path}.{key}"] = (kind, row, key)

    def _list(self, sheets: dict, kind: str) -> list[dict]:
        self.where[kind] = (kind, None, None)
        out = []
        for i, (row, rec) in enumerate(self._records(sheets, kind)):
            self._place(f"{kind}[{i}]", kind, row, (f.key for f in TABLES[kind]))
            out.append(rec)
        return out

    def _unit_types(self, sheets: dict) -> list[dict]:
        types = [dict(t, areas=[]) for t in self._list(sheets, "unit_types")]
        index = {}
        for i, t in enumerate(types):
            index.setdefault(t["code"], i)
            self.where[f"unit_types[{i}].areas"] = self.where[f"unit_types[{i}]"]
        for row, rec in self._records(sheets, "areas"):
            code = rec.pop("unit_type")
            if code not in index:
                if ("areas", row, "unit_type") not in self.bad and ("unit_types", None, None) not in self.bad:
                    self.err(("areas", row, "unit_type"), "unknown_unit_type", value=code)
                self.refused_areas.add(rec.get("code"))
                continue
            areas = types[index[code]]["areas"]
            self._place(f"unit_types[{index[code]}].areas[{len(areas)}]", "areas", row, ("code", "name", "max_points"))
            areas.append(rec)
        for i, t in enumerate(types):
            if not t["areas"]:
                loc = self.where[f"unit_types[{i}]"]
                if ("areas", None, None) not in self.bad and loc not in self.bad:
                    areas_title = self.title("areas")
                    self.err(loc, "xlsx_type_without_areas", unit_type=t["code"], sheet=areas_title)
                t["areas"] = [dict(_AREA)]
        return types

    def _scales(self, sheets: dict) -> list[dict]:
        """One row per option; the rows with one scale code make a scale, in the order they first appear."""
        self.where["scales"] = ("scales", None, None)
        scales: list[dict] = []
        index: dict[str, int] = {}
        named: dict[str, tuple[str, int]] = {}  # scale code → (its name, the row that gave it)
        for row, rec in self._records(sheets, "scales"):
            code, name = rec.pop("scale"), rec.pop("scale_name", None)
            if code not in index:
                i = index[code] = len(scales)
                scales.append({"code": code, "options": []})
                self.where[f"scales[{i}]"] = self.where[f"scales[{i}].options"] = ("scales", row, None)
                self.where[f"scales[{i}].code"] = ("scales", row, "scale")
            i = index[code]
            if name is not None and code not in named:
                named[code] = (name, row)
                self.where[f"scales[{i}].name"] = ("scales", row, "scale_name")
            elif name is not None and name != named[code][0]:
                first_name, first = named[code]
                loc = ("scales", row, "scale_name")
                self.err(loc, "xlsx_scale_name_differs", value=name, first=first, name=first_name)
            options = scales[i]["options"]
            self._place(f"scales[{i}].options[{len(options)}]", "scales", row, ("code", "label", "weight", "dont_know"))
            options.append(rec)
        for i, scale in enumerate(scales):
            if scale["code"] in named:
                scale["name"] = named[scale["code"]][0]
            if len(scale["options"]) < 2:
                self.err(self.where[f"scales[{i}]"], "xlsx_too_few_options", scale=scale["code"], minimum=2)
                scale["options"] += _SCALE["options"][len(scale["options"]) :]
        return scales

    def _units_text(self, units: list[tuple[int, dict]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "name", "unit_type"])
        for row, rec in units:
            writer.writerow([rec["code"], rec["name"], rec["unit_type"]])
            self.unit_rows.append(row)
        return out.getvalue()


def _yaml(pack: dict) -> str:
    """The generated pack.yaml: block style, keys in the format's order, Vietnamese kept as typed."""
    head = "# Generated from the criteria workbook (Excel); the workbook is the source, not this file.\n"
    return head + yaml.safe_dump(pack, allow_unicode=True, sort_keys=False, width=120)
