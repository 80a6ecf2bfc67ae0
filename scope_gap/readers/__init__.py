"""Input readers, looked up by file extension."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import BadTableError, Location, did_you_mean
from ..files import display_path, read_limited
from ..i18n import N_, _
from .base import ENV, Limits, RawTable, ReadOptions, limits_from_env
from .csv import read_csv


def _xlsx(data: bytes, path: str, opts: ReadOptions, limits: Limits) -> RawTable:
    from .xlsx import read_xlsx  # its sheet scanner is imported only for a workbook

    return read_xlsx(data, path, opts.sheet, limits, opts)


def _json(data: bytes, path: str, opts: ReadOptions, limits: Limits) -> RawTable:
    from .json import read_json

    return read_json(data, path, limits, opts)


def _jsonl(data: bytes, path: str, opts: ReadOptions, limits: Limits) -> RawTable:
    from .json import read_jsonl

    return read_jsonl(data, path, limits, opts)


#: file extension -> reader(data, path, options, limits)
READERS: dict[str, Callable[[bytes, str, ReadOptions, Limits], RawTable]] = {
    ".csv": lambda data, path, opts, limits: read_csv(data, path, opts.encoding, limits, opts),
    ".tsv": lambda data, path, opts, limits: read_csv(data, path, opts.encoding, limits, opts),
    ".xlsx": _xlsx,
    ".json": _json,
    ".jsonl": _jsonl,
}

#: formats we refuse by name, with what to do instead
REFUSED: dict[str, str] = {
    ".xlsm": N_(
        "is a macro-enabled workbook, which scope-gap does not open; save a copy as an "
        "Excel Workbook (.xlsx) and read that (the macros are not needed)"
    ),
    ".xls": N_("is an Excel 97-2003 workbook; save a copy as an Excel Workbook (.xlsx) or as CSV"),
    ".xlsb": N_("is a binary Excel workbook; save a copy as an Excel Workbook (.xlsx) or as CSV"),
}


@dataclass(frozen=True)
class Upload:
    """A file read from `file` but known as `name` in messages and reports: an upload to the
    local page (`scope-gap serve`), held in the server's private folder under a name of its own."""

    name: str
    file: Path


def read_table(
    source: str | Path | Upload,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: Limits | None = None,
    options: ReadOptions | None = None,
) -> RawTable:
    """Read one input table; `-` is CSV on standard input.

    `options` (header row, column map...) apply to every format; `encoding` and `sheet`,
    when given, replace the options' own.

    `limits` default to `limits_from_env()`: the built-in limits, raised or lowered by
    any `SCOPE_GAP_MAX_*` environment variable.
    """
    limits = limits or limits_from_env()
    options = options or ReadOptions()
    if encoding is not None or sheet is not None:
        options = replace(
            options, encoding=encoding or options.encoding, sheet=sheet or options.sheet
        )
    if isinstance(source, Upload):
        path, file = source.name, Path(source.file)
    else:
        path = display_path(source)
        file = Path(source)
    if path == "-" and not isinstance(source, Upload):
        data = read_limited("-", limits.file_bytes, ENV["file_bytes"], error=BadTableError)
        return read_csv(data, "-", options.encoding, limits, options)
    suffix = Path(path).suffix.lower()
    if suffix in REFUSED:
        raise BadTableError(_(REFUSED[suffix]), Location(path))
    reader = READERS.get(suffix)
    if reader is None:
        hint = did_you_mean(suffix, READERS) if suffix else ""
        raise BadTableError(
            _(
                "cannot read files of type '{suffix}'{hint}; expected .csv, .xlsx, .json or .jsonl"
            ).format(suffix=suffix or _("(none)"), hint=hint),
            Location(path),
        )
    data = read_limited(
        file, limits.file_bytes, ENV["file_bytes"], shown_as=path, error=BadTableError
    )
    return reader(data, path, options, limits)


__all__ = [
    "ENV",
    "READERS",
    "Limits",
    "RawTable",
    "ReadOptions",
    "Upload",
    "limits_from_env",
    "read_table",
]
