"""`explain`: one incident, clause by clause and condition by condition, as text."""

from __future__ import annotations

from typing import Any

from ..errors import ScopeGapError, did_you_mean
from ..i18n import N_, _, is_default_language, localized
from ..mandatediff import node_paths
from ..model import ENUMS, UNKNOWN, All, AnyOf, Leaf, Not, status_label
from ..operators import OUTCOME_NAMES, condition_text, field_label
from .common import origin_text

#: outcomes and coverages as the explanation writes them (marked for translation)
OUTCOME_WORDS = {"false": N_("false"), "unknown": N_("unknown"), "true": N_("true")}
COVERAGE_WORDS = {"examined": N_("examined"), "context": N_("context")}


def _outcome(value: Any) -> str:
    return _(OUTCOME_WORDS[OUTCOME_NAMES[int(value)]])


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
                _("incident '{id}' ({origin}) is an invalid row: {problems}").format(
                    id=wanted, origin=origin_text(row.origin), problems=problems
                )
            )
    raise ExplainError(
        _("no incident with id '{id}'").format(id=wanted) + did_you_mean(wanted, ids)
    )


def _value(leaf: Leaf, fields: dict[str, str]) -> str:
    """The value as the engine reads it: blank, or the *enumerated* value `unknown`, is not
    known; free text that says "unknown" is that text (SPEC section 1)."""
    text = str(fields.get(leaf.field, "")).strip()
    if not text or (text == UNKNOWN and leaf.field in ENUMS):
        return _("(not known)")
    return text


def explain_incident(analysis: Any, incident_id: str) -> str:
    """The decision for one incident in plain text."""
    i = _find(analysis, incident_id)
    record = analysis.incidents[i]
    fields = record["fields"]
    lines = [
        f"{record['id']}: {fields.get('title', '')}",
        _("  from {origin}").format(origin=origin_text(record["origin"])),
        _("mandate {id}: {title}").format(
            id=analysis.mandate.id, title=localized(analysis.mandate, "title")
        ),
        "",
    ]
    for outcome in analysis.evaluation.clauses:
        clause = outcome.clause
        ref = f" {clause.ref}" if clause.ref else ""
        lines.append(
            _("clause {id}{ref} [{coverage}]: {outcome}").format(
                id=clause.id,
                ref=ref,
                coverage=_(COVERAGE_WORDS[clause.coverage.value]),
                outcome=_outcome(outcome.values[i]),
            )
        )
        # each condition's place in its clause, as `rules diff` names it (`when.all[0]`)
        paths = node_paths(clause.when)
        for entry, path in zip(outcome.nodes, paths, strict=True):
            indent = "  " * (entry.depth + 1)
            value = _outcome(entry.values[i])
            match entry.node:
                case Leaf() as leaf:
                    lines.append(
                        f"{indent}{condition_text(leaf)}: {leaf.field} = {_value(leaf, fields)}"
                        f" -> {value}  [{path}]"
                    )
                case All():
                    lines.append(f"{indent}all -> {value}")
                case AnyOf():
                    lines.append(f"{indent}any -> {value}")
                case Not():
                    lines.append(f"{indent}not -> {value}")
                case _unknown:
                    raise TypeError(f"not a condition node: {entry.node!r}")
    # English shows the status code, which is also its English word; other languages the label
    status = record["status"] if is_default_language() else status_label(record["status"])
    lines += ["", _("status: {status}").format(status=status)]
    if record["covered_by"]:
        lines.append(_("covered by: {clauses}").format(clauses=", ".join(record["covered_by"])))
    if record["gaps"]:
        lines.append(_("gaps: {gaps}").format(gaps="; ".join(record["gaps"])))
    if record["unknown"]:  # not known is not a gap: what would have to be known
        lines.append(
            _("not known: {fields}").format(
                fields=", ".join(field_label(f) for f in record["unknown"])
            )
        )
    if record["reasons"]:
        lines.append(_("reasons:"))
        lines += [f"  - {reason}" for reason in record["reasons"]]
    return "\n".join(lines)
