"""Renderers of a Comparison: the coverage matrix and what each mandate adds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import _
from ..model import display_name
from . import Rendered
from .csv import table_bytes
from .json import dumps

if TYPE_CHECKING:
    from ..comparison import Comparison


def render_compare_json(comparison: Comparison) -> Rendered:
    return Rendered(dumps(comparison.to_dict()))


def matrix_rows(comparison: Comparison) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the matrix: ID, Title, a status per mandate, and 'Only in scope under'."""
    ids = [m.id for m in comparison.mandates]
    only = {i: m for m, added in comparison.adds.items() for i in added}
    header = [display_name("id"), display_name("title"), *ids, _("Only in scope under")]
    rows = [
        [row["id"], row["title"], *[row["statuses"][m] for m in ids], only.get(row["id"], "")]
        for row in comparison.matrix
    ]
    return header, rows


def render_compare_csv(comparison: Comparison) -> Rendered:
    return Rendered(table_bytes(*matrix_rows(comparison)))
