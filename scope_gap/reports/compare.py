"""Renderers of a Comparison: the coverage matrix and what each mandate adds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..i18n import _
from ..model import display_name
from .csv import write_table
from .json import dumps


def write_compare_json(comparison: Any, path: Path) -> None:
    path.write_bytes(dumps(comparison.to_dict()))


def matrix_rows(comparison: Any) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the matrix: ID, Title, a status per mandate, and 'Only in scope under'."""
    ids = [m.id for m in comparison.mandates]
    only = {i: m for m, added in comparison.adds.items() for i in added}
    header = [display_name("id"), display_name("title"), *ids, _("Only in scope under")]
    rows = [
        [row["id"], row["title"], *[row["statuses"][m] for m in ids], only.get(row["id"], "")]
        for row in comparison.matrix
    ]
    return header, rows


def write_compare_csv(comparison: Any, path: Path) -> None:
    write_table(path, *matrix_rows(comparison))
