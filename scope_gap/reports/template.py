"""`scope-gap template`: a blank input workbook that guides whoever fills it in.

The first sheet holds the contract's header row (so the filled workbook is read
as it is), with drop-down lists for the enumerated columns. The lists live on a
hidden sheet and are referred to as ranges, so Excel's 255-character limit on
inline lists cannot bite.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .. import __version__
from ..model import COLUMNS, ENUMS

INCIDENTS_SHEET = "Incidents"
DICTIONARY_SHEET = "Data dictionary"
LISTS_SHEET = "Lists"
LAST_ROW = 1_048_576

MEANINGS: dict[str, str] = {
    "id": "Unique, non-empty identifier of the incident (e.g. FI-001).",
    "title": "One-line description of the incident.",
    "date": "When it happened, as precisely as known. Leave blank if not known.",
    "level": "Level of government of the process targeted.",
    "event_type": "Kind of process targeted.",
    "jurisdiction": "Where, e.g. Canada, British Columbia, Vancouver.",
    "event": "The process targeted, e.g. 2022 Vancouver municipal election.",
    "actor": "Alleged foreign actor(s); separate several with ';'.",
    "tactic": "e.g. clandestine funding; disinformation. Separate several with ';'.",
    "target": "Who or what was targeted, as the source names it.",
    "summary": "A paragraph describing the incident.",
    "evidence": "How well established the incident is.",
    "sources": "One or more URLs or citations, separated by new lines or ';'.",
    "notes": "Free text.",
}
DATE_FORMS = (
    "YYYY (2022), YYYY-MM (2022-06), YYYY-MM-DD (2022-06-15), or an interval START/END "
    "of those (2018/2022, 2022-06/2022-07). An imprecise date means any day in it."
)
DATE_PROMPT = "YYYY, YYYY-MM, YYYY-MM-DD, or START/END (2022-06/2022-07). Blank if not known."
WIDTHS = {"id": 12, "title": 48, "date": 16, "summary": 60, "sources": 40, "notes": 40}
NOTES = [
    "A blank cell means 'not known', and so does the value 'unknown'.",
    "Allowed values match ignoring case, spaces, hyphens and underscores "
    "('General election' = general_election); the drop-down lists give the canonical form.",
    "Columns may be added after 'notes'; they are carried through to every report unchanged.",
    "Keep the header row as it is: scope-gap reads the first sheet, header in row 1.",
]


def write_template(path: Path) -> None:
    """Write a blank incident workbook to `path` (whatever its suffix)."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = INCIDENTS_SHEET
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    columns = list(COLUMNS)
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = header_font
        cell.fill = header_fill
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = WIDTHS.get(name, 20)
        # text, so that Excel keeps 2022-06 or 001 as typed instead of making them numbers
        dimension.number_format = "@"
    sheet.freeze_panes = "A2"
    _write_dictionary(wb.create_sheet(DICTIONARY_SHEET), header_font, header_fill)

    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for index, (name, values) in enumerate(ENUMS.items(), start=1):
        lists.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index, value=value)
        letter = get_column_letter(index)
        source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=f"Not a {name} value",
            error=f"Allowed: {', '.join(values)}. Blank means not known.",
        )
        target = get_column_letter(columns.index(name) + 1)
        validation.add(f"{target}2:{target}{LAST_ROW}")
        sheet.add_data_validation(validation)

    date_column = get_column_letter(columns.index("date") + 1)
    date_help = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle="Date forms",
        prompt=DATE_PROMPT,
    )
    date_help.add(f"{date_column}2:{date_column}{LAST_ROW}")
    sheet.add_data_validation(date_help)

    props = wb.properties
    props.title = "scope-gap incident table"
    props.subject = "Foreign-interference incidents to check against an inquiry's mandate"
    props.creator = f"scope-gap {__version__}"
    wb.active = 0
    wb.save(path)


def _write_dictionary(sheet, font: Font, fill: PatternFill) -> None:  # type: ignore[no-untyped-def]
    wrap = Alignment(wrap_text=True, vertical="top")
    headers = ["Column", "Required", "Meaning", "Allowed values"]
    for index, (name, width) in enumerate(zip(headers, [16, 12, 60, 60], strict=True), start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font, cell.fill = font, fill
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row, (name, required) in enumerate(COLUMNS.items(), start=2):
        if name in ENUMS:
            allowed = ", ".join(ENUMS[name]) + " (or blank)"
        elif name == "date":
            allowed = DATE_FORMS
        elif name == "id":
            allowed = "Any text; must not repeat."
        else:
            allowed = "Any text."
        required_text = "yes" if required else "no"
        if required and name not in ("id", "title"):
            required_text = "yes (may be blank)"
        values = [name, required_text, MEANINGS[name], allowed]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = wrap
    row = len(COLUMNS) + 3
    sheet.cell(row=row, column=1, value="Notes").font = font
    for offset, note in enumerate(NOTES, start=1):
        sheet.cell(row=row + offset, column=1, value=note)
    sheet.freeze_panes = "A2"
