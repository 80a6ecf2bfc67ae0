"""`scope-gap template`: a blank input workbook that guides whoever fills it in.

The first sheet holds the contract's header row (so the filled workbook is read
as it is), with drop-down lists for the enumerated columns. The lists live on a
hidden sheet and are referred to as ranges, so Excel's 255-character limit on
inline lists cannot bite.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..i18n import DEFAULT_LANGUAGE, N_, _, language, locale_tag
from ..model import COLUMNS, ENUMS
from ..version import __version__
from . import Rendered
from .cells import put_text

INCIDENTS_SHEET = "Incidents"
DICTIONARY_SHEET = "Data dictionary"
LISTS_SHEET = "Lists"
LAST_ROW = 1_048_576

MEANINGS: dict[str, str] = {
    "id": N_("Unique, non-empty identifier of the incident (e.g. FI-001)."),
    "title": N_("One-line description of the incident."),
    "date": N_("When it happened, as precisely as known. Leave blank if not known."),
    "level": N_("Level of government of the process targeted."),
    "event_type": N_("Kind of process targeted."),
    "jurisdiction": N_("Where, e.g. Canada, British Columbia, Vancouver."),
    "event": N_("The process targeted, e.g. 2022 Vancouver municipal election."),
    "actor": N_("Alleged foreign actor(s); separate several with ';'."),
    "tactic": N_("e.g. clandestine funding; disinformation. Separate several with ';'."),
    "target": N_("Who or what was targeted, as the source names it."),
    "summary": N_("A paragraph describing the incident."),
    "evidence": N_("How well established the incident is."),
    "sources": N_("One or more URLs or citations, separated by new lines or ';'."),
    "notes": N_("Free text."),
}
DATE_FORMS = N_(
    "YYYY (2022), YYYY-MM (2022-06), YYYY-MM-DD (2022-06-15), or an interval START/END "
    "of those (2018/2022, 2022-06/2022-07). An imprecise date means any day in it."
)
DATE_PROMPT = N_("YYYY, YYYY-MM, YYYY-MM-DD, or START/END (2022-06/2022-07). Blank if not known.")
WIDTHS = {"id": 12, "title": 48, "date": 16, "summary": 60, "sources": 40, "notes": 40}
NOTES = [
    N_("A blank cell means 'not known', and so does the value 'unknown'."),
    N_(
        "Allowed values match ignoring case, spaces, hyphens and underscores "
        "('General election' = general_election); the drop-down lists give the canonical form."
    ),
    N_("Columns may be added after 'notes'; they are carried through to every report unchanged."),
    N_("Keep the header row as it is: scope-gap reads the first sheet, header in row 1."),
]


def _text(sheet: Any, row: int, column: int, value: Any) -> Any:
    """A text cell, made safe like every workbook's (reports.cells)."""
    cell = sheet.cell(row=row, column=column)
    put_text(cell, value)
    return cell


def _sheet_name(name: str) -> str:
    """The helper sheets' names in the current language (the incident sheet keeps its name)."""
    if language() == DEFAULT_LANGUAGE:
        return name
    return _({DICTIONARY_SHEET: N_("Data dictionary"), LISTS_SHEET: N_("Lists")}[name])


def render_template() -> Rendered:
    """A blank incident workbook in the current language."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = INCIDENTS_SHEET
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    columns = list(COLUMNS)
    for index, name in enumerate(columns, start=1):
        cell = _text(sheet, 1, index, name)
        cell.font = header_font
        cell.fill = header_fill
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = WIDTHS.get(name, 20)
        # text, so that Excel keeps 2022-06 or 001 as typed instead of making them numbers
        dimension.number_format = "@"
    sheet.freeze_panes = "A2"
    _write_dictionary(wb.create_sheet(_sheet_name(DICTIONARY_SHEET)), header_font, header_fill)

    lists_sheet = _sheet_name(LISTS_SHEET)
    lists = wb.create_sheet(lists_sheet)
    lists.sheet_state = "hidden"
    for index, (name, values) in enumerate(ENUMS.items(), start=1):
        _text(lists, 1, index, name)
        for row, value in enumerate(values, start=2):
            _text(lists, row, index, value)
        letter = get_column_letter(index)
        source = f"{quote_sheetname(lists_sheet)}!${letter}$2:${letter}${len(values) + 1}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_("Not a {name} value").format(name=name),
            error=_("Allowed: {values}. Blank means not known.").format(values=", ".join(values)),
        )
        target = get_column_letter(columns.index(name) + 1)
        validation.add(f"{target}2:{target}{LAST_ROW}")
        sheet.add_data_validation(validation)

    date_column = get_column_letter(columns.index("date") + 1)
    date_help = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle=_("Date forms"),
        prompt=_(DATE_PROMPT),
    )
    date_help.add(f"{date_column}2:{date_column}{LAST_ROW}")
    sheet.add_data_validation(date_help)

    props = wb.properties
    props.title = _("scope-gap incident table")
    props.subject = _("Foreign-interference incidents to check against an inquiry's mandate")
    if language() != DEFAULT_LANGUAGE:
        props.language = locale_tag()
    props.creator = f"scope-gap {__version__}"
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return Rendered(buffer.getvalue())


def _write_dictionary(sheet, font: Font, fill: PatternFill) -> None:  # type: ignore[no-untyped-def]
    wrap = Alignment(wrap_text=True, vertical="top")
    headers = [_("Column"), _("Required"), _("Meaning"), _("Allowed values")]
    for index, (name, width) in enumerate(zip(headers, [16, 12, 60, 60], strict=True), start=1):
        cell = _text(sheet, 1, index, name)
        cell.font, cell.fill = font, fill
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row, (name, required) in enumerate(COLUMNS.items(), start=2):
        if name in ENUMS:
            allowed = _("{values} (or blank)").format(values=", ".join(ENUMS[name]))
        elif name == "date":
            allowed = _(DATE_FORMS)
        elif name == "id":
            allowed = _("Any text; must not repeat.")
        else:
            allowed = _("Any text.")
        required_text = _("yes") if required else _("no")
        if required and name not in ("id", "title"):
            required_text = _("yes (may be blank)")
        values = [name, required_text, _(MEANINGS[name]), allowed]
        for column, value in enumerate(values, start=1):
            cell = _text(sheet, row, column, value)
            cell.alignment = wrap
    row = len(COLUMNS) + 3
    _text(sheet, row, 1, _("Notes")).font = font
    for offset, note in enumerate(NOTES, start=1):
        _text(sheet, row + offset, 1, _(note))
    sheet.freeze_panes = "A2"
