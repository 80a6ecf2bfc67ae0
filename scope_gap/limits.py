"""The limits that protect the user's machine from a hostile or unlucky input (README,
"Hostile input"): each one has a default and an environment variable that changes it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from .errors import BadTableError
from .i18n import _, format_number

MIB = 1024 * 1024
#: the largest value a limit may be set to (a petabyte; larger values would overflow the
#: sizes the operating system and numpy take)
MAX_SETTING = 10**15


class LimitSettingError(BadTableError):
    """A `SCOPE_GAP_MAX_*` variable that is not a usable limit."""


@dataclass(frozen=True)
class Limits:
    """How much one input file may hold before it is refused (see README, "Hostile input").

    Each limit can be raised with the environment variable named in `ENV`, e.g.
    `SCOPE_GAP_MAX_ROWS=2000000`; a refused input names the limit and its variable.
    """

    file_bytes: int = 256 * MIB  # any input file, as stored
    rows: int = 1_000_000  # data rows per file (blank rows not counted)
    columns: int = 10_000  # header cells per file
    cell_chars: int = 1 * MIB  # characters in one cell
    xlsx_part_bytes: int = 256 * MIB  # one part of a workbook, inflated
    xlsx_total_bytes: int = 1024 * MIB  # all parts of a workbook, inflated
    xlsx_ratio: int = 100  # inflated size / compressed size of a part (Apache POI: 100)
    xlsx_parts: int = 10_000  # members of the workbook's zip
    rule_bytes: int = 4 * MIB  # a rule file (or a rule test file, a column map), as stored


ENV: dict[str, str] = {
    "file_bytes": "SCOPE_GAP_MAX_FILE_BYTES",
    "rows": "SCOPE_GAP_MAX_ROWS",
    "columns": "SCOPE_GAP_MAX_COLUMNS",
    "cell_chars": "SCOPE_GAP_MAX_CELL_CHARS",
    "xlsx_part_bytes": "SCOPE_GAP_MAX_XLSX_PART_BYTES",
    "xlsx_total_bytes": "SCOPE_GAP_MAX_XLSX_TOTAL_BYTES",
    "xlsx_ratio": "SCOPE_GAP_MAX_XLSX_RATIO",
    "xlsx_parts": "SCOPE_GAP_MAX_XLSX_PARTS",
    "rule_bytes": "SCOPE_GAP_MAX_RULE_BYTES",
}


def limits_from_env(environ: Mapping[str, str] | None = None, **overrides: int) -> Limits:
    """The default limits, changed by any `SCOPE_GAP_MAX_*` variable set, then by `overrides`."""
    environ = os.environ if environ is None else environ
    values: dict[str, int] = {}
    for name, variable in ENV.items():
        raw = environ.get(variable, "").strip().replace("_", "").replace(",", "")
        if not raw:
            continue
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_SETTING:
            raise LimitSettingError(
                _("{setting} must be a whole number from 1 to {most}").format(
                    setting=f"{variable}={environ[variable]!r}", most=format_number(MAX_SETTING)
                )
            )
        values[name] = int(raw)
    values.update(overrides)
    return replace(Limits(), **values)
