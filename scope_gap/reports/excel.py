"""The Excel gap report: a workbook a policy office can send and that explains itself.

Written with openpyxl in write-only mode, so rows stream to disk and a large report
never sits in memory as a whole workbook. Every text cell is written as a string
(never a formula), cleaned of characters Excel refuses and kept within Excel's limits;
what had to change is returned as warnings.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import warnings as pywarnings
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.compat import safe_string
from openpyxl.packaging.relationship import Relationship
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import REL_NS, SHEET_MAIN_NS

from ..i18n import (
    DEFAULT_LANGUAGE,
    N_,
    _,
    format_number,
    language,
    locale_tag,
    localized,
    localized_field,
    ngettext,
)
from ..model import STATUS_LABELS, Status, display_name, status_label
from ..operators import field_label, rule_text
from ..version import __version__
from ..wording import covered_by, reasons_of, unknown_fields, value_label
from . import OutputError, Rendered, source_date_epoch
from .cells import FORMULA_PREFIXES, MAX_CELL_CHARS, MAX_LINE_BREAKS, is_clean, safe_text
from .common import GAP_STATUSES, LEADING, STATUS_PALETTE, extra_columns
from .csv import localized_header_names

if TYPE_CHECKING:
    from ..analysis import Analysis

# Excel's limits (Microsoft's "Excel specifications and limits")
MAX_ROWS = 1_048_576
MAX_LINKS = 65_530
MAX_URL = 2_079

SHEETS = {
    "summary": "Summary",
    "gap": "Out of scope",
    "indeterminate": "Indeterminate",
    "in_scope": "In scope",
    "invalid": "Invalid rows",
    "mandate": "Mandate",
    "about": "About",
}
# The sheet names in other languages (SPEC gives the French ones). Their messages say they
# are sheet names: as a sheet "Summary" is "Sommaire", as a column it is "Résumé".
SHEET_MESSAGES = {
    "summary": N_("Summary (sheet name)"),
    "gap": N_("Out of scope (sheet name)"),
    "indeterminate": N_("Indeterminate (sheet name)"),
    "in_scope": N_("In scope (sheet name)"),
    "invalid": N_("Invalid rows (sheet name)"),
    "mandate": N_("Mandate (sheet name)"),
    "about": N_("About (sheet name)"),
}
TABLE_NAMES = {
    "gap": "OutOfScope",
    "indeterminate": "Indeterminate",
    "in_scope": "InScope",
    "invalid": "InvalidRows",
}
STATUS_MEANINGS = {
    "in_scope": N_("An examined clause of the mandate covers the incident."),
    "context_only": N_(
        "No examined clause covers it; the inquiry may touch it only as background."
    ),
    "out_of_scope": N_("No clause of the mandate covers it."),
    "indeterminate": N_(
        "Some examined clause may cover it, but a value it depends on is not known."
    ),
    "invalid": N_("The row could not be read (see '{sheet}'); it is not classified."),
}
# the reports' one palette (light fills, dark text); the Status text always says the same
STATUS_FILLS = {status: fill for status, (fill, _ink) in STATUS_PALETTE.items()}
EVIDENCE_CAVEAT = N_(
    "Most incidents here come from reported intelligence and allegations, not proven facts: "
    "see the {column} column of each incident."
)
SHEET_GUIDE = [
    (
        "gap",
        N_("The gap list: incidents the inquiry may not examine (context only or not at all)."),
    ),
    (
        "indeterminate",
        N_("Incidents that cannot be decided because a value they depend on is not known."),
    ),
    ("in_scope", N_("Incidents an examined clause covers, and which clauses.")),
    ("invalid", N_("Input rows that could not be read, with every problem found in them.")),
    ("mandate", N_("The mandate's clauses and periods as the tool applied them.")),
    ("about", N_("Tool version, generation time, input files and their checksums, warnings.")),
]
#: how the Mandate sheet writes a clause's coverage
COVERAGE_LABELS = {"examined": N_("examined"), "context": N_("context")}

WIDTHS = {
    "id": 14,
    "title": 40,
    "date": 17,
    "level": 12,
    "event_type": 16,
    "status": 14,
    "gap": 32,
    "why": 60,
    "covered_by": 50,
    "unknown": 18,
    "jurisdiction": 20,
    "event": 30,
    "actor": 26,
    "tactic": 26,
    "target": 28,
    "summary": 70,
    "evidence": 16,
    "sources": 45,
    "notes": 60,
    "origin": 30,
}
OTHER_WIDTH = 24
LINE_HEIGHT = 15  # points, for 11-point text
MAX_ROW_HEIGHT = 409  # points, Excel's limit
CHARS_PER_WIDTH = 1.1  # characters of running text per unit of column width
WRAPPED = frozenset({"wrap", "header", "label", *(f"status:{s}" for s in STATUS_FILLS)})
#: the input columns whose long text wraps; the others keep one line (rows stay short in print)
WRAPPED_EXTRAS = frozenset({"summary"})
MAX_LINES = 12  # a row grows to at most this many lines; the cell keeps its whole text
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

#: Rows are written as XML text straight into each sheet's stream (`_RawRowsWriter`), the
#: bytes openpyxl's own cell writer gives (lxml's serialisation), at a fraction of its cost
#: per cell. Without lxml, openpyxl writes every cell itself; the tests compare both.
RAW_ROWS = bool(LXML)

_PRECISE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_XML_SPECIAL = re.compile("[&<>\r]")
_URL = re.compile(r"(?i)\b(?:https?://|mailto:)[^\s<>\"';]+")
_FIRST_EXCEL_DAY = dt.date(1900, 3, 1)  # earlier serials hit the 1900 leap-year bug


def check_xlsx(analysis: Analysis) -> None:
    """OutputError if the workbook cannot hold this analysis (Excel's rows per sheet)."""
    _Book(analysis).check_size()


def render_xlsx(analysis: Analysis) -> Rendered:
    """The gap report workbook, and what had to change in it (warnings)."""
    book = _Book(analysis)
    book.check_size()
    book.build()
    buffer = io.BytesIO()
    book.save(buffer)
    return Rendered(buffer.getvalue(), tuple(book.warnings()))


# --- cells ------------------------------------------------------------------------------


def sheet_name(key: str) -> str:
    """A sheet's name in the current language."""
    if language() == DEFAULT_LANGUAGE:
        return SHEETS[key]
    return _(SHEET_MESSAGES[key])


def status_meaning(status: str) -> str:
    return _(STATUS_MEANINGS[status]).format(sheet=sheet_name("invalid"))


def evidence_caveat() -> str:
    return _(EVIDENCE_CAVEAT).format(column=display_name("evidence"))


def first_link(text: str) -> str | None:
    """The first http, https or mailto address in a cell's text, if Excel can link it."""
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,)]}")
        if url.lower() in ("mailto:", "http://", "https://") or len(url) > MAX_URL:
            continue
        return url
    return None


