"""The CSV report: one row per incident and per invalid row, for Excel users (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from ..i18n import DEFAULT_LANGUAGE, N_, _, language
from ..model import DISPLAY_NAMES, display_name
from . import Rendered
from .cells import is_formula_like
from .common import LEADING, extra_columns, header_names, origin_text

if TYPE_CHECKING:
    from ..analysis import Analysis

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


def rows(analysis: Any) -> tuple[list[str], list[list[str]]]:
    """The CSV header and rows, in input order."""
    extras = extra_columns(analysis.columns)
    fixed, unknown, origin = fixed_headers(), _(UNKNOWN_HEADER), _(ORIGIN)
    header = fixed + localized_header_names(extras, fixed + [unknown, origin]) + [unknown, origin]
    out = []
    for kind, record in analysis.in_order():
        fields = record["fields"]
        lead = [fields.get(c, "") for c in LEADING]
        if kind == "incident":
            status = [
                record["status"],
                "; ".join(record["gaps"]),
                "\n".join(record["reasons"]),
                "; ".join(record["covered_by"]),
            ]
        else:
            status = ["invalid", "", "\n".join(record["errors"]), ""]
        tail = [fields.get(c, "") for c in extras]
        # cells an invalid row holds beyond the header are kept, after the known columns
        beyond = [f"{k}: {v}" for k, v in fields.items() if k not in analysis.columns]
        if beyond:
            status[2] = "\n".join([status[2], *beyond])
        unknown_cell = "; ".join(record.get("unknown", []))  # as the JSON names them
        out.append(lead + status + tail + [unknown_cell, origin_text(record["origin"])])
    return header, out


def table_bytes(header: list[str], body: list[list[Any]]) -> bytes:
    """A CSV file for Excel users: UTF-8 with BOM, every cell neutralized."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([neutralize(name) for name in header])
    writer.writerows([[neutralize(str(v)) for v in row] for row in body])
    return buffer.getvalue().encode("utf-8-sig")


def render_csv(analysis: Analysis) -> Rendered:
    return Rendered(table_bytes(*rows(analysis)))
