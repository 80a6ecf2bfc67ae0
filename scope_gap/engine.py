"""Condition trees -> vectorized three-valued outcomes, statuses and their explanations.

Truth values are int8 arrays with FALSE=0, UNKNOWN=1, TRUE=2, so that Kleene's
`and` is the minimum, `or` the maximum and `not` is 2 - x.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .i18n import _
from .model import All, AnyOf, Clause, Leaf, Mandate, Node, Not, Status, labelled_leaf
from .operators import (
    FALSE,
    OPERATORS,
    TRUE,
    UNKNOWN_TV,
    Column,
    condition_text,
    field_label,
    gap_label,
    is_known,
    requirement,
)
from .operators import FIELD_WORDS as FIELD_WORDS  # the wording of leaves lives with the
from .operators import OUTCOME_NAMES as OUTCOME_NAMES  # operators; these names stay
from .operators import generated_gap as generated_gap  # importable from here
from .operators import rule_text as rule_text
from .validate import MISSING_DAY, Table

# --- leaves ---------------------------------------------------------------------------------


def column_of(field_name: str, table: Table) -> Column:
    """One field of the table as operators read it (distinct texts, or day intervals)."""
    n = len(table)
    if field_name == "date":
        start, end = table.date_start, table.date_end
        return Column(known=start != MISSING_DAY, start=start, end=end)
    column = table.frame[field_name] if field_name in table.frame else pd.Series([""] * n)
    codes, uniques = pd.factorize(column.astype(str), sort=False)
    known_u = np.fromiter(
        (is_known(u, field_name) for u in uniques), dtype=bool, count=len(uniques)
    )
    known = known_u[codes] if n else np.zeros(0, dtype=bool)
    return Column(known=known, codes=codes, uniques=list(uniques), known_u=known_u)


def evaluate_leaf(leaf: Leaf, table: Table) -> np.ndarray:
    """The leaf's truth value on every row (FALSE/UNKNOWN/TRUE)."""
    return OPERATORS[leaf.op].truth(leaf, column_of(leaf.field, table))


# --- trees -----------------------------------------------------------------------------------


@dataclass
class NodeOutcome:
    """One node of a clause's tree with its value on every row, in pre-order."""

    node: Node
    depth: int
    negated: bool  # under an odd number of `not`
    values: np.ndarray
    leaf_index: int | None = None  # position among the clause's leaves


@dataclass
class ClauseOutcome:
    clause: Clause
    values: np.ndarray
    nodes: list[NodeOutcome]
    failed: dict[int, np.ndarray] = field(default_factory=dict)  # leaf index -> rows
    unknown: dict[int, np.ndarray] = field(default_factory=dict)

    def leaf_nodes(self) -> list[NodeOutcome]:
        return [n for n in self.nodes if n.leaf_index is not None]


def kleene(
    node: Node,
    leaf_values: Callable[[int, Leaf], np.ndarray],
    visit: Callable[[Node, int, bool, int | None], Callable[[np.ndarray], None]] | None = None,
) -> np.ndarray:
    """The one copy of three-valued logic: a tree's value on every row, its leaves' values
    given by `leaf_values(index in pre-order, leaf)`. `all` is the minimum, `any` the maximum,
    `not` is TRUE - x. `visit(node, depth, negated, leaf index)` is called in pre-order and
    returns a callback that receives the node's values."""
    counter = [0]

    def walk(n: Node, depth: int, negated: bool) -> np.ndarray:
        index = counter[0] if isinstance(n, Leaf) else None
        done = visit(n, depth, negated, index) if visit is not None else None
        match n:
            case Leaf():
                counter[0] += 1
                values = leaf_values(index, n)  # type: ignore[arg-type]
            case All(parts):
                values = np.minimum.reduce([walk(p, depth + 1, negated) for p in parts])
            case AnyOf(parts):
                values = np.maximum.reduce([walk(p, depth + 1, negated) for p in parts])
            case Not(part):
                values = TRUE - walk(part, depth + 1, not negated)
            case _:
                raise TypeError(f"not a condition node: {n!r}")
        values = np.asarray(values, dtype=np.int8)
        if done is not None:
            done(values)
        return values

    return walk(node, 0, False)


