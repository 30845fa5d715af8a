"""Last year's published results, for the comparison: code, total, rank, group; 'Mã năm nay' maps a
renamed or merged unit to this year's code ('-': the unit no longer exists)."""

from __future__ import annotations

from pathlib import Path

from ...models import Campaign, LastYearResult
from ..tabular import column_lengths, read_table
from .imports import ImportResult, ParsedImport, number, store_import, units_of

LAST_YEAR_COLUMNS = {
    "code": "code",
    "unit_code": "code",
    "ma_don_vi": "code",
    "ma_nam_truoc": "code",
    "new_code": "new_code",
    "ma_nam_nay": "new_code",
    "name": "name",
    "ten_don_vi": "name",
    "total": "total",
    "tong_diem": "total",
    "rank": "rank",
    "xep_hang": "rank",
    "group": "band",
    "band": "band",
    "nhom": "band",
    "xep_loai": "band",
}
LAST_YEAR_LENGTHS = column_lengths(LastYearResult, {"code": "old_code", "name": "name", "band": "band"})


def parse_last_year(campaign: Campaign, path: str | Path) -> ParsedImport:
    """Read and check last year's results without writing anything."""
    table = read_table(path, LAST_YEAR_COLUMNS, {"code", "total"})
    units = units_of(campaign)
    out = ParsedImport("last_year", issues=table.text_issues(LAST_YEAR_LENGTHS))
    unreadable = {i.row for i in out.issues}
    seen: dict[str, int] = {}
    for row in table.rows:
        v, n, issues = row.values, row.number, out.issues
        if n in unreadable:
            continue
        code = v.get("code", "")
        if code in seen:
            issues.append(table.issue(n, "code", "duplicate_code", code, first_row=seen[code]))
            continue
        seen[code] = n
        new = v.get("new_code") or code
        if new == "-":
            new = None
        elif new not in units:
            issues.append(table.issue(n, "new_code" if v.get("new_code") else "code", "no_unit_this_year", new))
            continue
        try:
            total = number(v.get("total", ""))
        except ValueError:
            issues.append(table.issue(n, "total", "not_a_number", v.get("total", "")))
            continue
        rank = v.get("rank") or None
        if rank is not None and not rank.isdigit():
            issues.append(table.issue(n, "rank", "not_a_rank", rank))
            continue
        if total < 0 or total > 100:
            issues.append(table.issue(n, "total", "total_out_of_range", v.get("total", "")))
            continue
        out.records.append(
            dict(
                old_code=code,
                new_code=new,
                name=v.get("name") or code,
                total=total,
                rank=int(rank) if rank else None,
                band=v.get("band") or None,
            )
        )
    out.issues.sort(key=lambda i: (i.row == 0, i.row))
    return out


def import_last_year(campaign: Campaign, path: str | Path) -> ImportResult:
    """Replace last year's results of the campaign with the file's; all or nothing."""
    fields = ("old_code", "new_code", "name", "total", "rank", "band")
    parsed = parse_last_year(campaign, path)
    return store_import(campaign, parsed, path, LastYearResult, fields)
