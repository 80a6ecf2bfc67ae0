"""CSV files in section 1's plain form, read by pandas' C parser into columns.

`read_csv` (readers/csv.py) reads a file row by row with Python's `csv` module; that reader
finds the header anywhere among the first rows, detects encodings and names the row and line
of each problem. Most files need none of it: UTF-8, the header on the first row, quotes
where CSV puts them. For those, this module reads the same table, cell for cell and with the
same row numbers, as columns (`RawTable.columns`): at 200,000 rows, reading and
validating take 0.45 s of CPU instead of 0.95 s. Whether a file
qualifies is decided on its bytes before parsing (`plain_delimiter`) and on the parsed header
after it; anything else, or any doubt, returns None and the row reader reads the file, so
that every message, warning and row number stays the row reader's own.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ..vocabulary import HEADER_MIN_COLUMNS, names_columns
from .base import DELIMITERS, Limits, RawTable, ReadOptions, sha256_of, trim_header

UTF8_BOM = b"\xef\xbb\xbf"
#: bytes looked at per step when finding the quotes (keeps the temporary mask small)
QUOTE_WINDOW = 1 << 24
QUOTE, CR, LF = ord('"'), ord("\r"), ord("\n")


class NotUTF8(Exception):
    """The file is not UTF-8: `read_csv` decodes it as the row reader would (Windows-1252,
    with its warning) and gives the plain reader its text in UTF-8."""


def read_plain_csv(
    data: bytes,
    path: str,
    limits: Limits,
    options: ReadOptions,
    *,
    stored: bytes | None = None,
    warnings: list[str] | None = None,
) -> RawTable | None:
    """The table the row reader would read from `data`, or None when the file is not plain
    (then the row reader must read it); NotUTF8 when `data` is not UTF-8. `stored`: the
    file's own bytes when `data` is its text re-encoded (the table's sha256 is theirs), with
    the `warnings` its decoding gave."""
    if options.encoding is not None or options.header_row not in (None, 1):
        return None
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    delimiter = plain_delimiter(data, start, limits)
    if delimiter is None or not _first_line_may_be_header(data, start, delimiter, limits, options):
        return None
    frame = _parse(data, delimiter)
    if frame is None:
        return None
    width = frame.shape[1]
    columns = [frame[i].to_numpy(dtype=object) for i in range(width)]
    del frame
    header = [str(c) for c in (column[0] for column in columns)]
    if width > limits.columns or names_columns(header, options.columns) < HEADER_MIN_COLUMNS:
        return None
    columns = [column[1:] for column in columns]  # the header is record 1
    keep = ~_blank_rows(columns)
    if int(keep.sum()) > limits.rows:
        return None  # the row reader says so, with its message
    headers = trim_header(header)
    # cells beyond the header (trailing blank header cells) must be blank: else invalid rows
    for column in columns[len(headers) :]:
        if _any_text(column[keep]):
            return None
    rows = np.flatnonzero(keep) + 2  # records numbered from 1, the header being 1
    if not keep.all():
        columns = [column[keep] for column in columns[: len(headers)]]
    return RawTable(
        path,
        sha256_of(data if stored is None else stored),
        headers,
        [],
        rows.tolist(),
        warnings=list(warnings or []),
        header_row=1,
        column_map=options.columns,
        columns=columns[: len(headers)],
    )


def plain_delimiter(data: bytes, start: int, limits: Limits) -> bytes | None:
    """The file's delimiter (as `sniff_delimiter` finds it) when its bytes are plain for the
    C parser, else None: UTF-8 or ASCII as far as can be told without decoding (no UTF-16 BOM,
    no NUL, no second BOM), no line longer than the cell limit, every quote where CSV puts
    one and no quoted cell longer than the cell limit (`quoted_cells`): then no cell is."""
    if (
        len(data) <= start
        or data[start : start + len(UTF8_BOM)] == UTF8_BOM
        or data.startswith((b"\xff\xfe", b"\xfe\xff"))
        or b"\x00" in data
        or not _lines_within(data, limits.cell_chars)
    ):
        return None
    first = data.find(b"\n", start)
    first = len(data) if first < 0 else first
    counts = {d: data.count(d.encode(), start, first) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    delimiter = (best if counts[best] > counts[","] else ",").encode()
    longest = quoted_cells(data, start, delimiter[0])
    if longest is None or longest > limits.cell_chars:
        return None
    return delimiter


def _lines_within(data: bytes, longest: int) -> bool:
    """Whether every line (ended by LF) holds at most `longest` bytes: a window at a time."""
    window, size, pos = longest + 1, len(data), 0
    while pos + window < size:
        last = data.rfind(b"\n", pos, pos + window)
        if last < 0:
            return False
        pos = last + 1
    return True


def quoted_cells(data: bytes, start: int, delimiter: int) -> int | None:
    """The bytes of the longest quoted cell (0 when there is none), or None unless every
    `"` opens a quoted cell at the start of a cell, closes it before a delimiter, a line end
    or the end of the file, or is one of a doubled pair inside it.

    Then Python's `csv` module (strict) and pandas' C parser read the same cells: they
    differ only on a quote elsewhere (text after a closing quote, which the row reader
    refuses; a quote inside an unquoted cell) and on a quote left open. Counted from the
    file's start, the quotes open and close in turn; a doubled quote closes and opens at
    once, so the rule holds for it too."""
    if data.find(b'"', start) < 0:
        return 0
    array = np.frombuffer(data, dtype=np.uint8)
    parts = [
        np.flatnonzero(array[pos : pos + QUOTE_WINDOW] == QUOTE) + pos
        for pos in range(start, len(array), QUOTE_WINDOW)
    ]
    quotes = np.concatenate(parts)
    if len(quotes) % 2:
        return None  # one is left open
    size = len(array)
    opens, closes = quotes[0::2], quotes[1::2]
    before = array[np.maximum(opens - 1, 0)]
    fine = (opens == start) | (before == delimiter) | (before == LF) | (before == CR)
    fine |= before == QUOTE
    if not fine.all():
        return None
    last = closes == size - 1
    after = array[np.minimum(closes + 1, size - 1)]
    doubled = (after == QUOTE) & ~last
    fine = last | (after == delimiter) | (after == LF) | (after == CR) | doubled
    if not fine.all():
        return None
    # a cell runs from an opening quote to the closing one not followed by another quote
    ends = np.flatnonzero(~doubled)
    firsts = np.concatenate(([0], ends[:-1] + 1))
    return int((closes[ends] - opens[firsts] - 1).max())


def _first_line_may_be_header(
    data: bytes, start: int, delimiter: bytes, limits: Limits, options: ReadOptions
) -> bool:
    """False when the first line, read as the csv module would, names fewer than three
    columns (the header is further down, SPEC 7) or may hold more cells than the limit: the
    row reader is then left to read it, and the file is not parsed twice. A first line with
    a quote or a CR in it is left to the check of the parsed header."""
    end = data.find(b"\n", start)
    line = data[start : len(data) if end < 0 else end]
    if line.count(delimiter) >= limits.columns:
        return False
    if line.endswith(b"\r"):
        line = line[:-1]
    if b'"' in line or b"\r" in line:
        return True
    try:
        cells = line.decode("utf-8").split(delimiter.decode())
    except UnicodeDecodeError:
        raise NotUTF8() from None
    return names_columns(cells, options.columns) >= HEADER_MIN_COLUMNS


def _parse(data: bytes, delimiter: bytes) -> Any:
    """Every record of the file as a frame of text, blank records kept (so that a record's
    position is its number); None when the C parser refuses it (a row wider than the first),
    NotUTF8 when the text is not UTF-8."""
    import pandas as pd

    try:
        return pd.read_csv(
            io.BytesIO(data),
            sep=delimiter.decode(),
            header=None,
            index_col=False,
            dtype=object,
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,
            quotechar='"',
            doublequote=True,
            escapechar=None,
            comment=None,
            skipinitialspace=False,
            encoding="utf-8",
            encoding_errors="strict",
            engine="c",
        )
    except UnicodeDecodeError:
        raise NotUTF8() from None
    except ValueError:  # pandas' ParserError and EmptyDataError are ValueErrors
        return None


def _blank_rows(columns: list[np.ndarray]) -> np.ndarray:
    """Which rows have only blank cells (spaces count as blank, as for the row reader)."""
    first = columns[0]
    blank = _blank(first)
    if blank.any():
        where = np.flatnonzero(blank)
        for column in columns[1:]:
            where = where[_blank(column[where])]
        blank[:] = False
        blank[where] = True
    return blank


def _blank(texts: np.ndarray) -> np.ndarray:
    """Which texts are empty or only spaces."""
    return (texts == "") | np.fromiter(map(str.isspace, texts), dtype=bool, count=len(texts))


def _any_text(column: np.ndarray) -> bool:
    return not _blank(column).all()
