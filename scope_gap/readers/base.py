"""What every reader returns: the header and the data rows of one table, with row numbers."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any, NoReturn, TypedDict

from ..dates import DayOrder
from ..errors import BadTableError, Location, ScopeGapError
from ..i18n import _, format_number, ngettext
from ..limits import ENV, MIB, Limits, limits_from_env  # noqa: F401 (re-exported)
from ..model import RawTable as RawTable  # the table as read lives in the model
from ..model import column_letter as column_letter
from ..vocabulary import HEADER_MIN_COLUMNS, HEADER_SEARCH_ROWS, ColumnMap, names_columns


class Reading(TypedDict, total=False):
    """The reader options as the library's keyword arguments (each defaults as in ReadOptions):
    `scope_gap.analyze(..., **reading)`, and validate, compare and amend."""

    encoding: str | None
    sheet: str | None
    day_first: bool
    month_first: bool
    header_row: int | None
    columns: str | os.PathLike[str] | ColumnMap | None


#: the delimiters a CSV file's header line is sniffed for
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class ReadOptions:
    """How to read the input tables, as the reader options of every command give it.

    `encoding`: of CSV input (default: detect); `sheet`: of .xlsx input (default: the first
    visible); `day_first` / `month_first`: read every date such as 05/06/2021 that way
    (default: only when one reading is a real date); `header_row`: the header's row number
    as origins count rows, blank rows included (default: found, SPEC 7); `columns`: a
    `--columns FILE.yaml` (a path, read by `of`, or a ColumnMap). A new option is added
    here, to `Reading`, to `cli.READER_OPTIONS` and to the page's form fields.
    """

    encoding: str | None = None
    sheet: str | None = None
    day_first: bool = False
    month_first: bool = False
    header_row: int | None = None
    columns: ColumnMap | None = None

    def __post_init__(self) -> None:
        if self.day_first and self.month_first:
            raise ScopeGapError(_("--day-first and --month-first cannot both be given"))
        if self.header_row is not None and (
            isinstance(self.header_row, bool) or int(self.header_row) < 1
        ):
            raise ScopeGapError(
                _("the header row must be a row number (1 or more), not {row}").format(
                    row=self.header_row
                )
            )

    @classmethod
    def of(cls, reading: Reading | None = None) -> ReadOptions:
        """The options from the library's keyword arguments; a `columns` path is read here."""
        given: dict[str, Any] = dict(reading or {})
        columns = given.get("columns")
        if columns is not None and not isinstance(columns, ColumnMap):
            from .columnmap import load_column_map

            given["columns"] = load_column_map(columns)
        return cls(**given)

    @property
    def day_order(self) -> DayOrder:
        if self.day_first:
            return "day_first"
        if self.month_first:
            return "month_first"
        return None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_blank_row(cells: list[str]) -> bool:
    return all(not c.strip() for c in cells)


def trim_header(cells: list[str]) -> list[str]:
    """Header cells, trimmed; trailing blank cells dropped, inner blank ones named by letter."""
    headers = [c.strip() for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    return [h or f"(column {column_letter(i)})" for i, h in enumerate(headers)]


# --- where the header is (SPEC 7) ------------------------------------------------------------


def find_header(
    rows: list[int],
    cells: list[list[str]],
    path: str,
    options: ReadOptions | None = None,
    sheet: str | None = None,
) -> tuple[int, bool, list[str]]:
    """Which of the non-blank rows (`rows[i]` numbered as origins count) is the header.

    Returns (index into rows, whether it was guessed, warnings). The header is the first
    of the first 30 non-blank rows whose cells name three columns of section 1, or row
    `options.header_row`; rows above it are skipped with a warning. When no row
    qualifies, the row that names the most columns is taken (the first non-blank one when
    none names any), and the missing columns say so.
    """
    options = options or ReadOptions()
    where = f"{path} ({sheet})" if sheet else path
    if not rows:
        raise BadTableError(_("has no header row (the file is empty)"), Location(path))
    if options.header_row is not None:
        wanted = options.header_row
        if wanted in rows:
            index = rows.index(wanted)
        elif wanted > rows[-1]:
            raise BadTableError(
                _("--header-row {row}: the table ends at row {last}").format(
                    row=wanted, last=rows[-1]
                ),
                Location(path),
            )
        else:
            raise BadTableError(
                _("--header-row {row}: row {row} is blank").format(row=wanted), Location(path)
            )
        guessed = False
    else:
        index, guessed, most = 0, True, 0
        for i in range(min(len(rows), HEADER_SEARCH_ROWS)):
            named = names_columns(cells[i], options.columns)
            if named >= HEADER_MIN_COLUMNS:
                index, guessed = i, False
                break
            if named > most:  # failing a header, the row that names the most columns
                index, most = i, named
    warnings = []
    if rows[index] > 1 and not guessed:
        skipped = [
            _("row {row} ('{text}')").format(row=rows[i], text=_first_text(cells[i]))
            for i in range(min(index, 5))
        ]
        if index > 5:
            skipped.append(
                ngettext("{count} more row", "{count} more rows", index - 5).format(count=index - 5)
            )
        blank = rows[index] - 1 - index
        if blank:
            skipped.append(
                ngettext("{count} blank row", "{count} blank rows", blank).format(count=blank)
            )
        warnings.append(
            _("{path}: the header is row {row}; skipped above it: {skipped}").format(
                path=where, row=rows[index], skipped=", ".join(skipped)
            )
        )
    return index, guessed, warnings


def _first_text(cells: list[str]) -> str:
    text = next((c.strip() for c in cells if c.strip()), "")
    return text if len(text) <= 40 else text[:39] + "…"


def split_at_header(
    rows: list[int],
    cells: list[list[str]],
    path: str,
    sha256: str,
    options: ReadOptions | None = None,
    sheet: str | None = None,
    warnings: list[str] | None = None,
) -> RawTable:
    """A RawTable from every non-blank row of a sheet or CSV file: the header found, rows
    above it dropped."""
    index, guessed, found = find_header(rows, cells, path, options, sheet)
    table = RawTable(
        path,
        sha256,
        trim_header(cells[index]),
        cells[index + 1 :],
        rows[index + 1 :],
        sheet,
        [*(warnings or []), *found],
        header_row=rows[index],
        header_guessed=guessed,
        column_map=(options or ReadOptions()).columns,
    )
    return table


# --- limits that protect the user's machine: defined in scope_gap.limits ----------------------


def over_limit(
    path: str, what: str, name: str, limit: int, where: Location | None = None
) -> NoReturn:
    """Refuse an input that breaks a limit, saying which one and how to raise it."""
    raise BadTableError(
        _(
            "{what}, more than the limit of {limit}; if the file is trusted, raise it with "
            "the environment variable {variable}"
        ).format(what=what, limit=format_number(limit), variable=ENV[name]),
        where or Location(path),
    )
