"""CSV (and standard input): UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 fallback."""

from __future__ import annotations

import csv
import io
from typing import NoReturn

from ..errors import BadTableError, Location, decode_reason
from ..i18n import _, format_number
from .base import (
    ENV,
    HEADER_SEARCH_ROWS,
    Limits,
    RawTable,
    ReadOptions,
    is_blank_row,
    over_limit,
    sha256_of,
    split_at_header,
)

DELIMITERS = (",", ";", "\t")


def decode(data: bytes, path: str, encoding: str | None) -> tuple[str, list[str]]:
    """The file's text, and a warning when it was not UTF-8."""
    if encoding:
        try:
            return data.decode(encoding), []
        except LookupError:
            raise BadTableError(
                _("unknown encoding '{encoding}'").format(encoding=encoding), Location(path)
            ) from None
        except UnicodeDecodeError as exc:
            raise BadTableError(
                _("cannot be read as {encoding}: {reason} at byte {byte}").format(
                    encoding=encoding, reason=decode_reason(exc), byte=exc.start
                ),
                Location(path),
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise BadTableError(
                _("starts like UTF-16 but cannot be read as it: {reason}").format(
                    reason=decode_reason(exc)
                ),
                Location(path),
            ) from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        first_bad = data[exc.start : exc.start + 1].hex().upper()
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise BadTableError(
                _(
                    "is neither UTF-8 nor Windows-1252 (byte 0x{byte} on line {line}); "
                    "name its encoding with --encoding"
                ).format(byte=first_bad, line=bad_line),
                Location(path),
            ) from None
        return text, [
            _(
                "{path}: not UTF-8 (byte 0x{byte} on line {line}); read as Windows-1252 "
                "(use --encoding to choose another)"
            ).format(path=path, byte=first_bad, line=bad_line)
        ]


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of , ; and tab (comma on a tie)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_csv(
    data: bytes,
    path: str,
    encoding: str | None = None,
    limits: Limits | None = None,
    options: ReadOptions | None = None,
) -> RawTable:
    """A CSV file's header (found as SPEC 7 says) and data rows, numbered by record."""
    limits = limits or Limits()
    options = options or ReadOptions(encoding=encoding)
    text, warnings = decode(data, path, encoding or options.encoding)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BadTableError(
            _(
                "holds a NUL byte on line {line}; is it a CSV file (or UTF-16 without a BOM)?"
            ).format(line=line),
            Location(path),
        )
    # strict: a quote left open would otherwise swallow every later line into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    csv.field_size_limit(limits.cell_chars)
    cells: list[list[str]] = []
    rows: list[int] = []
    number = 0
    first_line = 1
    # the header and the rows above it are among the first records kept
    most = limits.rows + max(HEADER_SEARCH_ROWS, options.header_row or 0)
    try:
        for number, record in enumerate(reader, start=1):
            if len(record) > limits.columns:
                over_limit(
                    path,
                    _("row {row} has {count} cells").format(
                        row=number, count=format_number(len(record))
                    ),
                    "columns",
                    limits.columns,
                )
            first_line = reader.line_num + 1
            # most rows have an id in their first cell: only look further when it is blank
            if not (record and record[0].strip()) and is_blank_row(record):
                continue
            if len(cells) == most:
                _too_many(path, limits)
            cells.append(record)
            rows.append(number)
    except csv.Error as exc:
        raise BadTableError(
            _csv_problem(str(exc), first_line, number + 1, limits), Location(path)
        ) from None
    table = split_at_header(rows, cells, path, sha256_of(data), options, None, warnings)
    if len(table.rows) > limits.rows:
        _too_many(path, limits)
    return table


def _too_many(path: str, limits: Limits) -> NoReturn:
    over_limit(
        path,
        _("has more than {count} data rows").format(count=format_number(limits.rows)),
        "rows",
        limits.rows,
    )


def _csv_problem(message: str, line: int, row: int, limits: Limits) -> str:
    """What went wrong in the record that starts on `line` (row `row`), in the user's words."""
    where = _("row {row} (from line {line})").format(row=row, line=line)
    if "field larger than field limit" in message:
        return _(
            "{where} has a cell of more than {count} characters, the limit; "
            "if the file is trusted, raise it with the environment variable {variable}"
        ).format(where=where, count=format_number(limits.cell_chars), variable=ENV["cell_chars"])
    if "unexpected end of data" in message:
        return _(
            '{where}: a quoted cell is never closed (a " opens it and no " ends it before '
            'the end of the file); close the quote or double a quote meant as text ("")'
        ).format(where=where)
    if "expected after" in message:
        return _(
            "{where}: text follows the closing quote of a quoted cell; a quote inside a "
            'quoted cell must be doubled ("")'
        ).format(where=where)
    return _("cannot be parsed as CSV in {where}: {message}").format(where=where, message=message)
