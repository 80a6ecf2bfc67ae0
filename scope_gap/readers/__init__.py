"""Input readers, looked up by file extension."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import BadTableError, Location, did_you_mean
from .base import RawTable
from .csv import read_csv
from .json import read_json, read_jsonl
from .xlsx import read_xlsx

READERS: dict[str, Callable[..., RawTable]] = {
    ".csv": lambda data, path, encoding, sheet: read_csv(data, path, encoding),
    ".tsv": lambda data, path, encoding, sheet: read_csv(data, path, encoding),
    ".xlsx": lambda data, path, encoding, sheet: read_xlsx(data, path, sheet),
    ".json": lambda data, path, encoding, sheet: read_json(data, path),
    ".jsonl": lambda data, path, encoding, sheet: read_jsonl(data, path),
}


def read_table(
    source: str | Path, *, encoding: str | None = None, sheet: str | None = None
) -> RawTable:
    """Read one input table; `-` is CSV on standard input."""
    path = str(source)
    if path == "-":
        return read_csv(sys.stdin.buffer.read(), "-", encoding)
    suffix = Path(path).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        hint = did_you_mean(suffix, READERS) if suffix else ""
        raise BadTableError(
            f"cannot read files of type '{suffix or '(none)'}'{hint}; "
            "expected .csv, .xlsx, .json or .jsonl",
            Location(path),
        )
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BadTableError(f"cannot be read: {exc.strerror}", Location(path)) from None
    return reader(data, path, encoding, sheet)


__all__ = ["READERS", "RawTable", "read_table"]
