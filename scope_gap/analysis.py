"""The result of an analysis: every incident's status and why, ready for the renderers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .engine import Evaluation, explanation_frame
from .i18n import _, format_number, language, localized, ngettext
from .model import ENUMS, UNKNOWN, Mandate, Status
from .validate import InvalidRow, Table

STATUS_ORDER = [
    Status.IN_SCOPE.value,
    Status.CONTEXT_ONLY.value,
    Status.OUT_OF_SCOPE.value,
    Status.INDETERMINATE.value,
]


def count_text(value: int) -> str:
    """A count in a sentence: as Python writes it in English (unchanged), Babel's in French."""
    return str(value) if language() == "en" else format_number(value)


@dataclass
class Analysis:
    """Every incident of the inputs decided under one mandate."""

    mandate: Mandate
    table: Table
    evaluation: Evaluation
    warnings: list[str] = field(default_factory=list)
    command: str | None = None  # the command line that produced it, when run from the CLI

    # --- flat views ------------------------------------------------------------------------

    @property
    def columns(self) -> list[str]:
        """Field keys in report order: the contract's columns, then the others as read."""
        return self.table.columns

    @property
    def invalid(self) -> list[InvalidRow]:
        return self.table.invalid

    @cached_property
    def incidents(self) -> list[dict[str, Any]]:
        """One dict per valid incident, in input order, as the JSON report has them."""
        table, ev = self.table, self.evaluation
        keys = list(table.frame.columns)
        # plain lists and zip: pandas' to_dict(orient="records") is several times slower here
        columns = [["" if v is None else str(v) for v in table.frame[k].tolist()] for k in keys]
        paths = table.origins["path"].tolist()
        sheets = [None if pd.isna(s) else s for s in table.origins["sheet"].tolist()]
        rows = [int(r) for r in table.origins["row"].tolist()]
        id_index = keys.index("id")
        as_given = table.as_given
        out = []
        for i, values in enumerate(zip(*columns, strict=True)):
            out.append(
                {
                    "id": values[id_index],
                    "status": str(ev.status[i]),
                    "covered_by": ev.covered_by[i],
                    "gaps": ev.gaps[i],
                    "reasons": ev.reasons[i],
                    "as_given": as_given.get(i, {}),
                    "origin": {"path": paths[i], "sheet": sheets[i], "row": rows[i]},
                    "fields": dict(zip(keys, values, strict=True)),
                }
            )
        return out

    def flatten(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(id, status, gaps) per incident: the shape tests assert on."""
        return [(r["id"], r["status"], tuple(r["gaps"])) for r in self.incidents]

    def in_order(self) -> list[tuple[str, dict[str, Any]]]:
        """Every row read, valid ('incident') and invalid ('invalid'), in input order."""
        rows: list[tuple[int, str, dict[str, Any]]] = [
            (int(p), "incident", r)
            for p, r in zip(self.table.positions, self.incidents, strict=True)
        ]
        rows += [(row.position, "invalid", row.to_dict()) for row in self.invalid]
        rows.sort(key=lambda item: item[0])
        return [(kind, record) for _, kind, record in rows]

    def explanations(self) -> pd.DataFrame:
        """Long form: one row per (incident, clause, leaf): value, outcome, blame."""
        return explanation_frame(self.evaluation, self.table)

    # --- the summary -------------------------------------------------------------------------

    @cached_property
    def summary(self) -> dict[str, Any]:
        status = self.evaluation.status
        counts = Counter(status.tolist())
        summary: dict[str, Any] = {"total": len(self.table) + len(self.invalid)}
        for name in STATUS_ORDER:
            summary[name] = int(counts.get(name, 0))
        summary["invalid"] = len(self.invalid)
        gaps: Counter[str] = Counter()
        ev = self.evaluation
        if len(ev.groups) == len(status):  # count rows per explanation group, not row by row
            outside = status != Status.IN_SCOPE.value
            per_group = np.bincount(ev.groups[outside], minlength=len(ev.group_rows))
            for group, count in enumerate(per_group.tolist()):
                if count:
                    for label in ev.gaps[int(ev.group_rows[group])]:
                        gaps[label] += count
        else:
            for i in np.flatnonzero(status != Status.IN_SCOPE.value):
                gaps.update(ev.gaps[i])
        summary["by_gap"] = dict(sorted(gaps.items(), key=lambda kv: (-kv[1], kv[0])))
        levels = self.table.frame["level"].astype(str).str.strip().replace("", UNKNOWN)
        by_level: dict[str, dict[str, int]] = {}
        pairs = Counter(zip(levels.tolist(), status.tolist(), strict=True))
        for level in ENUMS["level"]:
            if any(lv == level for lv, _ in pairs):
                by_level[level] = {s: int(pairs.get((level, s), 0)) for s in STATUS_ORDER}
        summary["by_level"] = by_level
        return summary

    def sentence(self) -> str:
        """The finding in one sentence."""
        s = self.summary
        outside = s["total"] - s["in_scope"] - s["invalid"]
        valid = s["total"] - s["invalid"]
        undecided = ngettext("{count} undecided", "{count} undecided", s["indeterminate"])
        return _(
            "{outside} of {valid} documented incidents fall outside what the {title} may "
            "examine ({context} only as context, {out} not at all, {undecided})."
        ).format(
            outside=count_text(outside),
            valid=count_text(valid),
            title=localized(self.mandate, "title"),
            context=count_text(s["context_only"]),
            out=count_text(s["out_of_scope"]),
            undecided=undecided.format(count=count_text(s["indeterminate"])),
        )

    # --- the JSON report -----------------------------------------------------------------------

    def to_dict(self, incidents: bool = True) -> dict[str, Any]:
        """The JSON report (schema_version 1); with `incidents=False`, its list left empty."""
        return {
            "schema_version": 1,
            "tool": {"name": "scope-gap", "version": __version__},
            "mandate": self.mandate.header(),
            "inputs": [dict(item) for item in self.table.inputs],
            "summary": self.summary,
            "incidents": self.incidents if incidents else [],
            "invalid": [row.to_dict() for row in self.invalid],
        }
