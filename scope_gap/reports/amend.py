"""Outputs of `amend`: the amended rule file and the JSON (the readable page and workbook are
in views); `reports.write_reports` writes them all or none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import Rendered
from .json import dumps

if TYPE_CHECKING:
    from ..amendment import AmendResult


def render_amended_yaml(result: AmendResult) -> Rendered:
    """`<id>-amended.yaml`: the amended mandate, a valid rule file (the writer asks for it only
    when there is something to change)."""
    return Rendered((result.amended_yaml or "").encode("utf-8"))


def render_amend_json(result: AmendResult) -> Rendered:
    """`<id>-amendments.json`."""
    return Rendered(dumps(result.to_dict()))
