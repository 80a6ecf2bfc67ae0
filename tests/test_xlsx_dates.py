"""Excel date cells read at the precision their number format shows (SPEC 7), and the bounded
scan of a sheet's cells before the reader runs (issue 16 item 2)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest

import scope_gap
from scope_gap.errors import BadTableError
from scope_gap.readers import read_table
from scope_gap.readers.base import Limits
from scope_gap.readers.xlsx_scan import column_index, format_precision, scan_sheet

HEADER = ["id", "title", "date", "level", "event_type"]
NOV_2021 = dt.datetime(2021, 11, 1)


def workbook(path, rows, formats):
    """rows of cells; formats: {row index (0-based, data rows): number format of its date}."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Incidents"
    sheet.append(HEADER)
    for i, row in enumerate(rows):
        sheet.append(row)
        if i in formats:
            sheet.cell(row=i + 2, column=3).number_format = formats[i]
    book.save(path)
    return path


@pytest.mark.parametrize(
    "number_format, text",
    [
        ("mmm-yy", "2021-11"),
        ("mmmm yyyy", "2021-11"),
        ("mm/yyyy", "2021-11"),
        ("mmm yyyy", "2021-11"),
        ('[$-fr-CA]mmmm" "yyyy', "2021-11"),
        ("yyyy", "2021"),
        ("yy", "2021"),
        ("yyyy-mm-dd", "2021-11-01"),
        ("d mmm yyyy", "2021-11-01"),
        ("m/d/yyyy", "2021-11-01"),
        ("dd/mm/yyyy hh:mm", "2021-11-01"),
        ("General", "44501"),  # as Excel shows it: a date cell formatted as a number
    ],
)
def test_a_date_cell_is_read_at_the_precision_its_format_shows(tmp_path, number_format, text):
    path = workbook(
        tmp_path / "in.xlsx",
        [["X-1", "t", NOV_2021, "federal", "general_election"]],
        {0: number_format},
    )
    (cells,) = read_table(path).cells
    assert cells[2] == text


def test_a_month_shown_as_nov_21_is_indeterminate_like_the_month_typed_as_text(
    tmp_path, make_mandate
):
    mandate = make_mandate(
        """\
        mandate: {id: m, title: M}
        periods:
          P: {start: 2021-08-15, end: 2021-11-15}
        clauses:
          - id: A
            when: {field: date, within: P}
        """
    )
    rows = [
        ["M", "shown Nov-21", NOV_2021, "federal", "general_election"],
        ["T", "typed", "Nov 2021", "federal", "general_election"],
        ["D", "shown as a day", NOV_2021, "federal", "general_election"],
        ["Y", "shown as a year", dt.datetime(2021, 1, 1), "federal", "general_election"],
    ]
    path = workbook(tmp_path / "in.xlsx", rows, {0: "mmm-yy", 2: "yyyy-mm-dd", 3: "yyyy"})
    result = scope_gap.analyze(path, mandate)
    got = {r["id"]: (r["fields"]["date"], r["status"]) for r in result.incidents}
    assert got == {
        "M": ("2021-11", "indeterminate"),
        "T": ("2021-11", "indeterminate"),
        "D": ("2021-11-01", "in_scope"),
        "Y": ("2021", "indeterminate"),
    }


def test_date_cells_outside_the_date_column_keep_their_shown_precision(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER, "reported"])
    sheet.append(["X-1", "t", "2019", "federal", "general_election", NOV_2021])
    sheet["F2"].number_format = "mmmm yyyy"
    book.save(tmp_path / "in.xlsx")
    (cells,) = read_table(tmp_path / "in.xlsx").cells
    assert cells[5] == "2021-11"


@pytest.mark.parametrize(
    "code, precision",
    [
        ("mmm-yy", "month"),
        ("mmm\\-yy", "month"),
        ("mmmm yyyy", "month"),
        ("mm/yyyy", "month"),
        ("yyyy", "year"),
        ('"Year "yyyy', "year"),
        ("d-mmm-yy", "day"),
        ("dddd", "day"),
        ("yyyy-mm-dd hh:mm:ss", "day"),
        ("h:mm", None),
        ("mm:ss", None),
        ("[h]:mm", None),
        ("0.00", None),
        ("General", None),
        ("@", None),
        ('yyyy;"neg"', "year"),
        ("[Red]mmm yy", "month"),
    ],
)
def test_number_format_precision(code, precision):
    assert format_precision(code) == precision


def test_column_index():
    assert [column_index(c) for c in ("A", "Z", "AA", "XFD")] == [0, 25, 26, 16383]


# --- the bounded scan ----------------------------------------------------------------------


def _sheet_xml(rows_xml: str) -> bytes:
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows_xml}</sheetData></worksheet>"
    ).encode()


