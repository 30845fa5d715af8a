"""The roster template workbooks: the headers the import reads, a sample row, drop-down lists of the
campaign's unit and group codes (Excel data validation) and a sheet of instructions."""

from __future__ import annotations

import io

from ..models import Campaign
from ..services.survey.people import FORM_FIELDS, roster_codes
from ..texts.survey import COLUMNS
from . import texts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS_OF = {
    "respondents": FORM_FIELDS,
    "units": ("code", "name", "unit_type"),
}
ROWS = 5000  # rows of the list sheet that carry the drop-downs


def template(campaign: Campaign, kind: str) -> bytes:
    """An .xlsx to fill in and upload: sheet 1 the list, then the code lists, then the instructions."""
    from openpyxl import Workbook  # openpyxl brings numpy: loaded when a workbook is made, not with the app
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    codes = roster_codes(campaign)
    wb = Workbook()
    sheet = wb.active
    sheet.title = texts.TEMPLATE_SHEET
    columns = COLUMNS_OF[kind]
    sheet.append([COLUMNS[c] for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.append(_sample(codes, kind))
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    for i, column in enumerate(columns):
        letter = chr(ord("A") + i)
        sheet.column_dimensions[letter].width = 34 if column in ("name", "full_name", "email") else 18
        if column == "phone":  # typed as text, so Excel keeps the leading 0
            sheet.column_dimensions[letter].number_format = "@"

    lists = wb.create_sheet(texts.TEMPLATE_LISTS_SHEET)
    lists.append(list(texts.TEMPLATE_LISTS_HEADER))
    types = dict(codes.unit_types)
    for i in range(max(len(codes.units), len(codes.groups), len(codes.unit_types))):
        unit = codes.units[i] if i < len(codes.units) else ("", "", "")
        group = codes.groups[i] if i < len(codes.groups) else ("", "", "")
        unit_type = codes.unit_types[i][0] if i < len(codes.unit_types) else ""
        lists.append(
            [unit[0], unit[1], types.get(unit[2], unit[2]), unit_type, group[0], group[1], types.get(group[2], "")]
        )
    for cell in lists[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (18, 40, 22, 14, 14, 50, 22), strict=True):
        lists.column_dimensions[letter].width = width

    def drop_down(column: str, list_column: str, count: int) -> None:
        ref = f"'{texts.TEMPLATE_LISTS_SHEET}'!${list_column}$2:${list_column}${count + 1}"
        rule = DataValidation(
            type="list",
            formula1=ref,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=texts.VALIDATION_TITLE,
            error=texts.VALIDATION_ERROR,
        )
        rule.add(f"{column}2:{column}{ROWS + 1}")
        sheet.add_data_validation(rule)

    if kind == "respondents":
        drop_down("A", "A", len(codes.units))
        drop_down("B", "E", len(codes.groups))
    else:
        drop_down("C", "D", len(codes.unit_types))

    help_sheet = wb.create_sheet(texts.TEMPLATE_HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 120
    for line in texts.TEMPLATE_HELP[kind]:
        help_sheet.append([line])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sample(codes, kind: str) -> list[str]:
    """Respondents: an invented person whose email the import refuses, so a forgotten sample row is
    caught; units: a unit that exists already, so importing it changes nothing."""
    unit = codes.units[0] if codes.units else ("", "", "")
    if kind == "units":
        return list(unit)
    group = next((g[0] for g in codes.groups if g[2] == unit[2]), "")
    name, position, email, phone = texts.TEMPLATE_SAMPLE_PERSON
    return [unit[0], group, name, position, email, phone, "", ""]
