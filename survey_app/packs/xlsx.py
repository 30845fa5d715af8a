"""The criteria workbook: a pack as Excel sheets (staff write each year's criteria in Excel), read back
into the pack's files (pack.yaml and units.csv) and loaded by `load_pack_files` like any pack.

Every problem comes back at once, named by sheet, row and column: the reader's own (a missing sheet or
column, a merged cell, a cell that is not a number…) and the loader's checks, whose YAML paths
(`questions[3].area`) are mapped back to the row and column the value came from. A bad cell gets a
stand-in value so the checks still run on the rest; when the loader refuses the structure (a code with
a space, a negative number), the refused values get stand-ins too and the meaning checks run once more.
What a stand-in alone causes is dropped: the same cell again, a row already reported, a sum, a
reference to a sheet that could not be read.

The generated files are canonical (the same criteria give the same bytes however often the workbook
was saved), so the campaign's SHA-256 names the criteria, not an Excel file; the upload's own hash is
kept in the audit log. `write_workbook` makes the workbook from a pack's content.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .archive import check_size
from .checks import PackIssue
from .loader import LoadedPack, PackError, load_pack_files
from .xlsx_cells import Location
from .xlsx_layout import ORDER, TABLES, UNITS_FILE
from .xlsx_sheets import SheetReader
from .xlsx_write import write_workbook

__all__ = ["load_workbook_pack", "workbook_files", "write_workbook"]

# Checks over many rows at once: a stand-in value would make them fail, so they wait for a clean read.
_WHOLE_FILE = {
    "area_sum",
    "survey_points_sum",
    "area_points_above_max",
    "group_weights_sum",
    "bands_not_descending",
    "last_band_not_zero",
    "type_not_rated",
    "question_without_raters",
}
# A reference to what a sheet could not give (its sheet missing or empty) says nothing new.
_REFERS = {
    "unknown_scale": "scales",
    "unknown_unit_type": "unit_types",
    "unknown_area": "areas",
    "unknown_group": "groups",
    "group_does_not_rate": "groups",
}
_STRUCTURE = {
    "key_required",
    "unknown_keys",
    "rates_form",
    "wrong_type",
    "not_allowed_value",
    "bad_code",
    "below_minimum",
    "above_maximum",
    "too_short",
    "schema_error",
}


def load_workbook_pack(data: bytes, name: str = "tieu-chi.xlsx") -> LoadedPack:
    """Read a criteria workbook and load the pack it holds; PackError lists every problem."""
    check_size(name, data)
    book = _Workbook(name)
    files = book.read(data)
    try:
        loaded = load_pack_files(files)
    except PackError as exc:
        found = book.keep(exc.issues)
        if all(i.code in _STRUCTURE for i in exc.issues) and book.patch(exc.issues):
            try:
                load_pack_files(book.files())
            except PackError as again:
                found += book.keep(again.issues)
        raise PackError(book.all_issues(found)) from None
    if book.issues:
        raise PackError(book.all_issues([]))
    return replace(loaded, warnings=[book.mapped(w)[1] for w in loaded.warnings])


def workbook_files(data: bytes, name: str = "tieu-chi.xlsx") -> dict[str, str]:
    """The pack files a workbook stands for (read only: nothing is checked beyond the cells)."""
    return _Workbook(name).read(data)


class _Workbook(SheetReader):
    """A workbook being read, and the loader's issues mapped back onto it."""

    patched = False  # some values the loader refused have a stand-in

    def keep(self, loader_issues: list[PackIssue]) -> list[tuple[Location, PackIssue]]:
        """The loader's issues as cells, less what an issue already reported caused."""
        mapped = (self.mapped(i) for i in loader_issues)
        return [(loc, issue) for loc, issue in mapped if not self._follows_from_reported(loc, issue)]

    def all_issues(self, kept: list[tuple[Location, PackIssue]]) -> list[PackIssue]:
        """The reader's issues and the loader's kept ones, once each, in sheet and row order."""
        out, seen = [], set()
        for loc, issue in self.issues + kept:
            if (loc, issue.code) not in seen:
                seen.add((loc, issue.code))
                out.append((loc, issue))
        out.sort(key=lambda li: (ORDER.index(li[0][0]) if li[0][0] in ORDER else -1, li[0][1] or 0))
        return [issue for _, issue in out]

    def _follows_from_reported(self, loc: Location, issue: PackIssue) -> bool:
        kind, row, key = loc
        code = issue.code
        if (kind, None, None) in self.bad or loc in self.bad or (kind, key) in self.missing_columns:
            return True
        if key is None and (kind, row, None) in self.bad:
            return True
        if code in _REFERS and (_REFERS[code], None, None) in self.bad:
            return True
        if code == "unknown_area" and issue.params.get("area") in self.refused_areas:
            return True
        return (bool(self.issues) or self.patched) and code in _WHOLE_FILE

    def patch(self, loader_issues: list[PackIssue]) -> bool:
        """Give each value the loader's structure check refused a stand-in; False when none could be."""
        patched = False
        for n, issue in enumerate(loader_issues):
            value = _stand_in(issue, n)
            if issue.file != "pack.yaml" or value is None:
                continue
            *parents, last = re.findall(r"[^.\[\]]+|(?<=\[)\d+(?=\])", issue.path) or [None]
            try:
                container = self.pack
                for part in parents:
                    container = container[int(part) if part.isdigit() and isinstance(container, list) else part]
                container[int(last) if isinstance(container, list) else last] = value
            except (KeyError, IndexError, TypeError, ValueError):
                continue
            kind, row, key = self.mapped(issue)[0]
            self.bad |= {(kind, row, key), (kind, row, None)}
            self.patched = patched = True
        return patched

    def mapped(self, issue: PackIssue) -> tuple[Location, PackIssue]:
        """A loader issue (YAML path, or a row of units.csv) as the cell of the workbook it is about."""
        code, params, path = issue.code, dict(issue.params), issue.path
        if issue.file == UNITS_FILE:
            rows = self.unit_rows
            index = (issue.row or 0) - 2
            loc = ("units", rows[index] if 0 <= index < len(rows) else None, issue.column)
            return loc, self.issue(loc, code, params)
        if code == "key_required":
            path, code, params = (f"{path}.{params['key']}" if path else params["key"]), "xlsx_required", {}
        if code == "too_short":
            code, params = self._too_short(path, params)
        if code == "duplicate_question" and (m := re.search(r"questions\[(\d+)\]", str(params.get("first")))):
            code, params["first"] = "xlsx_duplicate_question", self._find(f"questions[{m.group(1)}]")[1]
        loc = self._find(path)
        return loc, self.issue(loc, code, params)

    def _too_short(self, path: str, params: dict) -> tuple[str, dict]:
        if m := re.fullmatch(r"unit_types\[(\d+)\]\.areas", path):
            unit_type = self.pack["unit_types"][int(m.group(1))]["code"]
            return "xlsx_type_without_areas", {"unit_type": unit_type, "sheet": self.title("areas")}
        if m := re.fullmatch(r"scales\[(\d+)\]\.options", path):
            return "xlsx_too_few_options", {"scale": self.pack["scales"][int(m.group(1))]["code"], **params}
        if path in TABLES:
            return "xlsx_sheet_empty", {"sheet": self.title(path)}
        return "too_short", params

    def _find(self, path: str) -> Location:
        while path not in self.where and path:
            path = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path)
        return self.where.get(path, ("general", None, None))


def _stand_in(issue: PackIssue, n: int):
    """A value the structure check takes in place of a refused one (None: nothing sensible)."""
    params = issue.params
    if issue.code == "bad_code":
        return "x" if issue.path == "code" else f"_p{n}"
    if issue.code == "below_minimum":
        return params["minimum"]
    if issue.code == "above_maximum":
        return max(0, params["maximum"] - 1)
    if issue.code == "rates_form":
        return "own"
    if issue.code == "not_allowed_value":
        return params["allowed"][0]
    return None