def _patched(path, rows_xml: str) -> bytes:
    """The workbook at `path` with its sheet's rows replaced by `rows_xml`."""
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = _sheet_xml(rows_xml)
            z.writestr(info.filename, part)
    return out.getvalue()


def _header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADER)
    )
    return f'<row r="1">{cells}</row>'


@pytest.fixture
def base_book(tmp_path):
    return workbook(tmp_path / "base.xlsx", [], {})


@pytest.mark.parametrize(
    "far, message",
    [
        ("XFD1048576", "has a cell in row 1,048,576"),
        ("XFD4000", "spans A1:XFD4000 (65,536,000 cells) though only 6 cells are written"),
    ],
)
def test_a_far_cell_is_refused_before_the_reader_allocates_the_range(
    base_book, tmp_path, far, message
):
    row = far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    data = _patched(base_book, _header_row() + f'<row r="{row}"><c r="{far}"><v>1</v></c></row>')
    path = tmp_path / "far.xlsx"
    path.write_bytes(data)
    assert len(data) < 10_000
    with pytest.raises(BadTableError, match=re.escape(message)) as caught:
        read_table(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_a_far_cell_with_the_row_limit_raised_is_still_refused_by_its_range(base_book, tmp_path):
    data = _patched(base_book, _header_row() + '<row r="1048576"><c r="XFD1048576"/></row>')
    path = tmp_path / "far.xlsx"
    path.write_bytes(data)
    with pytest.raises(BadTableError, match="spans A1:XFD1048576"):
        read_table(path, limits=Limits(rows=2_000_000))


def test_a_sheet_with_a_stray_cell_not_far_away_is_read(base_book, tmp_path):
    rows = _header_row() + (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>X</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>t</t></is></c></row>'
        '<row r="300"><c r="Z300" t="inlineStr"><is><t>stray</t></is></c></row>'
    )
    path = tmp_path / "stray.xlsx"
    path.write_bytes(_patched(base_book, rows))
    table = read_table(path)
    assert table.rows == [2, 300]


def test_a_panic_inside_the_reader_becomes_a_clear_error(monkeypatch, base_book):
    """Whatever the scan misses, a reader failure (even a BaseException) names the file."""
    import python_calamine

    class Panic(BaseException):
        pass

    def explode(*args, **kwargs):
        raise Panic("TimeDelta::milliseconds out of bounds")

    monkeypatch.setattr(python_calamine.CalamineSheet, "iter_rows", explode)
    with pytest.raises(BadTableError, match="cannot be read: TimeDelta") as caught:
        read_table(base_book)
    assert str(caught.value).startswith(f"{base_book}: ")


def test_interrupts_are_not_swallowed(monkeypatch, base_book):
    import python_calamine

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(python_calamine.CalamineSheet, "iter_rows", interrupt)
    with pytest.raises(KeyboardInterrupt):
        read_table(base_book)


def test_the_scan_ignores_a_sheet_it_cannot_find_and_lets_the_reader_say_so(base_book):
    data = base_book.read_bytes()
    assert scan_sheet(data, "No such sheet", str(base_book), Limits()).precision == {}


def test_the_scans_refusals_are_said_in_french(base_book, tmp_path):
    from scope_gap.i18n import use_language

    data = _patched(base_book, _header_row() + '<row r="4000"><c r="XFD4000"><v>1</v></c></row>')
    path = tmp_path / "far.xlsx"
    path.write_bytes(data)
    with use_language("fr"), pytest.raises(BadTableError) as caught:
        read_table(path)
    assert "s'étend sur A1:XFD4000 (65\u00a0536\u00a0000 cellules)" in str(caught.value)


# --- a real client: LibreOffice writes the styles its own way -------------------------------


def test_date_cells_saved_by_libreoffice_keep_their_shown_precision(tmp_path):
    from .test_excel import convert

    path = workbook(
        tmp_path / "in.ods.xlsx",
        [
            ["M", "t", NOV_2021, "federal", "general_election"],
            ["Y", "t", dt.datetime(2021, 1, 1), "federal", "general_election"],
            ["D", "t", NOV_2021, "federal", "general_election"],
        ],
        {0: "mmm-yy", 1: "yyyy", 2: "d mmmm yyyy"},
    )
    # through LibreOffice's own format (ods) and back, so that it writes the xlsx itself
    convert(path, "ods", tmp_path / "ods")
    convert(tmp_path / "ods" / "in.ods.ods", "xlsx", tmp_path / "back")
    table = read_table(tmp_path / "back" / "in.ods.xlsx")
    assert [cells[2] for cells in table.cells] == ["2021-11", "2021", "2021-11-01"]
