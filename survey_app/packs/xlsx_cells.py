"""The criteria workbook's cells: each read by the kind of its column (a number, a code, a choice…), every
problem recorded with the cell it is in. A required cell that is empty or bad gets a stand-in value so
the rest of the workbook can still be checked; the stand-in's cell is remembered as already reported."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time

from analysis.vntext import fold

from .checks import PackIssue
from .xlsx_layout import TABLES, Field, choices, header, matcher
from .xlsx_layout import sheet_title as title_of

MISSING = object()  # an empty optional cell: the key is left out, as in YAML
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
Location = tuple[str, int | None, str | None]  # sheet kind, row as Excel shows it, field key


class CellReader:
    """Reads sheets into records and keeps the issues found, each with its location."""

    def __init__(self, name: str):
        self.name = name
        self.issues: list[tuple[Location, PackIssue]] = []
        self.bad: set[Location] = set()  # cells (and whole sheets, columns, rows) already reported
        self.where: dict[str, Location] = {}  # YAML path of the generated pack → where it came from
        self.titles: dict[str, str] = {}  # sheet kind → its name in this workbook
        self.headers: dict[tuple[str, str], str] = {}  # (kind, key) → 'Điểm (I)', as this workbook wrote it
        self.missing_columns: set[tuple[str, str]] = set()
        self.covered: set[Location] = set()  # cells hidden under a merged cell

    def err(self, loc: Location, code: str, **params) -> None:
        """A problem of a cell (or of a row, a sheet: fewer parts of `loc`)."""
        self.bad.add(loc)
        self.bad.add((loc[0], loc[1], None))
        self.issues.append((loc, self.issue(loc, code, params)))

    def title(self, kind: str) -> str:
        """The sheet's name as this workbook wrote it (the usual name when it has no such sheet)."""
        return self.titles.get(kind, title_of(kind))

    def issue(self, loc: Location, code: str, params: dict) -> PackIssue:
        kind, row, key = loc
        if row is None:
            return PackIssue(self.title(kind), "", code, params)
        if kind == "general" and key not in (None, "item", "note"):
            key = "value"
        column = self.headers.get((kind, key)) or (header(kind, key) if key else None)
        return PackIssue(self.title(kind), "", code, params, row=row, column=column)

    def _records(self, sheets: dict, kind: str) -> list[tuple[int, dict]]:
        """(row, {key: value}) of a sheet's non-empty rows, every cell read by its column's kind."""
        ws = sheets.get(kind)
        if ws is None:
            return []
        fields = TABLES[kind]
        rows = list(ws.iter_rows(values_only=True))
        columns, unknown = self._header(kind, fields, rows[0] if rows else ())
        for rng in ws.merged_cells.ranges:
            key = columns.get(rng.min_col - 1)
            self.err((kind, rng.min_row, key.key if key else None), "xlsx_merged", cells=rng.coord)
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col) and (f := columns.get(c - 1)):
                        self.covered.add((kind, r, f.key))
        out = []
        for r, values in enumerate(rows[1:], start=2):
            if all(_empty(v) for v in values):
                continue
            raw = {}
            for i, v in enumerate(values):
                if i in columns:
                    raw[columns[i].key] = v
                elif not _empty(v) and i not in unknown:
                    self.err((kind, r, None), "xlsx_extra_cell", value=str(v).strip())
            record = {}
            for f in fields:
                value = self._cell(kind, r, f, raw.get(f.key))
                if value is not MISSING:
                    record[f.key] = value
            out.append((r, record))
        return out

    def _header(self, kind: str, fields: tuple[Field, ...], cells) -> tuple[dict[int, Field], set[int]]:
        lookup = {fold(header(kind, f.key)): f for f in fields} | {fold(f.key): f for f in fields}
        from openpyxl.utils import get_column_letter

        columns: dict[int, Field] = {}
        unknown: set[int] = set()
        for i, cell in enumerate(cells):
            if _empty(cell):
                continue
            named = f"{' '.join(str(cell).split())} ({get_column_letter(i + 1)})"
            f = lookup.get(fold(str(cell)))
            if f is None or f in columns.values():
                unknown.add(i)
                code = "xlsx_unknown_column" if f is None else "xlsx_duplicate_column"
                self.err((kind, 1, None), code, header=named)
            else:
                columns[i] = f
                self.headers[(kind, f.key)] = named
        for f in fields:
            if f.required and f not in columns.values():
                self.missing_columns.add((kind, f.key))
                issue = self.issue((kind, 1, None), "xlsx_column_missing", {"column": header(kind, f.key)})
                self.issues.append(((kind, 1, None), issue))
        return columns, unknown

    # -- cells --------------------------------------------------------------------------------------

    def _cell(self, kind: str, row: int, f: Field, raw):
        """The value of a cell as its column reads it; a stand-in when a required cell is bad or empty."""
        loc = (kind, row, f.key)
        if _empty(raw):
            if f.required and loc not in self.covered and (kind, f.key) not in self.missing_columns:
                self.err(loc, "xlsx_required")
            return self._stand_in(loc, f) if f.required else MISSING
        value = self._convert(loc, f, raw)
        if value is MISSING and f.required:
            return self._stand_in(loc, f)
        return value

    def _stand_in(self, loc: Location, f: Field):
        self.bad.add(loc)
        kind, row, key = loc
        if f.kind == "code":
            return "x" if (kind, key) == ("general", "code") else f"_{row}"
        if f.kind in ("number", "integer"):
            return 2000 if key == "year" else 0
        if f.kind == "rates":
            return "own"
        if f.kind in ("text", "raw"):
            return "?"
        return next(iter(choices(f.kind)))

    def _convert(self, loc: Location, f: Field, raw):
        if f.kind == "raw":
            return raw
        if f.kind in ("number", "integer"):
            return self._number(loc, raw, f.kind == "integer")
        if f.kind in ("bool", "scoring.method", "rounding.mode", "rounding.stage", "rule"):
            return self._choice(loc, f.kind, raw)
        text = self._text(loc, raw)
        if text is MISSING or f.kind in ("code", "text"):
            return text
        if f.kind == "rates":
            return "own" if matcher(choices("rates")).get(fold(text)) == "own" else {"unit_type": text}
        items = [x.strip() for x in re.split(r"[,;]", text) if x.strip()]
        if f.kind == "tie_break":
            known = matcher(choices("tie_break"))
            items = [known.get(fold(x), x) for x in items]
        return items or MISSING

    def _text(self, loc: Location, raw):
        if isinstance(raw, date | time):  # Excel turned "1.2" into 1 February
            self.err(loc, "xlsx_date_in_text", value=_shown(raw))
            return MISSING
        if isinstance(raw, bool):
            raw = choices("bool")[raw]
        elif isinstance(raw, float):
            raw = str(int(raw)) if raw.is_integer() else repr(raw)
        return unicodedata.normalize("NFC", str(raw)).strip()

    def _number(self, loc: Location, raw, integer: bool):
        value = raw
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.err(loc, "xlsx_not_number", value=_shown(raw))
            return MISSING
        if isinstance(raw, str):
            text = raw.strip().replace(" ", "").replace("\u00a0", "")
            if not _NUMBER.match(text):
                self.err(loc, "xlsx_not_number", value=raw.strip())
                return MISSING
            value = float(text.replace(",", ".")) if re.search(r"[.,]", text) else int(text)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if integer and not isinstance(value, int):
            self.err(loc, "xlsx_not_integer", value=_shown(raw))
            return MISSING
        return value

    def _choice(self, loc: Location, kind: str, raw):
        if kind == "bool" and isinstance(raw, bool | int) and raw in (0, 1):
            return bool(raw)
        known = matcher(choices(kind))
        if kind == "bool":
            known |= {"true": True, "false": False}
        value = known.get(fold(str(raw)))
        if value is None:
            self.err(loc, "xlsx_not_choice", value=_shown(raw), allowed=list(choices(kind).values()))
            return MISSING
        return value


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value) -> str:
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value).strip()
