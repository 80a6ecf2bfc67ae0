"""Excel workbooks, read with python-calamine: cell values (cached results), never formulas.

Before any part is parsed, the zip's central directory is checked against the limits
(part and total inflated size, compression ratio, part count), names that climb out of
the archive and macro projects are refused, and every part is inflated once, bounded, to
prove its declared size honest and to refuse XML with a document type declaration
(entity bombs).
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from typing import Any

from ..errors import BadTableError, Location, did_you_mean
from ..i18n import _, format_number
from ..vocabulary import match_header
from .base import (
    ENV,
    HEADER_SEARCH_ROWS,
    MIB,
    Limits,
    RawTable,
    ReadOptions,
    is_blank_row,
    over_limit,
    sha256_of,
    split_at_header,
)
from .xlsx_scan import explain_failure, scan_sheet

#: a part smaller than this is never refused for its ratio (Apache POI's grace is 100 KiB)
RATIO_GRACE_BYTES = 1 * MIB
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CHUNK = 1 << 16


def cell_text(value: Any, is_date: bool, precision: str | None = None) -> str:
    """A cell's value as the text the user sees; date cells as ISO dates, at the `precision`
    ("month" or "year") their number format shows, when it shows less than a day."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if precision is not None and isinstance(value, dt.date):
        return f"{value.year:04d}" if precision == "year" else f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, dt.datetime):
        if is_date or value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _reraise_interrupts(exc: BaseException) -> None:
    """Let Ctrl-C and exits through; any other failure of the reader becomes a clear error."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def _refuse(path: str, message: str) -> BadTableError:
    return BadTableError(message, Location(path))


def check_archive(data: bytes, path: str, limits: Limits) -> None:
    """Refuse a workbook whose zip could exhaust memory or smuggle something in."""
    if data.startswith(_OLE_MAGIC):
        raise _refuse(
            path,
            _(
                "is not an .xlsx workbook: it is an Excel 97-2003 (.xls) or a password-protected "
                "workbook; save an unprotected copy as an Excel Workbook (.xlsx)"
            ),
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(
            path,
            _(
                "cannot be read as an Excel workbook: it is not a zip archive, as every .xlsx "
                "file is ({reason})"
            ).format(reason=exc),
        ) from None
    if len(members) > limits.xlsx_parts:
        over_limit(
            path,
            _("holds {count} parts").format(count=format_number(len(members))),
            "xlsx_parts",
            limits.xlsx_parts,
        )
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _refuse(
            path,
            _(
                "cannot be read as an Excel workbook: it is a zip archive without the "
                "[Content_Types].xml and xl/ parts of one"
            ),
        )
    total = 0
    for member in members:
        name = member.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            raise _refuse(
                path,
                _("holds a part named '{name}', outside the workbook; refused").format(name=name),
            )
        if name.lower().endswith("vbaproject.bin"):
            raise _refuse(
                path,
                _(
                    "holds macros (a VBA project) although it is named .xlsx; save a copy as an "
                    "Excel Workbook (.xlsx) without macros"
                ),
            )
        if member.flag_bits & 0x1:
            raise _refuse(
                path,
                _("has an encrypted part '{name}'; save an unprotected copy").format(name=name),
            )
        size = member.file_size
        if size > RATIO_GRACE_BYTES and size > limits.xlsx_ratio * max(member.compress_size, 1):
            ratio = size / max(member.compress_size, 1)
            raise _refuse(
                path,
                _(
                    "part '{name}' inflates {ratio} times ({compressed} to {size} bytes), more "
                    "than the limit of {limit}; refused as a possible zip bomb (if the file is "
                    "trusted, raise the limit with the environment variable {variable})"
                ).format(
                    name=name,
                    ratio=format_number(round(ratio)),
                    compressed=format_number(member.compress_size),
                    size=format_number(size),
                    limit=limits.xlsx_ratio,
                    variable=ENV["xlsx_ratio"],
                ),
            )
        if size > limits.xlsx_part_bytes:
            over_limit(
                path,
                _("part '{name}' inflates to {size} bytes").format(
                    name=name, size=format_number(size)
                ),
                "xlsx_part_bytes",
                limits.xlsx_part_bytes,
            )
        total += size
        if total > limits.xlsx_total_bytes:
            over_limit(
                path,
                _("its parts inflate to more than {size} bytes").format(
                    size=format_number(limits.xlsx_total_bytes)
                ),
                "xlsx_total_bytes",
                limits.xlsx_total_bytes,
            )
    for member in members:
        _inflate_honestly(data, member, path)


def _inflate_honestly(data: bytes, member: zipfile.ZipInfo, path: str) -> None:
    """Inflate one part, bounded by its declared size: refuse a part that lies about its size
    or XML with a document type declaration (where entity bombs live)."""
    name = member.filename
    offset = member.header_offset
    try:
        fields = _LOCAL_HEADER.unpack_from(data, offset)
    except struct.error:
        raise _refuse(
            path, _("is a damaged zip archive (part '{name}')").format(name=name)
        ) from None
    if fields[0] != b"PK\x03\x04":
        raise _refuse(path, _("is a damaged zip archive (part '{name}')").format(name=name))
    start = offset + _LOCAL_HEADER.size + fields[10] + fields[11]
    raw = memoryview(data)[start : start + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        head = bytes(raw[:4096])
        produced = len(raw)
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        produced = 0
        head = b""
        try:
            for at in range(0, len(raw), _CHUNK):
                chunk = inflater.decompress(raw[at : at + _CHUNK], member.file_size + 1 - produced)
                produced += len(chunk)
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
                if produced > member.file_size or inflater.unconsumed_tail:
                    produced = member.file_size + 1
                    break
        except zlib.error as exc:
            raise _refuse(
                path,
                _("is a damaged zip archive (part '{name}': {reason})").format(
                    name=name, reason=exc
                ),
            ) from None
    else:
        raise _refuse(
            path,
            _("part '{name}' uses a compression Excel does not write; refused").format(name=name),
        )
    if produced > member.file_size:
        raise _refuse(
            path,
            _(
                "part '{name}' inflates to more than the {size} bytes it declares; "
                "refused as a possible zip bomb"
            ).format(name=name, size=format_number(member.file_size)),
        )
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise _refuse(
            path,
            _(
                "part '{name}' holds an XML document type declaration, which Excel never "
                "writes; refused (it can hide an entity-expansion bomb)"
            ).format(name=name),
        )


def _choose_sheet(workbook: Any, path: str, sheet: str | None) -> tuple[str, list[str]]:
    """The sheet to read (default: the first visible worksheet) and any warning about it."""
    names = list(workbook.sheet_names)
    if not names:
        raise _refuse(path, _("has no sheets"))
    if sheet is not None:
        if sheet not in names:
            raise _refuse(
                path,
                _("has no sheet '{sheet}'{hint}; sheets: {sheets}").format(
                    sheet=sheet, hint=did_you_mean(sheet, names), sheets=", ".join(names)
                ),
            )
        return sheet, []
    visible = [
        m.name
        for m in workbook.sheets_metadata
        if str(m.visible).rsplit(".", 1)[-1].lower() == "visible"
        and str(m.typ).rsplit(".", 1)[-1].lower() == "worksheet"
    ]
    if not visible:
        return names[0], [
            _("{path}: no sheet is visible; read '{sheet}', the first one").format(
                path=path, sheet=names[0]
            )
        ]
    if visible[0] != names[0]:
        return visible[0], [
            _(
                "{path}: the first sheet '{hidden}' is hidden; read '{sheet}', the first "
                "visible one (name another with --sheet)"
            ).format(path=path, hidden=names[0], sheet=visible[0])
        ]
    return visible[0], []


def read_xlsx(
    data: bytes,
    path: str,
    sheet: str | None = None,
    limits: Limits | None = None,
    options: ReadOptions | None = None,
) -> RawTable:
    from python_calamine import CalamineWorkbook

    limits = limits or Limits()
    check_archive(data, path, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # calamine raises its own error types, and may panic
        _reraise_interrupts(exc)
        raise _refuse(
            path, _("cannot be read as an Excel workbook: {reason}").format(reason=exc)
        ) from None
    try:
        sheet, warnings = _choose_sheet(workbook, path, sheet)
    except BadTableError:
        raise
    except BaseException as exc:
        _reraise_interrupts(exc)
        raise _refuse(
            path, _("cannot be read as an Excel workbook: {reason}").format(reason=exc)
        ) from None
    try:  # bounds, repeated rows and cells; the precision each date cell is shown at
        shown_by_row: dict[int, dict[int, str]] = {}
        for (row, column), shown in scan_sheet(data, sheet, path, limits).precision.items():
            shown_by_row.setdefault(row, {})[column] = shown
    except BadTableError:
        raise
    except Exception as exc:  # a part that is not XML, damaged rels...
        raise _refuse(
            path, _("sheet '{sheet}' cannot be read: {reason}").format(sheet=sheet, reason=exc)
        ) from None
    values: list[list[Any]] = []
    try:
        data_sheet = workbook.get_sheet_by_name(sheet)
        # iter_rows starts at the first used column: pad so that cells keep their letters
        pad = [""] * (data_sheet.start[1] if data_sheet.start else 0)
        for record in data_sheet.iter_rows():
            values.append(pad + record if pad else record)
            if len(values) > limits.rows + HEADER_SEARCH_ROWS:
                over_limit(
                    path,
                    _("sheet '{sheet}' has more than {count} rows").format(
                        sheet=sheet, count=format_number(limits.rows)
                    ),
                    "rows",
                    limits.rows,
                )
    except BadTableError:
        raise
    except BaseException as exc:  # a PanicException is a BaseException
        _reraise_interrupts(exc)
        explain_failure(data, sheet, path)  # names a date cell no calendar holds, if any
        raise _refuse(
            path, _("sheet '{sheet}' cannot be read: {reason}").format(sheet=sheet, reason=exc)
        ) from None
    cells: list[list[str]] = []
    rows: list[int] = []
    kept: list[list[Any]] = []
    for number, record in enumerate(values, start=1):
        texts = [cell_text(v, False) for v in record]
        for i, shown in shown_by_row.get(number, {}).items():
            if i < len(record):  # a date cell whose format shows only its month or year
                texts[i] = cell_text(record[i], True, shown)
        while texts and not texts[-1]:
            texts.pop()
        if is_blank_row(texts):
            continue
        for column, text in enumerate(texts):
            if len(text) > limits.cell_chars:
                over_limit(
                    path,
                    _("sheet '{sheet}' row {row} column {column} holds {count} characters").format(
                        sheet=sheet,
                        row=number,
                        column=column + 1,
                        count=format_number(len(text)),
                    ),
                    "cell_chars",
                    limits.cell_chars,
                )
        cells.append(texts)
        rows.append(number)
        kept.append(record)
    if not rows:
        raise _refuse(
            path, _("sheet '{sheet}' has no header row (it is empty)").format(sheet=sheet)
        )
    # the header is found among the first rows (SPEC 7); rows above it are dropped
    table = split_at_header(rows, cells, path, sha256_of(data), options, sheet, warnings)
    if len(table.rows) > limits.rows:
        over_limit(
            path,
            _("sheet '{sheet}' has more than {count} rows").format(
                sheet=sheet, count=format_number(limits.rows)
            ),
            "rows",
            limits.rows,
        )
    if len(table.headers) > limits.columns:
        over_limit(
            path,
            _("sheet '{sheet}' has {count} header cells").format(
                sheet=sheet, count=format_number(len(table.headers))
            ),
            "columns",
            limits.columns,
        )
    date_columns = [
        i for i, h in enumerate(table.headers) if match_header(h, table.column_map).column == "date"
    ]
    first = len(kept) - len(table.rows)
    for i, record in enumerate(kept[first:]):
        shown_here = shown_by_row.get(table.rows[i], {})
        for j in date_columns:  # a date cell's time part is ignored
            if j < len(record) and j not in shown_here and isinstance(record[j], dt.datetime):
                table.cells[i][j] = cell_text(record[j], True)
    return table
