"""What several renderers share: the incident-sheet columns and how cells read."""

from __future__ import annotations

from typing import Any

from ..model import DISPLAY_NAMES, Status

LEADING = ["id", "title", "date", "level", "event_type"]

#: the statuses listed together as the gap (the workbook's "Out of scope" sheet, the page's
#: gap list): outside the mandate, or within it only as background
GAP_STATUSES = (Status.OUT_OF_SCOPE.value, Status.CONTEXT_ONLY.value)

#: One palette for every report: each status's fill and text colour (RGB hex), the same in
#: the workbook and the page. Light fills under dark text: the status is always written out
#: too, so it reads in greyscale and without colour.
STATUS_PALETTE: dict[str, tuple[str, str]] = {
    "in_scope": ("E6F4EA", "14532D"),
    "context_only": ("FFF4D6", "5C4400"),
    "out_of_scope": ("FDE7E6", "7F1D1D"),
    "indeterminate": ("ECEBF5", "2E2E5C"),
    "invalid": ("EEEEEE", "333333"),
}


def extra_columns(columns: list[str]) -> list[str]:
    """The input columns that follow the fixed leading ones."""
    return [c for c in columns if c not in LEADING]


def header_names(columns: list[str], reserved: list[str]) -> list[str]:
    """Display headers of field keys; an input column that clashes with ours gets ' (input)'."""
    taken = {r.casefold() for r in reserved}
    out = []
    for key in columns:
        name = DISPLAY_NAMES.get(key, key)
        if key not in DISPLAY_NAMES:
            while name.casefold() in taken:
                name = f"{name} (input)"
        taken.add(name.casefold())
        out.append(name)
    return out


def origin_text(origin: dict[str, Any]) -> str:
    """`path:row`, or `path[sheet]:row` for a workbook."""
    return origin_label(origin["path"], origin.get("sheet"), origin["row"])


def origin_label(path: str, sheet: str | None, row: int) -> str:
    """`origin_text` of an origin given as its three values."""
    return f"{path}[{sheet}]:{row}" if sheet else f"{path}:{row}"