def precise_date(text: str) -> dt.date | None:
    """`YYYY-MM-DD` as a date Excel can show; anything else (partial, interval) stays text."""
    text = text.strip()
    if not _PRECISE_DATE.fullmatch(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if day >= _FIRST_EXCEL_DAY else None


class _Counter:
    """Cells that had to change, by kind and sheet, with the first few places."""

    def __init__(self) -> None:
        self.places: dict[tuple[str, str], list[str]] = {}
        self.counts: dict[tuple[str, str], int] = {}

    def add(self, kind: str, sheet: str, where: str) -> None:
        key = (kind, sheet)
        self.counts[key] = self.counts.get(key, 0) + 1
        places = self.places.setdefault(key, [])
        if len(places) < 5:
            places.append(where)


class _SharedStyle(StyleArray):
    """A style array that many cells share and nothing changes, so its hash is kept."""

    def __new__(cls, values: Any) -> _SharedStyle:
        style = super().__new__(cls, values)
        style._hash = hash(tuple(style))
        return style

    def __hash__(self) -> int:
        return self._hash


class _Styles:
    """One style array per look, shared by every cell that has it."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._attributes: dict[tuple[str, bool], str] = {}
        wrap = Alignment(wrap_text=True, vertical="top")
        top = Alignment(vertical="top")
        self.looks: dict[str, dict[str, Any]] = {
            "plain": {},
            "wrap": {"alignment": wrap},
            "header": {"alignment": wrap, "font": Font(bold=True)},
            "title": {"font": Font(bold=True, size=14)},
            "heading": {"font": Font(bold=True, size=12)},
            "label": {"alignment": wrap, "font": Font(bold=True)},
            "cell": {"alignment": top},
            "link": {"alignment": top, "font": Font(color="0563C1", underline="single")},
            "date": {"alignment": Alignment(vertical="top"), "number_format": DATE_FORMAT},
            "datetime": {
                "alignment": Alignment(horizontal="left"),
                "number_format": DATETIME_FORMAT,
            },
            "percent": {"number_format": "0.0%"},
            "number": {"alignment": Alignment(vertical="top")},
        }
        for status, (colour, ink) in STATUS_PALETTE.items():
            self.looks[f"status:{status}"] = {
                "alignment": wrap,
                "font": Font(bold=True, color=ink),
                "fill": PatternFill("solid", start_color=colour, end_color=colour),
            }

    def get(self, look: str, quote: bool = False) -> Any:
        key = (look, quote)
        style = self._cache.get(key)
        if style is None:
            cell = WriteOnlyCell(self._ws)
            for attr, value in self.looks[look].items():
                setattr(cell, attr, value)
            if quote:
                cell.quotePrefix = True
            style = _SharedStyle(cell._style if cell._style is not None else [0] * 9)
            self._cache[key] = style
        return style

    def attribute(self, look: str, quote: bool = False) -> str:
        """A cell element's style attribute (` s="3"`, or none for the default style).

        The style gets its id when first asked for, as openpyxl gives it when it writes the
        first cell that has it: cells are made in the order they are written."""
        key = (look, quote)
        attribute = self._attributes.get(key)
        if attribute is None:
            style = self.get(look, quote)
            attribute = f' s="{self._ws.parent._cell_styles.add(style)}"' if any(style) else ""
            self._attributes[key] = attribute
        return attribute


class _Sheet:
    """A write-only sheet that counts its rows and links and makes safe cells.

    A row's cells are made in the order of its columns, one per column (`blank` for an empty
    one), between `start_row` and `append`: a cell knows its place when it is made."""

    def __init__(self, book: _Book, key: str) -> None:
        self.book = book
        self.title = sheet_name(key)
        self.ws = book.wb.create_sheet(self.title)
        self.raw = RAW_ROWS and not book.wb.iso_dates
        if self.raw:
            # each cell is its XML text, a row is written as it is (`_RawRowsWriter`)
            self.ws._get_writer = _raw_writer(self.ws)
            self.ws._values_to_row = _joined_cells
            self._letters: list[str] = [""]
            self._links: list[tuple[str, str]] = []  # (cell, address)
            self._epoch = book.wb.epoch
        else:
            # Every value appended is a ready cell; openpyxl's own conversion would first try
            # each one as a value and fail, doubling the cost of a styled cell. Without this
            # hook (if openpyxl renames it) the output is the same, only slower.
            self.ws._values_to_row = _placed_cells
        self.row = 0
        self.links = 0
        self._chars: list[int] = [0]  # by column: about how many characters fit on a line
        self._pool: list[WriteOnlyCell] = []
        self._heights: dict[int, dict[str, str]] = {}

    # cells

    def text(self, value: Any, look: str = "wrap", link: str | None = None) -> Any:
        """A string cell showing `value` as typed: never a formula, within Excel's limits."""
        column = self._column
        if type(value) is str and is_clean(value):
            text, quote = value, value.startswith(FORMULA_PREFIXES)
        else:
            safe = safe_text(value)
            text, quote = safe.text, safe.formula_like
            for change in safe.changes:
                self.book.changes.add(change, self.title, self._where(column))
        if link is not None:
            if self.links < MAX_LINKS:
                self.links += 1
                look = "link"
            else:
                self.book.changes.add("links", self.title, self._where(column))
                link = None
        if self.raw:
            try:
                coordinate = self._letters[column] + self._number
            except IndexError:
                coordinate = self._coordinate(column)
            style = self.book.styles.attribute(look, quote)
            if link is not None:
                self._links.append((coordinate, link))
            cell: Any = _text_xml(coordinate, style, text)
        else:
            cell = self._cell()
            # set directly: the text is clean already, and the `value` setter would read a
            # leading '=' as a formula and '#N/A' as an error value
            cell._value = text
            cell.data_type = "s"
            if link is not None:
                cell.hyperlink = link
            cell._style = self.book.styles.get(look, quote)
        if look in WRAPPED and column < len(self._chars):
            chars = self._chars[column]
            lines = _lines(text, chars) if "\n" in text else -(-len(text) // chars)
            if lines > self._lines:
                self._lines = lines
        self._column += 1
        return cell

    def value(self, value: Any, look: str = "number") -> Any:
        """A number, date or date-time cell."""
        if self.raw:
            style = self.book.styles.attribute(look)
            head = f'<c r="{self._coordinate(self._column)}"{style}'
            if value is None and not style:  # openpyxl writes nothing for it
                cell: Any = None
            elif value is None or value == "":  # as openpyxl writes an empty cell
                cell = f'{head} t="n"></c>'
            else:
                data = to_excel(value, self._epoch) if isinstance(value, dt.date) else value
                cell = f'{head} t="n"><v>{safe_string(data)}</v></c>'
            self._column += 1
            return cell
        cell = self._cell()
        # not through the `value` setter, which would change a date cell's (shared) style
        cell._value = value
        cell.data_type = "d" if isinstance(value, dt.date) else "n"
        cell._style = self.book.styles.get(look)
        self._column += 1
        return cell

    def _coordinate(self, column: int) -> str:
        try:
            return self._letters[column] + self._number
        except IndexError:
            letters = self._letters
            while len(letters) <= column:
                letters.append(get_column_letter(len(letters)))
            return letters[column] + self._number

    def date_or_text(self, text: str) -> WriteOnlyCell:
        day = precise_date(text)
        return self.value(day, "date") if day is not None else self.text(text)

    def _cell(self) -> WriteOnlyCell:
        """The cell for the current column: one per column, reused row after row, since a
        row is written out as soon as it is appended."""
        try:
            cell = self._pool[self._column]
        except IndexError:
            self._pool.extend(
                WriteOnlyCell(self.ws) for _ in range(self._column + 1 - len(self._pool))
            )
            cell = self._pool[self._column]
        cell._hyperlink = None
        return cell

    def blank(self) -> WriteOnlyCell | None:
        """An empty cell: nothing is written for it."""
        self._column += 1
        return None

    # rows

    def start_row(self) -> None:
        self._column = 1
        self._lines = 1
        self._number = str(self.row + 1)

    def append(self, cells: Sequence[Any]) -> None:
        row = self.row + 1
        if self._lines > 1:
            # Excel and LibreOffice do not reliably grow rows to fit wrapped text on
            # opening, so give each row the height its longest cell needs
            self.ws.row_dimensions[row] = self._height(self._lines)
        if self.raw:
            assert len(cells) == self._column - 1, "a row's cells are made in column order"
            self.ws._get_writer()  # which starts the sheet's list of links
            if self._links:
                self.ws._hyperlinks.extend(self._links)
                self._links.clear()
        self.ws.append(list(cells))
        self.ws.row_dimensions.pop(row, None)  # written out: do not keep it in memory
        self.row = row

    def _height(self, lines: int) -> dict[str, str]:
        """The attributes of a row of that height, shared by every row as tall.

        openpyxl copies a row's dimension into the row element as attributes; as a
        ready mapping it costs nothing per row, as a RowDimension it is serialised anew
        for every row (a tenth of the whole time for large reports).
        """
        height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * min(lines, MAX_LINES))
        attributes = self._heights.get(height)
        if attributes is None:
            attributes = self._heights[height] = dict(RowDimension(self.ws, ht=height))
        return attributes

    def line(self, *values: Any, look: str = "wrap") -> None:
        """A row of text cells (None for an empty cell)."""
        self.start_row()
        self.append([self.blank() if v is None else self.text(v, look) for v in values])

    def spanning(
        self, label: str, text: str, span: tuple[str, str, int], link: str | None = None
    ) -> None:
        """A label, then text across merged cells, in a row tall enough to show it."""
        first, last, chars = span
        self.start_row()
        cells = [self.text(label, "label"), self.text(text, link=link)]
        self._lines = _lines(text, chars)  # the text spans the merged cells' width
        self.append(cells)
        self.ws.merged_cells.add(CellRange(f"{first}{self.row}:{last}{self.row}"))

    def skip(self) -> None:
        """An empty row."""
        self.start_row()
        self.append([])

    _column = 1
    _lines = 1
    _number = "1"

    def _where(self, column: int) -> str:
        return f"{get_column_letter(column)}{self.row + 1}"

    # layout, all of it before the first row

    def widths(self, widths: Iterable[float]) -> None:
        self._chars = [0]
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
            self._chars.append(max(1, int(width * CHARS_PER_WIDTH)))

    def print_setup(self, title_rows: bool) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        if title_rows:
            ws.print_title_rows = "1:1"
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.right.text = _("Page &P of &N")

    def table(self, name: str, headers: list[str]) -> None:
        """Make rows 1..last a named Table (autofilter, banded rows)."""
        last = max(self.row, 2)  # a Table needs a data row, even an empty one
        ref = f"A1:{get_column_letter(len(headers))}{last}"
        table = Table(displayName=name, name=name, ref=ref, autoFilter=AutoFilter(ref=ref))
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, start=1)]
        with pywarnings.catch_warnings():
            # openpyxl warns that write-only tables need their columns set by hand: they are
            pywarnings.filterwarnings("ignore", message="In write-only mode")
            self.ws.add_table(table)


