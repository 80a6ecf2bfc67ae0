"""The words of the reports people read (xlsx, HTML, terminal), above the engine.

The JSON and CSV reports keep canonical values and one reason per failed or unknown
condition; the reports people read say the same in plain words: enumerated values as labels
in the report's language (`leadership_race` is "leadership race", « course à la direction »),
periods by their label, clauses by their reference and short title, and an incident's reasons
grouped by condition, once per fact:

    Level: provincial — the mandate requires federal (clauses A, B)
    Level is not known: federal would put it within clause A

Requirements are worded by the operator table (`operators.py`) on a copy of the leaf whose
values are labels, so that each operator's wording stays in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .i18n import _, localized, ngettext
from .model import VALUE_LABELS, Clause, Leaf, Mandate, Status, labelled_leaf, value_label
from .operators import TRUE, UNKNOWN_TV, field_label, is_known, requirement

__all__ = [
    "VALUE_LABELS",
    "clause_title",
    "covered_by",
    "reasons",
    "reasons_of",
    "unknown_fields",
    "value_label",
]


def display_leaf(leaf: Leaf, mandate: Mandate) -> Leaf:
    """`leaf` with its values as labels and its periods by their label (model.labelled_leaf)."""
    return labelled_leaf(leaf, mandate.periods)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def clause_title(clause: Clause) -> str:
    """A clause as "Covered by" names it: its reference (else its id) and its short title,
    `(a)(i)(A) — interference in the 43rd and 44th general elections`."""
    name = clause.ref or clause.id
    short = localized(clause, "short")
    return _("{clause} — {short}").format(clause=name, short=short) if short else name


def covered_by(mandate: Mandate, ids: list[str]) -> list[str]:
    """The clauses that cover an incident, each by its reference and short title."""
    clauses = {c.id: c for c in mandate.clauses}
    return [clause_title(clauses[i]) if i in clauses else i for i in ids]


def unknown_fields(fields: list[str]) -> str:
    """The fields whose value is not known, as the reports name them (`level, date`)."""
    return ", ".join(field_label(f) for f in fields)


def _clauses(ids: list[str]) -> str:
    return ngettext("clause {ids}", "clauses {ids}", len(ids)).format(ids=", ".join(ids))


@dataclass
class _Fact:
    """One value of one field that keeps clauses from holding, with what each clause needs."""

    field: str
    value: str
    kind: str  # "failed", "missing" (not known) or "imprecise" (partly inside)
    needs: dict[str, list[str]]  # requirement -> clause ids
    decisive: dict[str, list[str]]  # requirement -> clauses it alone would make true


def _fact_line(fact: _Fact) -> list[str]:
    label = _capitalized(field_label(fact.field))
    value = value_label(fact.field, fact.value.strip())
    lines = []
    if fact.kind == "failed":
        needs = "; ".join(
            _("{need} ({clauses})").format(need=need, clauses=_clauses(ids))
            for need, ids in fact.needs.items()
        )
        lines.append(
            _("{field}: {value} — the mandate requires {needs}").format(
                field=label, value=value, needs=needs
            )
        )
        return lines
    if fact.kind == "missing":
        head = _("{field} is not known").format(field=label)
    else:
        head = _("{field}: {value} is not precise enough").format(field=label, value=value)
    parts, required = [], []
    for need, ids in fact.needs.items():
        decisive = fact.decisive.get(need, [])
        if decisive:
            parts.append(
                ngettext(
                    "{need} would put it within clause {ids}",
                    "{need} would put it within clauses {ids}",
                    len(decisive),
                ).format(need=need, ids=", ".join(decisive))
            )
        rest = [i for i in ids if i not in decisive]
        if rest:
            required.append(_("{need} ({clauses})").format(need=need, clauses=_clauses(rest)))
    if required:
        parts.append(_("the mandate requires {needs}").format(needs="; ".join(required)))
    lines.append(_("{head}: {what}").format(head=head, what="; ".join(parts)))
    return lines


def _row_reasons(
    analysis: Any, row: int, needs: dict[tuple[int, bool], tuple[Leaf, str]] | None = None
) -> list[str]:
    """The plain-word reasons of one incident that is not in scope.

    `needs` keeps each leaf's requirement in words across the rows of one call of `reasons`
    (a leaf's wording is the same on every row, and wording it is most of the cost)."""
    if needs is None:
        needs = {}
    evaluation, table, mandate = analysis.evaluation, analysis.table, analysis.mandate
    facts: dict[tuple[str, str, str], _Fact] = {}
    undecided: list[str] = []
    for outcome in evaluation.clauses:
        if outcome.values[row] == TRUE:
            continue
        clause = outcome.clause
        entries = [
            e
            for e in outcome.leaf_nodes()
            if outcome.failed[e.leaf_index][row] or outcome.unknown[e.leaf_index][row]  # type: ignore[index]
        ]
        for entry in entries:
            leaf = entry.node
            assert isinstance(leaf, Leaf) and entry.leaf_index is not None
            codes, uniques = table.text_codes(leaf.field)
            value = uniques[codes[row]]
            if outcome.failed[entry.leaf_index][row]:
                kind = "failed"
            else:
                kind = "missing" if not is_known(value, leaf.field) else "imprecise"
            fact = facts.setdefault(
                (leaf.field, value, kind), _Fact(leaf.field, value, kind, {}, {})
            )
            key = (id(leaf), entry.negated)
            known = needs.get(key)
            if known is not None and known[0] is leaf:
                need = known[1]
            else:
                need = requirement(display_leaf(leaf, mandate), entry.negated)
                needs[key] = (leaf, need)  # the leaf held, so that its id stays its own
            ids = fact.needs.setdefault(need, [])
            if clause.id not in ids:
                ids.append(clause.id)
            if len(entries) == 1 and kind != "failed":
                fact.decisive.setdefault(need, []).append(clause.id)
        if (
            not clause.examined
            and outcome.values[row] == UNKNOWN_TV
            and evaluation.status[row] == Status.OUT_OF_SCOPE.value
        ):
            undecided.append(clause.id)
    lines = [line for fact in facts.values() for line in _fact_line(fact)]
    if undecided:
        lines.append(
            ngettext(
                "Clause {ids} (background only) could not be decided, so the incident is not "
                "counted as background",
                "Clauses {ids} (background only) could not be decided, so the incident is not "
                "counted as background",
                len(undecided),
            ).format(ids=", ".join(undecided))
        )
    return lines


def reasons(analysis: Any) -> list[list[str]]:
    """Per incident (input order), its reasons in plain words; empty for one in scope.

    Rows of one evaluation group share their reasons, so each group is worded once."""
    return reasons_of(analysis, range(len(analysis.table)))


def reasons_of(analysis: Any, rows: Sequence[int]) -> list[list[str]]:
    """`reasons` of the incidents at `rows` only (a page that lists a few of many words only
    those): each evaluation group among them is worded once, and each requirement once."""
    evaluation = analysis.evaluation
    n = len(analysis.table)
    in_scope = evaluation.status == Status.IN_SCOPE.value
    needs: dict[tuple[int, bool], tuple[Leaf, str]] = {}
    if len(evaluation.groups) != n:  # no groups: word row by row
        return [[] if in_scope[i] else _row_reasons(analysis, i, needs) for i in rows]
    if not len(rows):
        return []
    groups = evaluation.groups[np.asarray(rows, dtype=np.int64)]
    wanted = np.unique(groups)
    worded = np.empty(len(evaluation.group_rows), dtype=object)
    for group, row in zip(wanted.tolist(), evaluation.group_rows[wanted].tolist(), strict=True):
        worded[group] = [] if in_scope[row] else _row_reasons(analysis, int(row), needs)
    return worded[groups].tolist()
