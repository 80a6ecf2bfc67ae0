"""Excel workbooks, read with python-calamine: cell values (cached results), never formulas."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ..errors import BadTableError, Location, did_you_mean
from ..model import normalize_name
from .base import RawTable, is_blank_row, sha256_of, trim_header


def cell_text(value: Any, is_date: bool) -> str:
    """A cell's value as the text the user sees; date cells as ISO dates."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
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


def read_xlsx(data: bytes, path: str, sheet: str | None = None) -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise BadTableError(f"cannot be read as an Excel workbook: {exc}", Location(path)) from None
    names = list(workbook.sheet_names)
    if not names:
        raise BadTableError("has no sheets", Location(path))
    if sheet is None:
        sheet = names[0]
    elif sheet not in names:
        raise BadTableError(
            f"has no sheet '{sheet}'{did_you_mean(sheet, names)}; sheets: {', '.join(names)}",
            Location(path),
        )
    try:
        values = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:
        raise BadTableError(f"sheet '{sheet}' cannot be read: {exc}", Location(path)) from None
    if not values or is_blank_row([cell_text(v, False) for v in values[0]]):
        raise BadTableError(
            f"sheet '{sheet}' has no header row (the header must be in row 1)", Location(path)
        )
    headers = trim_header([cell_text(v, False) for v in values[0]])
    date_columns = {i for i, h in enumerate(headers) if normalize_name(h) == "date"}
    cells: list[list[str]] = []
    rows: list[int] = []
    for number, record in enumerate(values[1:], start=2):
        texts = [cell_text(v, i in date_columns) for i, v in enumerate(record)]
        if is_blank_row(texts):
            continue
        cells.append(texts)
        rows.append(number)
    return RawTable(path, sha256_of(data), headers, cells, rows, sheet)