def _placed_cells(cells: Sequence[WriteOnlyCell | None], row: int) -> Iterable[WriteOnlyCell]:
    """The cells of one row, told where they sit (openpyxl's `_values_to_row`, for cells)."""
    for column, cell in enumerate(cells, start=1):
        if cell is None:
            continue
        cell.row, cell.column = row, column
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        yield cell


class _Memo:
    """A pure function's results by arguments (the few distinct values of a column)."""

    def __init__(self, function: Any) -> None:
        self._function = function
        self._results: dict[Any, Any] = {}

    def __call__(self, *args: Any) -> Any:
        try:
            return self._results[args]
        except KeyError:
            result = self._results[args] = self._function(*args)
            return result


def _text_xml(coordinate: str, style: str, text: str) -> str:
    """A text cell's XML, as openpyxl writes it (inline string; `xml:space` when it starts or
    ends with white space; `&`, `<`, `>` and CR escaped; the row is then encoded to ASCII
    with character references, as lxml does)."""
    if not text:
        return f'<c r="{coordinate}"{style} t="inlineStr"></c>'
    spaced = text != text.strip()
    if _XML_SPECIAL.search(text) is not None:
        text = (
            text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\r", "&#13;")
        )
    start = '<t xml:space="preserve">' if spaced else "<t>"
    return f'<c r="{coordinate}"{style} t="inlineStr"><is>{start}{text}</t></is></c>'


