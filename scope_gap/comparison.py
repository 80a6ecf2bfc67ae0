"""Several mandates side by side: each incident's status under each, and what each adds."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from .analysis import STATUS_ORDER, Analysis
from .model import Mandate, Status


@dataclass
class Comparison:
    """One analysis per mandate, of the same table."""

    analyses: list[Analysis]
    warnings: list[str] = field(default_factory=list)
    command: str | None = None

    kind: ClassVar[str] = "comparison"  # its renderers' key in reports.RENDERERS

    @property
    def read(self) -> frozenset[tuple[int, int]]:
        """The files read to make it, by (device, inode)."""
        return frozenset().union(*(a.read for a in self.analyses))

    @property
    def mandates(self) -> list[Mandate]:
        return [a.mandate for a in self.analyses]

    @property
    def stem(self) -> str:
        """The report file name without extension: compare-<idA>-<idB>..."""
        return "compare-" + "-".join(m.id for m in self.mandates)

    @property
    def invalid(self) -> list[Any]:
        return self.analyses[0].invalid if self.analyses else []

    @cached_property
    def matrix(self) -> list[dict[str, Any]]:
        """One row per valid incident: id, title and its status under each mandate."""
        first = self.analyses[0]
        columns = [a.incidents for a in self.analyses]
        rows = []
        for i, record in enumerate(first.incidents):
            rows.append(
                {
                    "id": record["id"],
                    "title": record["fields"].get("title", ""),
                    "statuses": {
                        a.mandate.id: col[i]["status"]
                        for a, col in zip(self.analyses, columns, strict=True)
                    },
                }
            )
        return rows

    @cached_property
    def adds(self) -> dict[str, list[str]]:
        """For each mandate, the incidents in scope under it and under no other."""
        ids = [m.id for m in self.mandates]
        out: dict[str, list[str]] = {m: [] for m in ids}
        for row in self.matrix:
            in_scope = [m for m in ids if row["statuses"][m] == Status.IN_SCOPE.value]
            if len(in_scope) == 1:
                out[in_scope[0]].append(row["id"])
        return out

    def counts(self) -> dict[str, dict[str, int]]:
        """Per mandate: the count of each status (and invalid rows)."""
        out = {}
        for analysis in self.analyses:
            summary = analysis.summary
            out[analysis.mandate.id] = {s: summary[s] for s in [*STATUS_ORDER, "invalid"]}
        return out

    def to_dict(self) -> dict[str, Any]:
        """The compare JSON report (schema_version 1)."""
        return {
            "schema_version": 1,
            "mandates": [{"id": m.id, "title": m.title, "sha256": m.sha256} for m in self.mandates],
            "matrix": self.matrix,
            "adds": self.adds,
        }