def evaluate_clause(clause: Clause, table: Table) -> ClauseOutcome:
    nodes: list[NodeOutcome] = []

    def visit(
        node: Node, depth: int, negated: bool, index: int | None
    ) -> Callable[[np.ndarray], None]:
        entry = NodeOutcome(node, depth, negated, np.empty(0, dtype=np.int8), index)
        nodes.append(entry)

        def done(values: np.ndarray) -> None:
            entry.values = values

        return done

    values = kleene(clause.when, lambda _i, leaf: evaluate_leaf(leaf, table), visit)
    outcome = ClauseOutcome(clause, values, nodes)
    _blame(outcome, len(table))
    return outcome


def _blame(outcome: ClauseOutcome, n: int) -> None:
    """Which leaves explain, row by row, why the clause is not true."""
    nodes = outcome.nodes
    position = 0

    def effective(entry: NodeOutcome) -> np.ndarray:
        return (TRUE - entry.values) if entry.negated else entry.values

    def visit(need: np.ndarray) -> None:
        nonlocal position
        entry = nodes[position]
        position += 1
        node = entry.node
        match node:
            case Leaf():
                value = effective(entry)
                assert entry.leaf_index is not None
                outcome.failed[entry.leaf_index] = need & (value == FALSE)
                outcome.unknown[entry.leaf_index] = need & (value == UNKNOWN_TV)
            case All(parts) | AnyOf(parts):
                conjunctive = isinstance(node, All) != entry.negated
                for _part in parts:
                    child = nodes[position]
                    visit(need & (effective(child) != TRUE) if conjunctive else need)
            case Not():
                visit(need)
            case _:
                raise TypeError(f"not a condition node: {node!r}")

    visit(outcome.values != TRUE)


# --- the whole mandate ----------------------------------------------------------------------


@dataclass
class Evaluation:
    mandate: Mandate
    clauses: list[ClauseOutcome]
    status: np.ndarray  # of Status values (str)
    covered_by: list[list[str]]
    gaps: list[list[str]]
    reasons: list[list[str]]
    nearest: np.ndarray  # index into clauses of the nearest examined clause, -1 if none
    # rows that share status, covered_by, gaps, unknown and reasons share a group (and the very same
    # list objects): renderers may encode each group once instead of once per row
    groups: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    group_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # per row, the fields whose value not known left leaves of the nearest clause unknown
    unknown: list[list[str]] = field(default_factory=list)


def _value_text(leaf: Leaf, table: Table) -> pd.Series:
    if leaf.field in table.frame:
        return table.frame[leaf.field].astype(str)
    return pd.Series([""] * len(table))


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reason_text(
    clause: Clause, leaf: Leaf, negated: bool, value: str, outcome: int, need: str | None = None
) -> str:
    """One reason: which value made a leaf fail or unknown, and what the clause requires."""
    label = field_label(leaf.field)
    need = requirement(leaf, negated) if need is None else need
    if not is_known(value, leaf.field):
        return _("{label} is not known; clause {clause} requires {need}").format(
            label=label, clause=clause.id, need=need
        )
    shown = _shorten(value.strip())
    if outcome == UNKNOWN_TV:
        return _(
            "{label} is {value}, which lies partly inside and partly outside what clause "
            "{clause} requires: {need}"
        ).format(label=label, value=shown, clause=clause.id, need=need)
    return _("{label} is {value}; clause {clause} requires {need}").format(
        label=label, value=shown, clause=clause.id, need=need
    )


# A row's explanation is a sequence of "slots" (one per clause for covered_by, per leaf for
# reasons and gaps), each holding a small code per row: 0 for nothing, k > 0 for the k-th
# text of that slot. Rows with equal codes in every slot get equal lists, so the texts are
# built once per distinct signature, never once per row (100,000 rows have a few thousand).
Slot = tuple[np.ndarray, int, Callable[[int], str]]  # codes, number of codes, text of a code


