"""Condition trees -> vectorized three-valued outcomes, statuses and their explanations.

Truth values are int8 arrays with FALSE=0, UNKNOWN=1, TRUE=2, so that Kleene's
`and` is the minimum, `or` the maximum and `not` is 2 - x.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

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
    codes, uniques = table.text_codes(field_name)  # factorized once per table
    known_u = np.fromiter(
        (is_known(u, field_name) for u in uniques), dtype=bool, count=len(uniques)
    )
    known = known_u[codes] if n else np.zeros(0, dtype=bool)
    return Column(known=known, codes=codes, uniques=uniques, known_u=known_u)


#: day ordinals below this (9999-12-31 is 3,652,059) pack a date's (start, end) in one int64
_DAY_BOUND = 2**23

#: per field, its distinct values as a Column and each row's index among them
Distinct = dict[str, tuple[Column, np.ndarray]]


def distinct_column(field_name: str, table: Table) -> tuple[Column, np.ndarray] | None:
    """The field's distinct values as a Column (one entry per distinct text, or per distinct
    day interval), and per row the index of its value; None when the dates cannot be packed
    (then leaves are decided row by row)."""
    if field_name == "date":
        start, end = table.date_start, table.date_end
        if len(start) and (
            min(start.min(), end.min()) < MISSING_DAY
            or max(start.max(), end.max()) >= _DAY_BOUND - 1
        ):
            return None
        key = (start.astype(np.int64) + 1) * _DAY_BOUND + (end.astype(np.int64) + 1)
        codes, uniques = pd.factorize(key)
        start_u, end_u = uniques // _DAY_BOUND - 1, uniques % _DAY_BOUND - 1
        return Column(known=start_u != MISSING_DAY, start=start_u, end=end_u), codes
    codes, texts = table.text_codes(field_name)  # factorized once per table
    known_u = np.fromiter((is_known(u, field_name) for u in texts), dtype=bool, count=len(texts))
    distinct = Column(known=known_u, codes=np.arange(len(texts)), uniques=texts, known_u=known_u)
    return distinct, codes


def evaluate_leaf(leaf: Leaf, table: Table, distinct: Distinct | None = None) -> np.ndarray:
    """The leaf's truth value on every row (FALSE/UNKNOWN/TRUE): decided once per distinct
    value of its field and spread to the rows (`distinct` keeps the fields' distinct values
    between the leaves of one evaluation)."""
    distinct = {} if distinct is None else distinct
    if leaf.field not in distinct:
        found = distinct_column(leaf.field, table)
        if found is None:
            return OPERATORS[leaf.op].truth(leaf, column_of(leaf.field, table))
        distinct[leaf.field] = found
    column, codes = distinct[leaf.field]
    return np.asarray(OPERATORS[leaf.op].truth(leaf, column), dtype=np.int8)[codes]


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


def evaluate_clause(
    clause: Clause, table: Table, distinct: Distinct | None = None
) -> ClauseOutcome:
    nodes: list[NodeOutcome] = []
    distinct = {} if distinct is None else distinct

    def visit(
        node: Node, depth: int, negated: bool, index: int | None
    ) -> Callable[[np.ndarray], None]:
        entry = NodeOutcome(node, depth, negated, np.empty(0, dtype=np.int8), index)
        nodes.append(entry)

        def done(values: np.ndarray) -> None:
            entry.values = values

        return done

    values = kleene(clause.when, lambda _i, leaf: evaluate_leaf(leaf, table, distinct), visit)
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


# --- explanations, kept as codes -------------------------------------------------------------
# A row's explanation lists (covered_by, gaps, unknown, reasons) are each a sequence of
# "slots" (one per clause for covered_by, per leaf for reasons and gaps), each holding a small
# code per row: 0 for nothing, k > 0 for the k-th text of that slot. The texts are built once
# per code that occurs, never once per row (200,000 rows have a few thousand); the lists of
# texts row by row are made only when asked for, and the JSON report encodes each slot's texts
# once and spreads them by code without making them.


@dataclass(frozen=True)
class Slot:
    """One place in a row's list: per row a code (0: nothing here), and the text of each code
    that occurs (`texts[k]` for a code k > 0)."""

    codes: np.ndarray
    texts: list[str]


class Lists:
    """One list of texts per row, kept as slots (see above): rows with equal codes in every
    slot have equal lists. Sliced with `lists[start:stop]`; `tolist()` makes the lists."""

    def __init__(self, slots: list[Slot], n: int) -> None:
        self.slots = slots
        self.n = n
        #: a slice's lists are rows `start` on of `whole` (itself, for the whole table's)
        self.whole = self
        self.start = 0

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, rows: slice) -> Lists:
        start, stop, step = rows.indices(self.n)
        if step != 1:
            raise ValueError("lists are sliced in row order, without a step")
        stop = max(start, stop)
        part = Lists([Slot(s.codes[start:stop], s.texts) for s in self.slots], stop - start)
        part.whole, part.start = self.whole, self.start + start
        return part

    @cached_property
    def groups(self) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the index of its distinct list; and each distinct list's first row."""
        return _signature([(s.codes, len(s.texts)) for s in self.slots], self.n)

    @cached_property
    def distinct(self) -> list[list[str]]:
        """Each distinct list of texts, in the order of `groups`."""
        first = self.groups[1]
        if not self.slots:
            return [[] for _ in range(len(first))]
        columns = []  # per slot, each list's text there (None: nothing)
        for slot in self.slots:
            texts = np.array([None, *slot.texts[1:]], dtype=object)
            columns.append(texts[slot.codes[first]].tolist())
        return [[t for t in texts if t is not None] for texts in zip(*columns, strict=True)]

    def tolist(self) -> list[list[str]]:
        """One list per row (rows with equal lists share the very same list object)."""
        return self._rows

    @cached_property
    def _rows(self) -> list[list[str]]:
        return _spread(self.groups[0], self.distinct)

    def counts(self) -> Counter[str]:
        """How many times each text is named, over all rows."""
        counter: Counter[str] = Counter()
        for slot in self.slots:
            for code, count in enumerate(
                np.bincount(slot.codes, minlength=len(slot.texts)).tolist()
            ):
                if code and count:
                    counter[slot.texts[code]] += count
        return counter