def _joined_cells(cells: Sequence[str | None], row: int) -> str:
    """The XML of one row's cells (`_values_to_row` for cells that are their XML)."""
    return "".join([cell for cell in cells if cell is not None])


def _raw_writer(ws: Any) -> Any:
    """The sheet's `_get_writer`, making a `_RawRowsWriter` where openpyxl makes its own."""

    def get_writer() -> None:
        if ws._writer is None:
            ws._writer = _RawRowsWriter(ws)
            ws._writer.write_top()

    return get_writer


class _RawRowsWriter(WorksheetWriter):
    """openpyxl's sheet writer, but each row arrives as its cells' XML text and is written
    as it is, beside lxml's stream (flushed first), into the same file.

    The stream is openpyxl's (`WorksheetWriter.get_stream`) on a file this writer holds."""

    def get_stream(self) -> Any:
        from lxml.etree import xmlfile

        with open(self.out, "wb") as handle, xmlfile(handle) as xf:
            self._handle, self._xf = handle, xf
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = yield
                        if el is True:
                            yield xf
                        elif el is not None:
                            xf.write(el)
                except GeneratorExit:
                    pass

    def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        if not isinstance(row, str):  # cells (openpyxl's `write_rows` of a sheet never appended)
            super().write_row(xf, row, row_idx)
            return
        extra = self.ws.row_dimensions.get(row_idx)
        attributes = "".join(f' {k}="{v}"' for k, v in extra.items()) if extra else ""
        self._raw(f'<row r="{row_idx}"{attributes}>{row}</row>')

    def write_hyperlinks(self) -> None:
        """The links as openpyxl writes them (a relationship each, then the list), but the
        list as text: each link is a (cell, address) pair here, not a Hyperlink object."""
        links = self.ws._hyperlinks
        if not links:
            return
        parts = []
        for ref, target in links:
            relationship = Relationship(type="hyperlink", TargetMode="External", Target=target)
            self._rels.append(relationship)
            parts.append(f'<hyperlink xmlns:r="{REL_NS}" ref="{ref}" r:id="{relationship.Id}"/>')
        self._raw(f"<hyperlinks>{''.join(parts)}</hyperlinks>")

    def _raw(self, xml: str) -> None:
        """XML text into the file, after what lxml has written so far (ASCII, as lxml writes
        it: other characters as references)."""
        self._xf.flush()
        self._handle.write(xml.encode("ascii", "xmlcharrefreplace"))


