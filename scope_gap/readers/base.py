"""What every reader returns: the header and the data rows of one table, with row numbers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NoReturn, TypedDict

from ..dates import DayOrder
from ..errors import BadTableError, Location, ScopeGapError
from ..i18n import _, format_number
from ..limits import ENV, MIB, Limits, limits_from_env  # noqa: F401 (re-exported)
from ..model import RawTable as RawTable  # the table as read lives in the model
from ..model import column_letter as column_letter


class Reading(TypedDict, total=False):
    """The reader options as the library's keyword arguments (each defaults as in ReadOptions):
    `scope_gap.analyze(..., **reading)`, and validate, compare and amend."""

    encoding: str | None
    sheet: str | None
    day_first: bool
    month_first: bool


@dataclass(frozen=True)
class ReadOptions:
    """How to read the input tables, as the reader options of every command give it.

    `encoding`: of CSV input (default: detect); `sheet`: of .xlsx input (default: the first
    visible); `day_first` / `month_first`: read every date such as 05/06/2021 that way
    (default: only when one reading is a real date). A new option is added here, to
    `Reading`, to `cli.READER_OPTIONS` and to the page's form fields.
    """

    encoding: str | None = None
    sheet: str | None = None
    day_first: bool = False
    month_first: bool = False

    def __post_init__(self) -> None:
        if self.day_first and self.month_first:
            raise ScopeGapError(_("--day-first and --month-first cannot both be given"))

    @classmethod
    def of(cls, reading: Reading | None = None) -> ReadOptions:
        return cls(**(reading or {}))

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