def _signature(columns: list[tuple[np.ndarray, int]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the index of its distinct combination of codes; and each one's first row."""
    key = np.zeros(n, dtype=np.int64)
    bound = 1
    for codes, size in columns:
        if size <= 1:
            continue
        if bound * size >= 2**62:
            key, uniques = pd.factorize(key)
            bound = max(len(uniques), 1)
        key = key * size + codes
        bound *= size
    inverse, uniques = pd.factorize(key)
    first = np.zeros(len(uniques), dtype=np.int64)
    first[inverse[::-1]] = np.arange(n - 1, -1, -1)
    return inverse.astype(np.int64), first


def _group(slots: list[Slot], n: int) -> tuple[np.ndarray, list[list[str]]]:
    """Per row, the index of its distinct list; and each distinct list of texts."""
    inverse, first = _signature([(codes, size) for codes, size, _ in slots], n)
    lists = []
    for row in first.tolist():
        texts = []
        for codes, _size, text in slots:
            code = int(codes[row])
            if code:
                texts.append(text(code))
        lists.append(texts)
    return inverse, lists


def _spread(inverse: np.ndarray, lists: list[list[str]]) -> list[list[str]]:
    """One list per row (rows of a group share their list object)."""
    shared = np.empty(len(lists), dtype=object)
    for i, item in enumerate(lists):
        shared[i] = item
    return shared[inverse].tolist() if len(inverse) else []


def _constant(text: str) -> Callable[[int], str]:
    return lambda _code: text


def _cached(fn: Callable[[int], str]) -> Callable[[int], str]:
    memo: dict[int, str] = {}

    def text(code: int) -> str:
        if code not in memo:
            memo[code] = fn(code)
        return memo[code]

    return text


def _reason_slot(
    outcome: ClauseOutcome, entry: NodeOutcome, table: Table, not_in_scope: np.ndarray
) -> Slot:
    leaf = entry.node
    assert isinstance(leaf, Leaf) and entry.leaf_index is not None
    failed = outcome.failed[entry.leaf_index] & not_in_scope
    unknown = outcome.unknown[entry.leaf_index] & not_in_scope
    values, uniques = table.text_codes(leaf.field)
    codes = np.where(failed | unknown, 1 + 2 * values.astype(np.int64) + unknown, 0)
    clause, negated = outcome.clause, entry.negated
    need = requirement(leaf, negated)

    def text(code: int) -> str:
        value = uniques[(code - 1) // 2]
        eff = UNKNOWN_TV if (code - 1) % 2 else FALSE
        return reason_text(clause, leaf, negated, value, int(eff), need)

    return codes, 1 + 2 * len(uniques), _cached(text)


def evaluate(mandate: Mandate, table: Table) -> Evaluation:
    """Decide every valid incident of `table` under `mandate`."""
    n = len(table)
    outcomes = [evaluate_clause(c, table) for c in mandate.clauses]
    examined = [i for i, c in enumerate(mandate.clauses) if c.examined]
    context = [i for i, c in enumerate(mandate.clauses) if not c.examined]
    matrix = (
        np.stack([o.values for o in outcomes], axis=1)
        if outcomes
        else np.zeros((n, 0), dtype=np.int8)
    )
    ex, ctx = matrix[:, examined], matrix[:, context]
    in_scope = (ex == TRUE).any(axis=1)
    indeterminate = ~in_scope & (ex == UNKNOWN_TV).any(axis=1)
    context_only = ~in_scope & ~indeterminate & (ctx == TRUE).any(axis=1)
    status_code = np.select([in_scope, indeterminate, context_only], [0, 1, 2], default=3)
    status_names = np.array(
        [
            Status.IN_SCOPE.value,
            Status.INDETERMINATE.value,
            Status.CONTEXT_ONLY.value,
            Status.OUT_OF_SCOPE.value,
        ],
        dtype=object,
    )
    status = status_names[status_code]
    out_of_scope = status_code == 3
    not_in_scope = ~in_scope

    cover_slots: list[Slot] = []
    reason_slots: list[Slot] = []
    for outcome in outcomes:
        clause = outcome.clause
        cover_slots.append(((outcome.values == TRUE).astype(np.int64), 2, _constant(clause.id)))
        for entry in outcome.leaf_nodes():
            reason_slots.append(_reason_slot(outcome, entry, table, not_in_scope))
        if not clause.examined:
            note = _(
                "context clause {clause} could not be decided, so it does not make "
                "the incident context_only"
            ).format(clause=clause.id)
            undecided = (outcome.values == UNKNOWN_TV) & out_of_scope
            reason_slots.append((undecided.astype(np.int64), 2, _constant(note)))

    gap_slots: list[Slot] = []
    unknown_slots: list[Slot] = []
    nearest = np.full(n, -1, dtype=np.int64)
    if examined and n:
        leaf_counts = []
        for clause_index in examined:
            o = outcomes[clause_index]
            fails = np.sum([o.failed[k] for k in o.failed], axis=0) if o.failed else np.zeros(n)
            unknowns = (
                np.sum([o.unknown[k] for k in o.unknown], axis=0) if o.unknown else np.zeros(n)
            )
            leaf_counts.append((np.asarray(fails), np.asarray(unknowns)))
        big = 1 + max(len(outcomes[i].failed) for i in examined)
        keys = np.stack([f * big + u for f, u in leaf_counts], axis=1)
        choice = np.argmin(keys, axis=1)
        nearest = np.asarray(examined)[choice]
        for position, clause_index in enumerate(examined):
            o = outcomes[clause_index]
            rows_here = (choice == position) & not_in_scope
            if not rows_here.any():
                continue
            for entry in o.leaf_nodes():
                k = entry.leaf_index
                assert isinstance(entry.node, Leaf) and k is not None
                # a value not known is never a gap: it is named under `unknown` instead
                # a generated label names values and periods as the reports do
                label = gap_label(labelled_leaf(entry.node, mandate.periods), entry.negated)
                chosen = rows_here & o.failed[k]
                gap_slots.append((chosen.astype(np.int64), 2, _constant(label)))
                unsure = rows_here & o.unknown[k]
                unknown_slots.append((unsure.astype(np.int64), 2, _constant(entry.node.field)))
        nearest[in_scope] = -1

    cover_groups, cover_lists = _group(cover_slots, n)
    reason_groups, reason_lists = _group(reason_slots, n)
    gap_groups, gap_lists = _group(gap_slots, n)
    gap_lists = [list(dict.fromkeys(g)) for g in gap_lists]  # a label repeated across leaves
    unknown_groups, unknown_lists = _group(unknown_slots, n)
    unknown_lists = [list(dict.fromkeys(u)) for u in unknown_lists]
    groups, first = _signature(
        [
            (status_code.astype(np.int64), 4),
            (cover_groups, len(cover_lists)),
            (reason_groups, len(reason_lists)),
            (gap_groups, len(gap_lists)),
            (unknown_groups, len(unknown_lists)),
        ],
        n,
    )
    return Evaluation(
        mandate,
        outcomes,
        status,
        _spread(cover_groups, cover_lists),
        _spread(gap_groups, gap_lists),
        _spread(reason_groups, reason_lists),
        nearest,
        groups,
        first,
        _spread(unknown_groups, unknown_lists),
    )


def explanation_frame(evaluation: Evaluation, table: Table) -> pd.DataFrame:
    """Long form: one row per (incident, clause, leaf) with the value and the outcome."""
    pieces = []
    ids = table.frame["id"].to_numpy() if len(table) else np.array([], dtype=object)
    for outcome in evaluation.clauses:
        for entry in outcome.leaf_nodes():
            leaf = entry.node
            assert isinstance(leaf, Leaf) and entry.leaf_index is not None
            pieces.append(
                pd.DataFrame(
                    {
                        "incident": ids,
                        "clause": outcome.clause.id,
                        "leaf": entry.leaf_index,
                        "condition": condition_text(leaf),
                        "negated": entry.negated,
                        "value": _value_text(leaf, table).to_numpy(),
                        "outcome": pd.Categorical.from_codes(
                            entry.values, ["false", "unknown", "true"]
                        ),
                        "blame": _blame_labels(outcome, entry.leaf_index),
                    }
                )
            )
    if not pieces:
        return pd.DataFrame(
            columns=[
                "incident",
                "clause",
                "leaf",
                "condition",
                "negated",
                "value",
                "outcome",
                "blame",
            ]
        )
    return pd.concat(pieces, ignore_index=True)


def _blame_labels(outcome: ClauseOutcome, leaf_index: int) -> np.ndarray:
    """'failed' or 'unknown' where the leaf explains why its clause is not true, else ''."""
    return np.where(
        outcome.failed[leaf_index],
        "failed",
        np.where(outcome.unknown[leaf_index], "unknown", ""),
    )
