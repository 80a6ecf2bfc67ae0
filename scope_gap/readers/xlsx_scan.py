"""A bounded scan of one worksheet's cells before python-calamine reads it.

calamine gives values only, and trusts the sheet: one cell at XFD1048576 in a 2 KB file
makes it allocate the whole used range; a repeated `<row r="2">` silently replaces the
first; a date-formatted serial of -1e12 panics inside it. This scan reads the sheet's XML
with regular expressions (no XML parser, no entity expansion: the archive check has refused
document type declarations already) and:

- bounds the used range from the cells themselves (never from the declared dimension);
- refuses a row or a cell given twice, or rows out of order, naming them;
- refuses a date-formatted number that no calendar date is (before calamine panics);
- finds, from the workbook's styles part (read with defusedxml), the precision that each
  date cell's number format shows: `mmm-yy` shows a month, `yyyy` a year, `d/m/yyyy` a day.

It is the one scan for both: the bounds of issue 16 and the date precision of issue 13.
On 50,000 rows it costs a fraction of what calamine takes; openpyxl, which would give the
number formats too, reads the same sheet about fifteen times slower (see docs/input.md).
"""

from __future__ import annotations

import io
import operator
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from ..errors import BadTableError, Location
from ..i18n import _, format_number
from .base import Limits, column_letter, over_limit

#: a sheet whose used range holds more cells than this, and more than USED_RANGE_RATIO times
#: the cells it really has, is refused: calamine would allocate every cell of the range
USED_RANGE_FLOOR = 4_000_000
USED_RANGE_RATIO = 8
#: the serials of 0001-01-01 and 9999-12-31 in Excel's 1900 date system: a date-formatted
#: number outside them is no date (calamine panics on some)
SERIAL_MIN, SERIAL_MAX = -693_593, 2_958_465

_NS = r"(?:[A-Za-z_][\w.\-]*:)?"
_ATTR_R = re.compile(rb'\sr="([^"]*)"')
_ATTR_S = re.compile(rb'\ss="([0-9]+)"')
_ATTR_T = re.compile(rb'\st="([^"]*)"')
_VALUE = re.compile(
    rb"(?:(?!</" + _NS.encode() + rb"c>).)*?<" + _NS.encode() + rb"v>([^<]*)<", re.S
)
_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


@dataclass
class SheetScan:
    """What the scan found: each date cell that shows less than a day, by (row, column)."""

    #: (row as the user counts it, 0-based column) -> "month" or "year"
    precision: dict[tuple[int, int], str] = field(default_factory=dict)
    rows: int = 0  # the last row number used
    columns: int = 0  # the last column used, 1-based


def column_index(letters: str) -> int:
    """0-based index of a column name: A -> 0, AB -> 27."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


# --- number formats ----------------------------------------------------------------------

#: built-in number formats that show dates (ECMA-376 18.8.30), by the precision they show;
#: 18-21 and 45-47 show times only
BUILTIN_DATE_FORMATS: dict[int, str] = {
    14: "day",  # m/d/yyyy (shown in the locale's short date)
    15: "day",  # d-mmm-yy
    16: "day",  # d-mmm
    17: "month",  # mmm-yy
    22: "day",  # m/d/yy h:mm
    **{n: "day" for n in (*range(27, 37), *range(50, 59))},  # East Asian dates
}
_LITERAL = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[[^\]]*\]")


def format_precision(code: str) -> str | None:
    """The precision a number format shows a date at: day, month, year, or None (no date).

    `mmm-yy`, `mmmm yyyy`, `mm/yyyy` show a month; `yyyy` a year; anything with a day
    (`d`), or a date with a time, a day. `m` next to `h` or `s` is minutes, not a month.
    """
    section = _first_section(code)
    # [h], [mm], [ss] are elapsed time; other brackets are colours, locales or conditions
    plain = _BRACKET.sub(_elapsed, _LITERAL.sub("", section)).lower().replace("general", "")
    runs = [(m.group(0)[0], len(m.group(0))) for m in re.finditer(r"([a-z])\1*", plain)]
    letters = [c for c, _n in runs if c in "ymdhse"]
    has_day = "d" in letters
    has_year = "y" in letters or "e" in letters
    has_month = False
    for i, (char, count) in enumerate(runs):
        if char != "m":
            continue
        before = [c for c, _n in runs[:i] if c in "hsymd"]
        after = [c for c, _n in runs[i + 1 :] if c in "hsymd"]
        minutes = count <= 2 and ((before and before[-1] == "h") or (after and after[0] == "s"))
        if not minutes:
            has_month = True
    if has_day:
        return "day"
    if has_month:
        return "month"
    if has_year:
        return "year"
    return None


def _elapsed(match: re.Match[str]) -> str:
    inner = match.group(0)[1:-1].lower()
    return "h" if inner and set(inner) <= set("hms") else ""


def _first_section(code: str) -> str:
    """A format's first section (positive numbers): up to a `;` outside quotes."""
    quoted = False
    for i, char in enumerate(code):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            return code[:i]
    return code