def _lines(text: str, chars: int) -> int:
    """About how many lines `text` takes, wrapped at `chars` characters."""
    if "\n" not in text:
        return -(-len(text) // chars) or 1
    return sum(-(-len(part) // chars) or 1 for part in text.split("\n"))


def _clean_header(name: str) -> str:
    return " ".join(safe_text(name).text.split()) or _("Column")


def unique_headers(names: list[str]) -> list[str]:
    """Table headers: no line breaks or control characters, unique ignoring case."""
    out: list[str] = []
    taken: set[str] = set()
    for name in names:
        base = _clean_header(name)[:255]
        candidate, n = base, 2
        while candidate.casefold() in taken:
            candidate = f"{base} ({n})"
            n += 1
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


# --- the workbook --------------------------------------------------------------------------


def _epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a naive UTC time, for reproducible builds."""
    return source_date_epoch()


class _Book:
    def __init__(self, analysis: Any) -> None:
        self.analysis = analysis
        self.epoch = _epoch()
        self.generated = self.epoch or dt.datetime.now(dt.timezone.utc).replace(
            tzinfo=None, microsecond=0
        )
        self.changes = _Counter()
        self.wb = Workbook(write_only=True)
        self.sheets = {key: _Sheet(self, key) for key in SHEETS}
        self.styles = _Styles(self.sheets["summary"].ws)
        # each sheet's incidents by row (input order); their records are built a slice at a
        # time as the sheet is written, never all at once
        status = analysis.evaluation.status
        self.rows: dict[str, np.ndarray] = {
            "gap": np.flatnonzero(np.isin(status, GAP_STATUSES)),
            "indeterminate": np.flatnonzero(status == Status.INDETERMINATE.value),
            "in_scope": np.flatnonzero(status == Status.IN_SCOPE.value),
        }
        self._why: dict[int, str] | None = None

    @property
    def why(self) -> dict[int, str]:
        """The reasons in plain words, one per line, of each incident on a gap sheet, by row.
        Worded when first asked for, not to check the size."""
        if self._why is None:
            rows = np.union1d(self.rows["gap"], self.rows["indeterminate"]).tolist()
            joined: dict[int, str] = {}  # rows of one group share one list: joined once
            why = {}
            for row, lines in zip(rows, reasons_of(self.analysis, rows), strict=True):
                text = joined.get(id(lines))
                if text is None:
                    text = joined[id(lines)] = "\n".join(lines)
                why[row] = text
            self._why = why
        return self._why

    def check_size(self) -> None:
        counts = {
            sheet_name("gap"): len(self.rows["gap"]),
            sheet_name("indeterminate"): len(self.rows["indeterminate"]),
            sheet_name("in_scope"): len(self.rows["in_scope"]),
            sheet_name("invalid"): len(self.analysis.invalid),
        }
        for sheet, rows in counts.items():
            if rows + 1 > MAX_ROWS:
                raise OutputError(
                    _(
                        "the '{sheet}' sheet would need {rows} rows and Excel holds at most "
                        "{limit} per sheet; write this report as JSON or CSV instead "
                        "(-f json -f csv), or split the input"
                    ).format(
                        sheet=sheet, rows=format_number(rows + 1), limit=format_number(MAX_ROWS)
                    )
                )

    def build(self) -> None:
        mandate = self.analysis.mandate
        props = self.wb.properties
        # document properties are XML too: the mandate's text made safe as every cell is
        props.title = safe_text(
            _("Gap report: {title}").format(title=localized(mandate, "title"))
        ).text
        props.subject = _("Incidents outside the mandate {id}").format(id=mandate.id)
        props.creator = f"scope-gap {__version__}"
        if language() != DEFAULT_LANGUAGE:
            props.language = locale_tag()
        props.description = safe_text(self.analysis.sentence()).text
        props.created = props.modified = self.generated
        self.write_summary()
        self.write_incidents("gap", with_gap=True)
        self.write_incidents("indeterminate", with_gap=True)
        self.write_incidents("in_scope", with_gap=False)
        self.write_invalid()
        self.write_mandate()
        self.write_about()

    # --- Summary ----------------------------------------------------------------------

    def write_summary(self) -> None:
        sheet = self.sheets["summary"]
        analysis, mandate = self.analysis, self.analysis.mandate
        summary = analysis.summary
        statuses = list(STATUS_LABELS)
        sheet.widths([40, 14, 14, 14, 14, 14, 40])
        sheet.print_setup(title_rows=False)

        sheet.start_row()
        title = localized(mandate, "title")
        sheet.append([sheet.text(_("Gap report: {title}").format(title=title), "title")])
        span = ("B", "G", 106)  # merged columns and about how many characters fit on a line
        sheet.spanning(_("Finding"), analysis.sentence(), span)
        sheet.spanning(display_name("evidence"), evidence_caveat(), span)
        sheet.spanning(_("Mandate"), title, span)
        if mandate.authority:
            sheet.spanning(_("Authority"), localized(mandate, "authority"), span)
        if mandate.url:
            link = first_link(mandate.url)
            sheet.spanning(_("Terms of reference"), mandate.url, span, link=link)
        sheet.skip()

        sheet.line(_("Incidents by status"), look="heading")
        sheet.line(_("Status"), _("Incidents"), _("Share"), _("What it means"), look="header")
        total = summary["total"]
        for status in statuses:
            count = summary[status]
            sheet.start_row()
            sheet.append(
                [
                    sheet.text(status_label(status), f"status:{status}"),
                    sheet.value(count),
                    sheet.value(count / total if total else 0.0, "percent"),
                    sheet.text(status_meaning(status), "plain"),  # spills over the empty cells
                ]
            )
        sheet.start_row()
        sheet.append(
            [
                sheet.text(_("total"), "label"),
                sheet.value(total),
                sheet.value(1.0 if total else 0.0, "percent"),
            ]
        )
        sheet.skip()

        sheet.line(_("Incidents by level and status"), look="heading")
        sheet.line(
            display_name("level"),
            *(status_label(s) for s in statuses[:4]),
            _("total"),
            look="header",
        )
        for level, counts in summary["by_level"].items():
            values = [counts.get(s, 0) for s in statuses[:4]]
            sheet.start_row()
            sheet.append(
                [
                    sheet.text(value_label("level", level)),
                    *(sheet.value(v) for v in values),
                    sheet.value(sum(values)),
                ]
            )
        sheet.skip()

        if summary["by_unknown"]:  # not known is not a gap: what would have to be known
            sheet.line(_("Values not known (not counted as gaps)"), look="heading")
            sheet.line(_("Field"), _("Incidents"), look="header")
            for name, count in summary["by_unknown"].items():
                sheet.start_row()
                sheet.append([sheet.text(field_label(name)), sheet.value(count)])
            sheet.skip()

        sheet.line(_("Sheets of this workbook"), look="heading")
        for key, what in SHEET_GUIDE:
            sheet.start_row()
            sheet.append([sheet.text(sheet_name(key), "label"), sheet.text(_(what), "plain")])
        sheet.skip()

        # the gaps and their chart start a printed page of their own, so the chart is whole
        sheet.ws.row_breaks.append(Break(id=sheet.row))
        sheet.line(
            _("Gaps: why incidents are not in scope (an incident may have several)"),
            look="heading",
        )
        sheet.line(_("Gap"), _("Incidents"), look="header")
        first_gap = sheet.row + 1
        for label, count in summary["by_gap"].items():
            sheet.start_row()
            sheet.append([sheet.text(label), sheet.value(count)])
        last_gap = sheet.row
        if summary["by_gap"]:
            chart = BarChart()
            chart.type = "bar"
            chart.style = 10
            chart.title = _("Incidents not in scope, by gap")
            chart.y_axis.title = _("Incidents")
            chart.legend = None
            data = Reference(sheet.ws, min_col=2, min_row=first_gap - 1, max_row=last_gap)
            labels = Reference(sheet.ws, min_col=1, min_row=first_gap, max_row=last_gap)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(labels)
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.y_axis.scaling.min = 0
            if max(summary["by_gap"].values()) <= 10:
                chart.y_axis.majorUnit = 1
            chart.width = 24
            # at most a landscape page's height less the table above it
            chart.height = min(12.0, max(7.0, 1.2 * len(summary["by_gap"]) + 3))
            sheet.ws.add_chart(chart, f"A{last_gap + 2}")
        else:
            sheet.line(_("(none: every incident is in scope)"))
        sheet.ws.close()

    # --- incident sheets ----------------------------------------------------------------

    def write_incidents(self, key: str, with_gap: bool) -> None:
        sheet = self.sheets[key]
        extras = extra_columns(self.analysis.columns)
        middle = [_("Gap"), _("Why")] if with_gap else [_("Covered by")]
        fixed = [*(display_name(k) for k in LEADING), _("Status"), *middle]
        # after the input columns: the fields not known (gap sheets), then the origin
        tail = ([_("Unknown")] if with_gap else []) + [_("Origin")]
        headers = unique_headers(fixed + localized_header_names(extras, fixed + tail) + tail)
        keys = LEADING + ["status"] + (["gap", "why"] if with_gap else ["covered_by"]) + extras
        keys += (["unknown"] if with_gap else []) + ["origin"]
        sheet.widths([WIDTHS.get(k, OTHER_WIDTH) for k in keys])
        sheet.ws.freeze_panes = "B2"
        sheet.print_setup(title_rows=True)
        sheet.line(*headers, look="header")

        text, date_or_text = sheet.text, sheet.date_or_text
        sources_at = extras.index("sources") if "sources" in extras else -1
        # in French, an incident's title_fr / summary_fr when filled (data, not translated)
        translated = language() != DEFAULT_LANGUAGE
        summary_at = extras.index("summary") if translated and "summary" in extras else -1
        labels = {code: status_label(code) for code in STATUS_LABELS}
        mandate = self.analysis.mandate
        evidence_at = extras.index("evidence") if "evidence" in extras else -1
        # long text wraps in these columns only (rows stay a sensible height when printed)
        wrapped = {i for i, c in enumerate(extras) if c in WRAPPED_EXTRAS}
        why = self.why if with_gap else {}
        # the words of values, clauses and unknown fields, once per distinct value
        label = _Memo(value_label)
        covering = _Memo(lambda ids: "\n".join(covered_by(mandate, list(ids))))
        unknown = _Memo(lambda names: unknown_fields(list(names)))
        for i, record in self.analysis.records_at(self.rows[key]):
            fields = record["fields"]
            status = record["status"]
            sheet.start_row()
            row = [
                text(fields.get("id", "")),
                text(localized_field(fields, "title") if translated else fields.get("title", "")),
                date_or_text(fields.get("date", "")),
                text(label("level", fields.get("level", ""))),
                text(label("event_type", fields.get("event_type", ""))),
                text(labels[status], f"status:{status}"),
            ]
            if with_gap:
                row.append(text("; ".join(record["gaps"])))
                row.append(text(why[i]))
            else:
                row.append(text(covering(tuple(record["covered_by"]))))
            for index, column in enumerate(extras):
                value = (
                    localized_field(fields, column)
                    if index == summary_at
                    else label("evidence", fields.get(column, ""))
                    if index == evidence_at
                    else fields.get(column, "")
                )
                link = first_link(value) if index == sources_at else None
                row.append(text(value, "wrap" if index in wrapped else "cell", link=link))
            if with_gap:
                row.append(text(unknown(tuple(record["unknown"]))))
            row.append(text(_origin(record["origin"])))
            sheet.append(row)
        # a printed page holds the columns that say what and why (ID to Why, or Covered by),
        # at a readable scale; the sheet keeps every column
        sheet.ws.print_area = f"A1:{get_column_letter(len(fixed))}{max(sheet.row, 2)}"
        sheet.table(TABLE_NAMES[key], headers)
        sheet.ws.close()

    def write_invalid(self) -> None:
        sheet = self.sheets["invalid"]
        columns = self.analysis.columns
        beyond: dict[str, None] = {}
        for row in self.analysis.invalid:
            for name in row.fields:
                if name not in columns:
                    beyond.setdefault(name, None)
        fixed = [_("File"), _("Sheet"), _("Row"), _("Problems")]
        headers = unique_headers(fixed + localized_header_names(columns + list(beyond), fixed))
        widths = (
            [30, 12, 8, 60] + [WIDTHS.get(k, OTHER_WIDTH) for k in columns] + [16] * len(beyond)
        )
        sheet.widths(widths)
        sheet.ws.freeze_panes = "A2"
        sheet.print_setup(title_rows=True)
        sheet.line(*headers, look="header")
        for row in self.analysis.invalid:
            origin = row.origin
            sheet.start_row()
            cells = [
                sheet.text(origin["path"]),
                sheet.text(origin.get("sheet") or ""),
                sheet.value(int(origin["row"])),
                sheet.text("\n".join(row.error_texts())),
            ]
            cells += [sheet.text(row.fields.get(name, "")) for name in [*columns, *beyond]]
            sheet.append(cells)
        sheet.table(TABLE_NAMES["invalid"], headers)
        sheet.ws.close()

    # --- Mandate and About --------------------------------------------------------------

    def write_mandate(self) -> None:
        sheet = self.sheets["mandate"]
        mandate = self.analysis.mandate
        sheet.widths([24, 16, 12, 70, 80, 40])
        sheet.print_setup(title_rows=False)
        sheet.start_row()
        sheet.append([sheet.text(localized(mandate, "title"), "title")])
        for label, value, linked in [
            (_("Mandate id"), mandate.id, False),
            (_("Authority"), localized(mandate, "authority"), False),
            (_("Terms of reference"), mandate.url, True),
            (_("Rule file"), mandate.path, False),
            (_("Rule file SHA-256"), mandate.sha256, False),
        ]:
            if value:
                link = first_link(value) if linked else None
                sheet.spanning(label, value, ("B", "E", 170), link=link)
        sheet.skip()
        sheet.line(_("Clauses"), look="heading")
        sheet.line(
            _("Clause"),
            _("Reference"),
            _("Coverage"),
            _("Text"),
            _("Rule"),
            _("Short title"),
            look="header",
        )
        for clause in mandate.clauses:
            coverage = clause.coverage.value
            sheet.line(
                clause.id,
                clause.ref or "",
                _(COVERAGE_LABELS[coverage]) if coverage in COVERAGE_LABELS else coverage,
                localized(clause, "text") or "",
                rule_text(clause.when),
                localized(clause, "short") or "",
            )
        sheet.skip()
        sheet.line(_("Periods"), look="heading")
        sheet.line(_("Period"), _("Start"), _("End"), _("Label"), look="header")
        for name, period in mandate.periods.items():
            sheet.start_row()
            sheet.append(
                [
                    sheet.text(name),
                    sheet.value(dt.date.fromordinal(period.start), "date"),
                    sheet.value(dt.date.fromordinal(period.end), "date"),
                    sheet.text(localized(period, "label") or ""),
                ]
            )
        sheet.ws.close()

    def write_about(self) -> None:
        sheet = self.sheets["about"]
        analysis = self.analysis
        sheet.widths([40, 70, 10])
        sheet.print_setup(title_rows=False)
        sheet.start_row()
        sheet.append([sheet.text(_("About this report"), "title")])
        sheet.line(_("Tool"), f"scope-gap {__version__}")
        sheet.start_row()
        sheet.append([sheet.text(_("Generated (UTC)")), sheet.value(self.generated, "datetime")])
        sheet.line(_("Command"), analysis.command or _("(run from Python, not the command line)"))
        mandate = analysis.mandate
        sheet.line(_("Mandate"), f"{mandate.id}: {localized(mandate, 'title')}")
        sheet.line(_("Mandate SHA-256"), mandate.sha256 or "")
        sheet.skip()
        sheet.line(_("Inputs"), look="heading")
        sheet.line(_("Path"), "SHA-256", _("Rows"), look="header")
        for item in analysis.to_dict(incidents=False)["inputs"]:
            sheet.start_row()
            sheet.append(
                [sheet.text(item["path"]), sheet.text(item["sha256"]), sheet.value(item["rows"])]
            )
        sheet.skip()
        sheet.line(_("Warnings"), look="heading")
        shown = list(dict.fromkeys([*analysis.warnings, *self.warnings()]))
        for warning in shown or [_("(none)")]:
            sheet.line(warning)
        sheet.ws.close()

    # --- warnings and saving ----------------------------------------------------------

    def warnings(self) -> list[str]:
        """What had to change, one line per kind of change and sheet."""
        limit = {"truncated": MAX_CELL_CHARS, "links": MAX_LINKS, "breaks": MAX_LINE_BREAKS}
        out = []
        for (kind, sheet), count in self.changes.counts.items():
            places = self.changes.places[(kind, sheet)]
            at = ", ".join(places) + (", …" if count > len(places) else "")
            text = _change(kind, count).format(
                sheet=sheet, count=format_number(count), n=format_number(limit.get(kind, 0)), at=at
            )
            out.append(text)
        return out

    def save(self, path: Path | IO[bytes]) -> None:
        with _ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, when=self.epoch) as archive:
            ExcelWriter(self.wb, archive).save()


def _change(kind: str, count: int) -> str:
    """The warning for `count` cells of one sheet changed in one way (placeholders unfilled)."""
    if kind == "truncated":
        return ngettext(
            "Excel report, sheet '{sheet}': {count} cell truncated to Excel's limit of {n} "
            "characters, marked as such ({at}); the JSON report keeps the full text",
            "Excel report, sheet '{sheet}': {count} cells truncated to Excel's limit of {n} "
            "characters, marked as such ({at}); the JSON report keeps the full text",
            count,
        )
    if kind == "links":
        return ngettext(
            "Excel report, sheet '{sheet}': {count} cell left without a link, as Excel holds "
            "at most {n} links per sheet ({at})",
            "Excel report, sheet '{sheet}': {count} cells left without a link, as Excel holds "
            "at most {n} links per sheet ({at})",
            count,
        )
    if kind == "control":
        return ngettext(
            "Excel report, sheet '{sheet}': {count} cell had control characters that Excel "
            "cannot hold removed ({at})",
            "Excel report, sheet '{sheet}': {count} cells had control characters that Excel "
            "cannot hold removed ({at})",
            count,
        )
    return ngettext(
        "Excel report, sheet '{sheet}': {count} cell had more than {n} line breaks; the rest "
        "are shown as spaces ({at})",
        "Excel report, sheet '{sheet}': {count} cells had more than {n} line breaks; the rest "
        "are shown as spaces ({at})",
        count,
    )


def _origin(origin: dict[str, Any]) -> str:
    sheet = f"[{origin['sheet']}]" if origin.get("sheet") else ""
    return f"{origin['path']}{sheet}:{origin['row']}"


def _zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """A time as a zip entry holds it: zip dates run from 1980 to 2107."""
    when = min(max(when, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31, 23, 59, 58))
    return when.timetuple()[:6]  # type: ignore[return-value]


class _ZipFile(zipfile.ZipFile):
    """A zip whose entries all carry one timestamp when one is given (SOURCE_DATE_EPOCH)."""

    def __init__(self, *args: Any, when: dt.datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._when = None if when is None else _zip_time(when)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._when)  # type: ignore[arg-type]
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if self._when is not None and isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        if self._when is None or arcname is None:
            super().write(filename, arcname, *args, **kwargs)
            return
        with open(filename, "rb") as source, self.open(self._info(arcname), "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)
