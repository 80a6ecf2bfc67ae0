"""The CSV report: one row per incident and per invalid row, for Excel users (UTF-8 with BOM)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..i18n import DEFAULT_LANGUAGE, N_, _, language
from ..model import DISPLAY_NAMES, display_name
from . import Rendered
from .cells import FORMULA_PREFIXES, is_formula_like
from .common import LEADING, extra_columns, header_names, origin_label, origin_text

if TYPE_CHECKING:
    from ..analysis import Analysis

BOM = codecs.BOM_UTF8

FIXED = ["ID", "Title", "Date", "Level", "Event type", "Status", "Gap", "Why", "Covered by"]
#: the headers of the report's own columns (the leading ones are the contract's display names)
STATUS_HEADERS = [N_("Status"), N_("Gap"), N_("Why"), N_("Covered by")]
UNKNOWN_HEADER = N_("Unknown")  # the fields not known (canonical names), before Origin
ORIGIN = N_("Origin")


def fixed_headers() -> list[str]:
    """FIXED in the current language."""
    return [display_name(key) for key in LEADING] + [_(name) for name in STATUS_HEADERS]


def localized_header_names(columns: list[str], reserved: list[str]) -> list[str]:
    """`header_names` in the current language: the contract's columns by their translated
    names; an input column that clashes with a report header gets ' (input)', translated."""
    if language() == DEFAULT_LANGUAGE:
        return header_names(columns, reserved)
    taken = {r.casefold() for r in reserved}
    out = []
    for key in columns:
        name = display_name(key)
        if key not in DISPLAY_NAMES:
            while name.casefold() in taken:
                name = _("{name} (input)").format(name=name)
        taken.add(name.casefold())
        out.append(name)
    return out


def neutralize(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading `'`."""
    return "'" + text if is_formula_like(text) else text


def header(analysis: Any) -> list[str]:
    """The CSV report's header, in the current language."""
    extras = extra_columns(analysis.columns)
    fixed, unknown, origin = fixed_headers(), _(UNKNOWN_HEADER), _(ORIGIN)
    return fixed + localized_header_names(extras, fixed + [unknown, origin]) + [unknown, origin]


def rows(analysis: Any) -> tuple[list[str], list[list[str]]]:
    """The CSV header and rows, in input order, as the file has them (cells neutralized)."""
    return header(analysis), [list(row) for chunk in _row_chunks(analysis) for row in chunk]


#: incident rows built and written at a time: bounds the memory a large report adds
CHUNK_ROWS = 20_000


def _row_chunks(analysis: Any) -> Iterator[list[Sequence[str]]]:
    """The rows, in input order, a slice of incidents at a time, each with the invalid rows
    read before its incidents, every cell neutralized. Built from the incident columns:
    every distinct list of gaps, reasons or clauses is joined once (rows with the same
    explanation share one list), and a column is neutralized cell by cell only when one
    of its cells starts like a formula."""
    extras = extra_columns(analysis.columns)
    invalid = sorted(analysis.invalid, key=lambda row: row.position)
    positions = analysis.table.positions
    n, k = len(analysis.table), 0
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        columns = analysis.incident_columns(start, stop)
        fields, origins = columns["fields"], columns["origin"]
        blank = [""] * (stop - start)
        cells = [
            *[fields.get(c, blank) for c in LEADING],
            columns["status"],
            _joined(columns["gaps"], "; "),
            _joined(columns["reasons"], "\n"),
            _joined(columns["covered_by"], "; "),
            *[fields.get(c, blank) for c in extras],
            _joined(columns["unknown"], "; "),
            list(map(origin_label, origins["path"], origins["sheet"], origins["row"])),
        ]
        body: list[Sequence[str]] = list(zip(*map(_neutralized, cells), strict=True))
        # the invalid rows read before the next slice's first incident go in this one
        limit = positions[stop] if stop < n else positions[-1]
        if k < len(invalid) and invalid[k].position < limit:
            here = positions[start:stop]
            out: list[Sequence[str]] = []
            at = 0
            while k < len(invalid) and invalid[k].position < limit:
                cut = int(np.searchsorted(here, invalid[k].position))
                out += body[at:cut]
                at = cut
                out.append(_invalid_row(invalid[k].to_dict(), analysis.columns, extras))
                k += 1
            body = out + body[at:]
        yield body
    tail: list[Sequence[str]] = [
        _invalid_row(row.to_dict(), analysis.columns, extras) for row in invalid[k:]
    ]
    if tail:
        yield tail


def _joined(lists: Any, separator: str) -> list[str]:
    """Each row's list (an engine `Lists`) joined: each distinct list once, then spread
    over its rows."""
    inverse, _first = lists.groups
    joined = np.empty(len(lists.distinct), dtype=object)
    joined[:] = [separator.join(item) for item in lists.distinct]
    return joined[inverse].tolist()


def _neutralized(column: list[str]) -> list[str]:
    """The column's cells neutralized, looked at one by one only when one starts like a
    formula (every prefix is one character)."""
    if {v[:1] for v in column}.isdisjoint(FORMULA_PREFIXES):
        return column
    return [neutralize(v) for v in column]


def _invalid_row(record: dict[str, Any], columns: list[str], extras: list[str]) -> list[str]:
    fields = record["fields"]
    lead = [fields.get(c, "") for c in LEADING]
    status = ["invalid", "", "\n".join(record["errors"]), ""]
    # cells an invalid row holds beyond the header are kept, after the known columns
    beyond = [f"{k}: {v}" for k, v in fields.items() if k not in columns]
    if beyond:
        status[2] = "\n".join([status[2], *beyond])
    tail = [fields.get(c, "") for c in extras]
    unknown_cell = "; ".join(record.get("unknown", []))  # as the JSON names them
    row = lead + status + tail + [unknown_cell, origin_text(record["origin"])]
    return [neutralize(str(v)) for v in row]


def table_bytes(header: list[str], body: list[list[Any]]) -> bytes:
    """A CSV file for Excel users: UTF-8 with BOM, every cell neutralized."""
    return b"".join(_encoded(header, [[[neutralize(str(v)) for v in row] for row in body]]))


def _encoded(header: list[str], chunks: Iterable[list[Sequence[str]]]) -> Iterator[bytes]:
    """The file's bytes a chunk of rows (already neutralized) at a time: UTF-8 with BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([neutralize(name) for name in header])
    yield BOM + buffer.getvalue().encode("utf-8")
    for body in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(body)
        yield buffer.getvalue().encode("utf-8")


def render_csv(analysis: Analysis) -> Rendered:
    """The report, streamed a slice of rows at a time (a large one is never held whole)."""
    return Rendered(lambda: _encoded(header(analysis), _row_chunks(analysis)))