# --- the workbook's parts ---------------------------------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    from defusedxml.ElementTree import fromstring

    return fromstring(archive.read(name))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parts(archive: zipfile.ZipFile, sheet: str) -> tuple[str | None, str | None]:
    """The part names of `sheet`'s worksheet and of the styles, from the workbook's rels."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return None, None
    workbook = _xml(archive, "xl/workbook.xml")
    rel_id = None
    for node in workbook.iter():
        if _local(node.tag) == "sheet" and node.get("name") == sheet:
            rel_id = node.get(f"{_DOC_REL}id")
            break
    targets: dict[str, str] = {}
    styles = None
    if "xl/_rels/workbook.xml.rels" in names:
        for rel in _xml(archive, "xl/_rels/workbook.xml.rels").iter(f"{_RELS}Relationship"):
            target = rel.get("Target", "")
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            targets[rel.get("Id", "")] = target
            if rel.get("Type", "").endswith("/styles"):
                styles = target
    if styles is None and "xl/styles.xml" in names:
        styles = "xl/styles.xml"
    part = targets.get(rel_id or "")
    return (part if part in names else None), (styles if styles in names else None)


def date_styles(archive: zipfile.ZipFile, styles: str | None) -> dict[int, str]:
    """For each cell style index (a cell's `s`) whose number format shows a date: its precision."""
    if styles is None:
        return {}
    root = _xml(archive, styles)
    codes: dict[int, str] = {}
    for node in root.iter(f"{_MAIN}numFmt"):
        try:
            codes[int(node.get("numFmtId", ""))] = node.get("formatCode", "")
        except ValueError:
            continue
    out: dict[int, str] = {}
    cell_xfs = root.find(f"{_MAIN}cellXfs")
    if cell_xfs is None:
        return out
    for index, xf in enumerate(cell_xfs.iter(f"{_MAIN}xf")):
        try:
            number_format = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        if number_format in codes:
            precision = format_precision(codes[number_format])
        else:
            precision = BUILTIN_DATE_FORMATS.get(number_format)
        if precision is not None:
            out[index] = precision
    return out


# --- the scan ----------------------------------------------------------------------------

#: rows above the header (titles, notes) that a sheet may hold beyond the row limit
HEADER_ALLOWANCE = 1_000
Found = list[tuple[int, int, str, "str | None"]]  # (row, column, precision, number or None)


def scan_sheet(data: bytes, sheet: str, path: str, limits: Limits) -> SheetScan:
    """Scan `sheet` of the workbook `data` (already checked by check_archive); refuse what
    calamine would mishandle, and say at what precision each date cell is shown."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    part, styles = _parts(archive, sheet)
    if part is None:
        return SheetScan()  # calamine finds the sheet its own way (or says why it cannot)
    xml = archive.read(part)
    dated = date_styles(archive, styles)
    scan = SheetScan()
    # day-precision cells need no mark; their values are checked only if calamine fails
    shown = {style: p for style, p in dated.items() if p != "day"}
    cells = _fast_scan(xml, shown, scan, sheet, path, limits)
    if cells is None:  # namespace prefixes, cells without references...: every tag in order
        cells = _cells_in_order(xml, dated, scan, sheet, path, limits)
        _check_serials(cells, sheet, path)
    for row, column, precision, _value in cells:
        if precision != "day":
            scan.precision[(row, column)] = precision
    return scan


def explain_failure(data: bytes, sheet: str, path: str) -> None:
    """After the reader failed (or panicked) on `sheet`: refuse, naming the cell, a
    date-formatted number that no calendar date is, if there is one."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    part, styles = _parts(archive, sheet)
    if part is None:
        return
    xml = archive.read(part)
    cells = _cells_in_order(xml, date_styles(archive, styles), SheetScan(), sheet, path, Limits())
    _check_serials(cells, sheet, path)


def _check_serials(cells: Found, sheet: str, path: str) -> None:
    for row, column, _precision, value in cells:
        if value is not None and not _is_serial(value):
            raise BadTableError(
                _(
                    "sheet '{sheet}' cell {cell} is formatted as a date but holds {value}, "
                    "which no calendar date is; clear the cell or its date format"
                ).format(sheet=sheet, cell=f"{column_letter(column)}{row}", value=value),
                Location(path),
            )


_FAST_ROW = re.compile(rb'<row r="([0-9]{1,7})"')
_FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_FAST_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"')
_PREFIXED_ROOT = re.compile(rb"<[A-Za-z_][\w.\-]*:worksheet\b")


def _fast_scan(
    xml: bytes, dated: dict[int, str], scan: SheetScan, sheet: str, path: str, limits: Limits
) -> Found | None:
    """The scan of a sheet as Excel, LibreOffice and openpyxl write it (no prefixes, `r`
    first on every row and cell), done by the regular-expression engine; None otherwise."""
    head = xml[:4096]
    if b"<worksheet" not in head or _PREFIXED_ROOT.search(head):
        return None
    rows = _FAST_ROW.findall(xml)
    if len(rows) != xml.count(b"<row ") + xml.count(b"<row>"):
        return None
    refs = _FAST_CELL.findall(xml)
    if len(refs) != xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/"):
        return None
    numbers = list(map(int, rows))
    if not all(map(operator.lt, numbers, numbers[1:])):
        last = 0
        for number in numbers:
            if number <= last:
                raise _out_of_order(sheet, number, last, path)
            last = number
    _bound(refs, scan, sheet, path, limits)
    if not dated:
        return []
    style = re.compile(rb' s="(' + b"|".join(str(s).encode() for s in sorted(dated)) + rb')"')
    out: Found = []
    for match in style.finditer(xml):
        start = xml.rfind(b"<", 0, match.start())
        if xml[start : start + 3] != b"<c ":
            continue  # a row's style, not a cell's
        end = xml.find(b">", match.end())
        attributes = xml[start + 2 : end]
        ref = _FAST_REF.match(attributes)
        if ref is None:
            continue
        out.append((int(ref[2]), column_index(ref[1].decode()), dated[int(match[1])], None))
    return out


def _out_of_order(sheet: str, number: int, last: int, path: str) -> BadTableError:
    """A row given twice (calamine would keep one) or out of order."""
    if number == last:
        message = _(
            "sheet '{sheet}' holds row {row} twice; reading it would keep one and lose the "
            "other (the file was not written by Excel: open it and save it again, then check "
            "that row)"
        )
    else:
        message = _(
            "sheet '{sheet}' lists row {row} after row {last}; rows out of order would be "
            "misread (open the file and save it again)"
        )
    return BadTableError(message.format(sheet=sheet, row=number, last=last), Location(path))


def _twice(sheet: str, cell: str, path: str) -> BadTableError:
    return BadTableError(
        _(
            "sheet '{sheet}' holds cell {cell} twice; reading it would keep one value and "
            "lose the other (open the file and save it again, then check that cell)"
        ).format(sheet=sheet, cell=cell),
        Location(path),
    )


def _bound(
    refs: list[tuple[bytes, bytes]], scan: SheetScan, sheet: str, path: str, limits: Limits
) -> None:
    """Refuse a cell given twice, or a used range far larger than the cells in it."""
    if not refs:
        return
    unique = set(refs)
    if len(unique) < len(refs):
        seen: set[tuple[bytes, bytes]] = set()
        for ref in refs:
            if ref in seen:
                raise _twice(sheet, (ref[0] + ref[1]).decode(), path)
            seen.add(ref)
    columns = sorted({column_index(c.decode()) for c in set(map(itemgetter(0), refs))})
    rows = [int(r) for r in set(map(itemgetter(1), refs))]
    _check_range(
        min(rows), max(rows), columns[0], columns[-1], len(unique), scan, sheet, path, limits
    )


def _check_range(
    first_row: int,
    last_row: int,
    first_column: int,
    last_column: int,
    count: int,
    scan: SheetScan,
    sheet: str,
    path: str,
    limits: Limits,
) -> None:
    """Refuse a used range beyond the row limit, or far larger than the cells written."""
    scan.rows, scan.columns = last_row, last_column + 1
    if last_row > limits.rows + HEADER_ALLOWANCE:
        over_limit(
            path,
            _("sheet '{sheet}' has a cell in row {row}").format(
                sheet=sheet, row=format_number(last_row)
            ),
            "rows",
            limits.rows,
        )
    area = last_row * (last_column - first_column + 1)
    if area > USED_RANGE_FLOOR and area > USED_RANGE_RATIO * count:
        raise BadTableError(
            _(
                "sheet '{sheet}' spans {first}:{last} ({area} cells) though only {count} "
                "cells are written; reading it would take memory for every cell of that "
                "range. Delete the rows and columns beyond your table (a stray cell far "
                "away, such as {last}), save, and read it again"
            ).format(
                sheet=sheet,
                first=f"{column_letter(first_column)}{first_row}",
                last=f"{column_letter(last_column)}{last_row}",
                area=format_number(area),
                count=format_number(count),
            ),
            Location(path),
        )


def _number(xml: bytes, at: int, attributes: bytes) -> str | None:
    """A numeric cell's value text (None for text, booleans, errors, or no value)."""
    kind = _ATTR_T.search(attributes)
    if kind is not None and kind.group(1) not in (b"n", b""):
        return None
    close = xml.find(b"</", at)
    value = xml.find(b"<v>", at, close if close >= 0 else len(xml))
    if value < 0:
        found = _VALUE.match(xml, at)  # a prefixed <x:v>, or a formula before the value
        return found.group(1).decode("ascii", "replace").strip() if found else None
    return xml[value + 3 : xml.find(b"<", value + 3)].decode("ascii", "replace").strip()


def _is_serial(value: str) -> bool:
    try:
        number = float(value)
    except ValueError:
        return True  # not a number: calamine reads it as it is (or says why it cannot)
    return SERIAL_MIN <= number <= SERIAL_MAX


_TAG = re.compile(rb"<" + _NS.encode() + rb"(row|c)\b([^>]*?)(/?)>")


def _cells_in_order(
    xml: bytes,
    dated: dict[int, str],
    scan: SheetScan,
    sheet: str,
    path: str,
    limits: Limits,
) -> Found:
    """The slow scan, for sheets written otherwise: every row and cell tag in order, placed
    as calamine places them (by reference, else after the previous one)."""
    out: Found = []
    row = 0
    last = 0
    column = -1
    seen: set[tuple[int, int]] = set()
    first_row = first_column = None
    last_row = last_column = 0
    for match in _TAG.finditer(xml):
        name, attributes, empty = match.groups()
        ref = _ATTR_R.search(attributes)
        if name == b"row":
            try:
                row = int(ref.group(1)) if ref else row + 1
            except ValueError:
                row += 1
            if row <= last:
                raise _out_of_order(sheet, row, last, path)
            last = row
            column = -1
            continue
        parsed = _REF.match(ref.group(1).decode("ascii", "replace")) if ref else None
        if parsed is not None:
            row, column = int(parsed[2]), column_index(parsed[1])
        else:
            column += 1
        if (row, column) in seen:
            raise _twice(sheet, f"{column_letter(column)}{row}", path)
        seen.add((row, column))
        first_row = row if first_row is None else min(first_row, row)
        first_column = column if first_column is None else min(first_column, column)
        last_row, last_column = max(last_row, row), max(last_column, column)
        style = _ATTR_S.search(attributes)
        if style is not None and int(style.group(1)) in dated:
            value = None if empty else _number(xml, match.end(), attributes)
            out.append((row, column, dated[int(style.group(1))], value))
    if seen:
        _check_range(
            first_row or 1,
            last_row,
            first_column or 0,
            last_column,
            len(seen),
            scan,
            sheet,
            path,
            limits,
        )
    return out
