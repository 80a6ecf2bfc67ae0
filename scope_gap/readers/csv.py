"""CSV (and standard input): UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 fallback."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from typing import NoReturn

from ..errors import BadTableError, Location, decode_reason
from ..i18n import _, format_number
from .base import (
    DELIMITERS,
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
from .csv_plain import NotUTF8, read_plain_csv


def decode(data: bytes, path: str, encoding: str | None) -> tuple[str, list[str]]:
    """The file's text, and a warning when it was not UTF-8."""
    if encoding:
        check_encoding(encoding, path)
        try:
            return data.decode(encoding), []
        except UnicodeDecodeError as exc:
            raise BadTableError(
                _("cannot be read as {encoding}: {reason} at byte {byte}").format(
                    encoding=encoding, reason=decode_reason(exc), byte=exc.start
                ),
                Location(path),
            ) from None
        except UnicodeError as exc:  # a codec that fails in its own way
            raise BadTableError(
                _("cannot be read as {encoding}: {reason}").format(encoding=encoding, reason=exc),
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


#: codecs Python has that are not a way to store a table's text: they decode escapes or
#: transform the text (utf-7 can hide characters a reader does not see as such)
NOT_TABLE_ENCODINGS = frozenset(
    {"utf-7", "unicode-escape", "raw-unicode-escape", "undefined", "punycode", "idna"}
)


def check_encoding(encoding: str, path: str) -> None:
    """Refuse an --encoding that Python does not know or that is not a text encoding."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):
        raise BadTableError(
            _("unknown encoding '{encoding}'").format(encoding=encoding), Location(path)
        ) from None
    name = info.name.replace("_", "-")
    if name in NOT_TABLE_ENCODINGS or not getattr(info, "_is_text_encoding", True):
        raise BadTableError(
            _(
                "'{encoding}' is not an encoding tables are stored in; name the file's "
                "character encoding, such as utf-8, utf-16, cp1252 or latin-1"
            ).format(encoding=encoding),
            Location(path),
        )


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of , ; and tab (comma on a tie)."""
    end = text.find("\n")
    end = len(text) if end < 0 else end
    counts = {d: text.count(d, 0, end) for d in DELIMITERS}  # in place: no copy of the line
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_csv(
    data: bytes,
    path: str,
    encoding: str | None = None,
    limits: Limits | None = None,
    options: ReadOptions | None = None,
) -> RawTable:
    """A CSV file's header (found as SPEC 7 says) and data rows, numbered by record: read
    as columns by pandas' C parser when the file is in section 1's plain form
    (readers/csv_plain.py), else row by row (`read_csv_rows`); both read the same table."""
    limits = limits or Limits()
    options = options or ReadOptions(encoding=encoding)
    if encoding is None or encoding == options.encoding:
        try:
            table = read_plain_csv(data, path, limits, options)
        except NotUTF8:
            table = _read_plain_decoded(data, path, limits, options)
        if table is not None:
            return table
    return read_csv_rows(data, path, encoding, limits, options)


def _read_plain_decoded(
    data: bytes, path: str, limits: Limits, options: ReadOptions
) -> RawTable | None:
    """A file that is not UTF-8 (but Windows-1252, as `decode` finds) read by the plain
    reader from its text re-encoded in UTF-8, with decode's warning; None when it cannot
    be decoded (the row reader then says so) or is not plain."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        text, warnings = decode(data, path, None)
    except BadTableError:
        return None
    utf8 = text.encode("utf-8")
    del text
    try:
        return read_plain_csv(utf8, path, limits, options, stored=data, warnings=warnings)
    except NotUTF8:  # cannot happen: the text was just encoded
        return None


def read_csv_rows(
    data: bytes,
    path: str,
    encoding: str | None = None,
    limits: Limits | None = None,
    options: ReadOptions | None = None,
) -> RawTable:
    """`read_csv` with Python's csv module, row by row: any CSV file, any encoding, the header
    anywhere among the first rows, and each problem named by row and line."""
    limits = limits or Limits()
    options = options or ReadOptions(encoding=encoding)
    encoding = encoding or options.encoding
    if encoding is None and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        _check_long_lines_before_decoding(data, path, limits)
    text, warnings = decode(data, path, encoding)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BadTableError(
            _(
                "holds a NUL byte on line {line}; is it a CSV file (or UTF-16 without a BOM)?"
            ).format(line=line),
            Location(path),
        )
    # strict: a quote left open would otherwise swallow every later line into one cell
    delimiter = sniff_delimiter(text)
    reader = csv.reader(bounded_lines(text, delimiter, limits), delimiter=delimiter, strict=True)
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
    except CellTooLong:
        raise BadTableError(
            _csv_problem("field larger than field limit", first_line, number + 1, limits),
            Location(path),
        ) from None
    except TooManyCells:
        over_limit(
            path,
            _("row {row} has more than {count} cells").format(
                row=number + 1, count=format_number(limits.columns)
            ),
            "columns",
            limits.columns,
        )
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


class TooManyCells(Exception):
    """A line holds more cells than the limit: found before the CSV parser builds them."""


class CellTooLong(Exception):
    """A line holds an unquoted cell longer than the limit: found before it is copied."""


_LINE_END = re.compile(r"\r\n|\r|\n")


def bounded_lines(text: str, delimiter: str, limits: Limits) -> Iterator[str]:
    """The text's lines as `open(newline="")` gives them (ends kept), one at a time, without
    the copy `io.StringIO` makes (four bytes a character). A line longer than the cell
    limit is measured in place before it is copied for the parser: more cells than the
    column limit, or an unquoted cell over the cell limit, is refused at once (a 200 MB
    line is not copied, nor split into millions of cells, before the error)."""
    long = limits.cell_chars
    if "\r" not in text:
        start, size, find = 0, len(text), text.find
        while start < size:
            end = find("\n", start)
            end = size if end < 0 else end + 1
            if end - start > long:
                _check_long_line(text, start, end, delimiter, limits)
            yield text[start:end]
            start = end
        return
    start = 0
    for match in _LINE_END.finditer(text):
        if match.end() - start > long:
            _check_long_line(text, start, match.end(), delimiter, limits)
        yield text[start : match.end()]
        start = match.end()
    if start < len(text):
        if len(text) - start > long:
            _check_long_line(text, start, len(text), delimiter, limits)
        yield text[start:]


def _check_long_line(text: str, start: int, end: int, delimiter: str, limits: Limits) -> None:
    while end > start and text[end - 1] in "\r\n":  # the line end is not in the last cell
        end -= 1
    found = walk_cells(text, start, end, delimiter, '"', limits.columns, limits.cell_chars)
    if found == "cells":
        raise TooManyCells()
    if found == "long":
        raise CellTooLong()


def walk_cells(
    line: str | bytes,
    start: int,
    end: int,
    delimiter: str | bytes,
    quote: str | bytes,
    columns: int,
    longest: int,
) -> str | None:
    """Walk the cells of `line[start:end]` in place, at most `columns + 1` of them: "cells"
    when there are more than `columns`, "long" when one holds more than `longest` characters
    (bytes, for bytes), None otherwise or when a quoted cell goes on past the line (the
    parser then decides)."""
    cells, i = 0, start
    while True:
        cells += 1
        if cells > columns:
            return "cells"
        if line[i : i + 1] == quote:
            j, doubled = i + 1, 0
            while True:
                k = line.find(quote, j, end)  # type: ignore[arg-type]
                if k < 0:
                    return None
                if line[k + 1 : k + 2] != quote:
                    break
                j, doubled = k + 2, doubled + 1
            if k - i - 1 - doubled > longest:
                return "long"
            i = k + 1
        stop = line.find(delimiter, i, end)  # type: ignore[arg-type]
        if (end if stop < 0 else stop) - i > longest:
            return "long"
        if stop < 0:
            return None
        i = stop + 1


def _check_long_lines_before_decoding(data: bytes, path: str, limits: Limits) -> None:
    """The checks of `bounded_lines` on the bytes (UTF-8 or Windows-1252: the delimiters are
    single bytes), so that a file whose one line breaks a limit is refused before its text
    is made (a second copy of the file). Lines are skipped a window at a time: only a window
    without a line end, a line longer than the cell limit, is looked at. After a quote in an
    earlier line, or with a CR, or when a quoted cell goes on to the next line, the text's
    checks do it, as they count rows as the parser does."""
    window = limits.cell_chars + 1
    size, pos = len(data), 0
    delimiter = None
    while pos + window < size:
        last = data.rfind(b"\n", pos, pos + window)
        if last >= 0:
            pos = last + 1
            continue
        end = data.find(b"\n", pos)
        end = size if end < 0 else end
        if data.find(b'"', 0, pos) >= 0 or data.find(b"\r", 0, end) >= 0:
            return
        if delimiter is None:
            first = data.find(b"\n")
            first = size if first < 0 else first
            counts = {d: data.count(d.encode(), 0, first) for d in DELIMITERS}
            best = max(DELIMITERS, key=lambda d: counts[d])
            delimiter = (best if counts[best] > counts[","] else ",").encode()
        row = data.count(b"\n", 0, pos) + 1
        # a character is at most 4 bytes: a cell of more bytes than 4 a character is too long
        found = walk_cells(data, pos, end, delimiter, b'"', limits.columns, 4 * limits.cell_chars)
        if found == "cells":
            over_limit(
                path,
                _("row {row} has more than {count} cells").format(
                    row=row, count=format_number(limits.columns)
                ),
                "columns",
                limits.columns,
            )
        if found == "long":
            raise BadTableError(
                _csv_problem("field larger than field limit", row, row, limits),
                Location(path),
            )
        pos = end + 1
