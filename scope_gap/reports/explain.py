"""`explain`: one incident, clause by clause and condition by condition, as text."""

from __future__ import annotations

from typing import Any

from ..engine import OUTCOME_NAMES, condition_text
from ..errors import ScopeGapError, did_you_mean
from ..model import All, AnyOf, Leaf, Not
from .common import origin_text


class ExplainError(ScopeGapError):
    """The incident to explain is not there, or its row is invalid."""


def _find(analysis: Any, incident_id: str) -> int:
    wanted = incident_id.strip()
    ids = [str(r["id"]).strip() for r in analysis.incidents]
    if wanted in ids:
        return ids.index(wanted)
    for row in analysis.invalid:
        if str(row.fields.get("id", "")).strip() == wanted:
            problems = "; ".join(row.error_texts())
            raise ExplainError(
                f"incident '{wanted}' ({origin_text(row.origin)}) is an invalid row: {problems}"
            )
    raise ExplainError(f"no incident with id '{wanted}'{did_you_mean(wanted, ids)}")


def _value(leaf: Leaf, fields: dict[str, str]) -> str:
    text = str(fields.get(leaf.field, "")).strip()
    return text if text and text != "unknown" else "(not known)"


def explain_incident(analysis: Any, incident_id: str) -> str:
    """The decision for one incident in plain text."""
    i = _find(analysis, incident_id)
    record = analysis.incidents[i]
    fields = record["fields"]
    lines = [
        f"{record['id']}: {fields.get('title', '')}",
        f"  from {origin_text(record['origin'])}",
        f"mandate {analysis.mandate.id}: {analysis.mandate.title}",
        "",
    ]
    for outcome in analysis.evaluation.clauses:
        clause = outcome.clause
        ref = f" {clause.ref}" if clause.ref else ""
        lines.append(
            f"clause {clause.id}{ref} [{clause.coverage.value}]: "
            f"{OUTCOME_NAMES[int(outcome.values[i])]}"
        )
        for entry in outcome.nodes:
            indent = "  " * (entry.depth + 1)
            value = OUTCOME_NAMES[int(entry.values[i])]
            match entry.node:
                case Leaf() as leaf:
                    lines.append(
                        f"{indent}{condition_text(leaf)}: {leaf.field} = {_value(leaf, fields)}"
                        f" -> {value}"
                    )
                case All():
                    lines.append(f"{indent}all -> {value}")
                case AnyOf():
                    lines.append(f"{indent}any -> {value}")
                case Not():
                    lines.append(f"{indent}not -> {value}")
                case _:
                    raise TypeError(f"not a condition node: {entry.node!r}")
    lines += ["", f"status: {record['status']}"]
    if record["covered_by"]:
        lines.append(f"covered by: {', '.join(record['covered_by'])}")
    if record["gaps"]:
        lines.append(f"gaps: {'; '.join(record['gaps'])}")
    if record["reasons"]:
        lines.append("reasons:")
        lines += [f"  - {reason}" for reason in record["reasons"]]
    return "\n".join(lines)
