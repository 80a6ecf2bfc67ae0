"""Excel cell safety, in one place for every workbook (gap report, compare, amend, template).

A text cell shows its text as typed: never a formula (the cell is written as a string and,
when the text looks like one, with Excel's quote prefix), without the characters XML 1.0
cannot hold, within Excel's 32,767 characters and 253 line breaks. What had to change is
said, so that the workbook's writer can warn about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..i18n import _, format_number

# Excel's limits (Microsoft's "Excel specifications and limits")
MAX_CELL_CHARS = 32_767  # counted in UTF-16 units
MAX_LINE_BREAKS = 253

#: text a spreadsheet takes for a formula (OWASP's list, plus CR and LF)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

# C0 controls but tab, LF and CR, lone surrogates, and what XML 1.0 cannot hold at all
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def is_formula_like(text: str) -> bool:
    """Text a spreadsheet would take for a formula."""
    return text.startswith(FORMULA_PREFIXES)


@dataclass(frozen=True)
class CellText:
    """A cell's text made safe, and what had to change: "control", "truncated", "breaks"."""

    text: str
    changes: tuple[str, ...] = ()

    @property
    def formula_like(self) -> bool:
        return is_formula_like(self.text)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def truncated(text: str, size: int) -> str:
    """At most MAX_CELL_CHARS UTF-16 units (Excel's count), with a visible marker."""
    marker = " … " + _(
        "[truncated: {size} characters in all; the JSON report has the full text]"
    ).format(size=format_number(size))
    keep = MAX_CELL_CHARS - utf16_len(marker)
    cut = text.encode("utf-16-le")[: 2 * keep].decode("utf-16-le", "ignore")
    return cut + marker


def is_clean(text: str) -> bool:
    """Text that `safe_text` gives back unchanged (the common case, told at little cost)."""
    return (
        len(text) <= MAX_CELL_CHARS // 2
        and text.count("\n") <= MAX_LINE_BREAKS
        and _ILLEGAL.search(text) is None
    )


def safe_text(value: Any) -> CellText:
    """`value` as the text of an Excel cell (None is blank), and what had to change."""
    text = value if type(value) is str else "" if value is None else str(value)
    changes = []
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
        changes.append("control")
    if len(text) > MAX_CELL_CHARS // 2 and utf16_len(text) > MAX_CELL_CHARS:
        text = truncated(text, len(text))
        changes.append("truncated")
    if text.count("\n") > MAX_LINE_BREAKS:
        parts = text.split("\n")
        text = "\n".join(parts[:MAX_LINE_BREAKS]) + "\n" + " ".join(parts[MAX_LINE_BREAKS:])
        changes.append("breaks")
    return CellText(text, tuple(changes))


def put_text(cell: Any, value: Any) -> CellText:
    """Write `value` into an openpyxl cell as safe text (not through the `value` setter, which
    reads a leading '=' as a formula and '#N/A' as an error); returns what it wrote."""
    safe = safe_text(value)
    cell._value = safe.text
    cell.data_type = "s"
    if safe.formula_like and hasattr(cell, "quotePrefix"):
        cell.quotePrefix = True
    return safe