@dataclass
class Evaluation:
    mandate: Mandate
    clauses: list[ClauseOutcome]
    status: np.ndarray  # of Status values (str)
    nearest: np.ndarray  # index into clauses of the nearest examined clause, -1 if none
    #: per row, the index of its status in STATUS_CODES
    status_code: np.ndarray
    #: covered_by, gaps, unknown (the fields whose value not known left leaves of the nearest
    #: clause unknown) and reasons, per row, as codes
    lists: dict[str, Lists]

    @cached_property
    def covered_by(self) -> list[list[str]]:
        return self.lists["covered_by"].tolist()

    @cached_property
    def gaps(self) -> list[list[str]]:
        return self.lists["gaps"].tolist()

    @cached_property
    def unknown(self) -> list[list[str]]:
        return self.lists["unknown"].tolist()

    @cached_property
    def reasons(self) -> list[list[str]]:
        return self.lists["reasons"].tolist()

    @cached_property
    def _grouping(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.status)
        columns = [(self.status_code.astype(np.int64), len(STATUS_CODES))]
        for key in ("covered_by", "reasons", "gaps", "unknown"):
            groups, first = self.lists[key].groups
            columns.append((groups, len(first)))
        return _signature(columns, n)

    @property
    def groups(self) -> np.ndarray:
        """Rows that share status, covered_by, gaps, unknown and reasons share a group (and
        the very same list objects): renderers may word each group once, not once per row."""
        return self._grouping[0]

    @property
    def group_rows(self) -> np.ndarray:
        """Each group's first row."""
        return self._grouping[1]


#: the statuses in the order of Evaluation.status_code
STATUS_CODES = (
    Status.IN_SCOPE.value,
    Status.INDETERMINATE.value,
    Status.CONTEXT_ONLY.value,
    Status.OUT_OF_SCOPE.value,
)


def _value_text(leaf: Leaf, table: Table) -> pd.Series:
    if leaf.field in table.frame:
        return table.frame[leaf.field].astype(str)
    return pd.Series([""] * len(table))


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reason_words(
    clause: Clause, leaf: Leaf, negated: bool, need: str | None = None
) -> Callable[[str, int], str]:
    """The wording of a leaf's reasons: given the value that made it fail or unknown, and
    the outcome, what the reason says (the sentences are looked up once, not once per value)."""
    label = field_label(leaf.field)
    need = requirement(leaf, negated) if need is None else need
    not_known = _("{label} is not known; clause {clause} requires {need}").format(
        label=label, clause=clause.id, need=need
    )
    partly = _(
        "{label} is {value}, which lies partly inside and partly outside what clause "
        "{clause} requires: {need}"
    )
    failed = _("{label} is {value}; clause {clause} requires {need}")
    # each sentence cut where the value goes (once: then a reason is two concatenations)
    cuts = {
        outcome: template.format(label=label, value="\0", clause=clause.id, need=need).split("\0")
        for outcome, template in ((UNKNOWN_TV, partly), (FALSE, failed))
    }

    def words(value: str, outcome: int) -> str:
        if not is_known(value, leaf.field):
            return not_known
        shown = _shorten(value.strip())
        cut = cuts[UNKNOWN_TV if outcome == UNKNOWN_TV else FALSE]
        if len(cut) == 2:
            return cut[0] + shown + cut[1]
        template = partly if outcome == UNKNOWN_TV else failed  # the value not once in it
        return template.format(label=label, value=shown, clause=clause.id, need=need)

    return words


def reason_text(
    clause: Clause, leaf: Leaf, negated: bool, value: str, outcome: int, need: str | None = None
) -> str:
    """One reason: which value made a leaf fail or unknown, and what the clause requires."""
    return reason_words(clause, leaf, negated, need)(value, outcome)


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


def _spread(inverse: np.ndarray, lists: list[list[str]]) -> list[list[str]]:
    """One list per row (rows of a group share their list object)."""
    shared = np.empty(len(lists), dtype=object)
    for i, item in enumerate(lists):
        shared[i] = item
    return shared[inverse].tolist() if len(inverse) else []


def _flag(rows: np.ndarray, text: str) -> Slot:
    """A slot naming `text` on the rows where `rows` is true."""
    return Slot(rows.astype(np.int8), ["", text])


def _first_only(slots: list[Slot]) -> list[Slot]:
    """Each text once per row, where it first occurs: a flag is cleared on the rows where an
    earlier flag of the same text is set (a gap label repeated across leaves)."""
    seen: dict[str, np.ndarray] = {}
    kept = []
    for slot in slots:
        text, rows = slot.texts[1], slot.codes != 0
        if text in seen:
            kept.append(_flag(rows & ~seen[text], text))
            seen[text] = seen[text] | rows
        else:
            kept.append(slot)
            seen[text] = rows
    return kept


def _lists(slots: list[Slot], n: int) -> Lists:
    """The rows' lists of `slots`, leaving out the slots no row has anything in."""
    return Lists([s for s in slots if s.codes.any()], n)


def _reason_slot(
    outcome: ClauseOutcome, entry: NodeOutcome, table: Table, not_in_scope: np.ndarray
) -> Slot:
    """Why a leaf is not true, on the rows not in scope where it explains its clause: code
    1 + 2 * (index of the row's value) + (1 when unknown, 0 when failed)."""
    leaf = entry.node
    assert isinstance(leaf, Leaf) and entry.leaf_index is not None
    failed = outcome.failed[entry.leaf_index] & not_in_scope
    unknown = outcome.unknown[entry.leaf_index] & not_in_scope
    values, uniques = table.text_codes(leaf.field)
    codes: np.ndarray[Any, np.dtype[np.signedinteger[Any]]] = values.astype(
        np.int32 if len(uniques) < 2**30 else np.int64
    )
    codes *= 2
    codes += 1
    codes += unknown
    codes *= failed | unknown
    size = 1 + 2 * len(uniques)
    words = reason_words(outcome.clause, leaf, entry.negated)
    texts = [""] * size
    for code in np.flatnonzero(np.bincount(codes, minlength=size)).tolist():
        if code:
            outcome_of = UNKNOWN_TV if code % 2 == 0 else FALSE
            texts[code] = words(uniques[(code - 1) // 2], int(outcome_of))
    return Slot(codes, texts)


# --- the whole mandate ----------------------------------------------------------------------


def evaluate(mandate: Mandate, table: Table) -> Evaluation:
    """Decide every valid incident of `table` under `mandate`."""
    n = len(table)
    distinct: Distinct = {}  # each field's distinct values, found once for every leaf
    outcomes = [evaluate_clause(c, table, distinct) for c in mandate.clauses]
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
    status_code = status_code.astype(np.int8)
    status = np.array(STATUS_CODES, dtype=object)[status_code]
    out_of_scope = status_code == 3
    not_in_scope = ~in_scope

    cover_slots: list[Slot] = []
    reason_slots: list[Slot] = []
    for outcome in outcomes:
        clause = outcome.clause
        cover_slots.append(_flag(outcome.values == TRUE, clause.id))
        for entry in outcome.leaf_nodes():
            reason_slots.append(_reason_slot(outcome, entry, table, not_in_scope))
        if not clause.examined:
            note = _(
                "context clause {clause} could not be decided, so it does not make "
                "the incident context_only"
            ).format(clause=clause.id)
            reason_slots.append(_flag((outcome.values == UNKNOWN_TV) & out_of_scope, note))

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
                gap_slots.append(_flag(rows_here & o.failed[k], label))
                unknown_slots.append(_flag(rows_here & o.unknown[k], entry.node.field))
        nearest[in_scope] = -1

    return Evaluation(
        mandate,
        outcomes,
        status,
        nearest,
        status_code,
        {
            "covered_by": _lists(cover_slots, n),
            "gaps": _lists(_first_only(gap_slots), n),
            "unknown": _lists(_first_only(unknown_slots), n),
            "reasons": _lists(reason_slots, n),
        },
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
