"""A small, obviously-correct, per-row evaluator used only to check the vectorized engine."""

from __future__ import annotations

from scope_gap.model import ENUMS, MULTI_VALUED, All, AnyOf, Leaf, Not, compile_pattern, parse_date

T, F, U = "T", "F", "U"


def days_of(text: str) -> set[int] | None:
    """Every day a date text may mean: an interval START/END from the first day START may
    mean to the last day END may mean (not the hull of both)."""
    if not text.strip():
        return None
    parts = text.strip().split("/")
    first = parse_date(parts[0].strip())
    last = parse_date(parts[-1].strip())
    return set(range(first.start, last.end + 1))


def known(field: str, text: str) -> bool:
    text = text.strip()
    return bool(text) and not (field in ENUMS and text == "unknown")


def values(field: str, text: str) -> list[str]:
    if field in MULTI_VALUED:
        return [v.strip() for v in text.split(";") if v.strip()]
    return [text.strip()]


def leaf_value(leaf: Leaf, row: dict[str, str]) -> str:
    text = row.get(leaf.field, "")
    if leaf.op == "missing":
        return T if (not known(leaf.field, text)) == leaf.value else F
    if not known(leaf.field, text):
        return U
    if leaf.field == "date":
        days = days_of(text)
        allowed: set[int] = set()
        for r in leaf.value:
            allowed |= set(range(r.start, r.end + 1))
        if leaf.op == "within":
            return T if days <= allowed else (F if not (days & allowed) else U)
        if leaf.op == "overlaps":
            return T if days & allowed else F
        if leaf.op == "before":
            first = min(allowed)
            return T if max(days) < first else (F if min(days) >= first else U)
        if leaf.op == "after":
            last = max(allowed)
            return T if min(days) > last else (F if max(days) <= last else U)
        raise AssertionError(leaf.op)
    vals = values(leaf.field, text)
    if leaf.op == "equals":
        return T if any(v.casefold() == leaf.value.casefold() for v in vals) else F
    if leaf.op in ("in", "not_in"):
        hit = any(v.casefold() in {w.casefold() for w in leaf.value} for v in vals)
        return (T if hit else F) if leaf.op == "in" else (F if hit else T)
    if leaf.op == "matches":
        pattern = compile_pattern(leaf.value)
        return T if any(pattern.search(v) for v in vals) else F
    raise AssertionError(leaf.op)


def negate(v: str) -> str:
    return {T: F, F: T, U: U}[v]


def node_value(node, row) -> str:
    if isinstance(node, Leaf):
        return leaf_value(node, row)
    if isinstance(node, Not):
        return negate(node_value(node.part, row))
    parts = [node_value(p, row) for p in node.parts]
    if isinstance(node, All):
        return F if F in parts else (U if U in parts else T)
    if isinstance(node, AnyOf):
        return T if T in parts else (U if U in parts else F)
    raise AssertionError(node)


def blamed(node, row, negated=False, counter=None) -> list[tuple[int, str, Leaf, bool]]:
    """Leaves (index, F/U, leaf, negated) that explain why `node` is not true (under negation)."""
    counter = counter if counter is not None else [0]
    out: list[tuple[int, str, Leaf, bool]] = []

    def effective(n, neg):
        v = node_value(n, row)
        return negate(v) if neg else v

    def walk(n, neg, need):
        if isinstance(n, Leaf):
            index = counter[0]
            counter[0] += 1
            v = effective(n, neg)
            if need and v != T:
                out.append((index, v, n, neg))
            return
        if isinstance(n, Not):
            walk(n.part, not neg, need)
            return
        conjunctive = isinstance(n, All) != neg
        for p in n.parts:
            walk(p, neg, need and (effective(p, neg) != T if conjunctive else True))

    walk(node, negated, effective(node, negated) != T)
    return out


def decide_all(mandate, row: dict[str, str], gap_label):
    """(status, covered_by, gaps, unknown) of one row: gaps from the nearest examined clause's
    failed leaves only, unknown the fields of its unknown leaves."""
    values_ = [node_value(c.when, row) for c in mandate.clauses]
    examined = [(c, v) for c, v in zip(mandate.clauses, values_, strict=True) if c.examined]
    context = [(c, v) for c, v in zip(mandate.clauses, values_, strict=True) if not c.examined]
    covered = [c.id for c, v in zip(mandate.clauses, values_, strict=True) if v == T]
    if any(v == T for _, v in examined):
        return "in_scope", covered, [], []
    if any(v == U for _, v in examined):
        status = "indeterminate"
    elif any(v == T for _, v in context):
        status = "context_only"
    else:
        status = "out_of_scope"
    best = None
    for position, (clause, _) in enumerate(examined):
        leaves = blamed(clause.when, row)
        fails = [x for x in leaves if x[1] == F]
        unknowns = [x for x in leaves if x[1] == U]
        key = (len(fails), len(unknowns), position)
        if best is None or key < best[0]:
            best = (key, fails, unknowns)
    gaps: list[str] = []
    unknown: list[str] = []
    if best is not None:
        for _, _, leaf, neg in best[1]:
            label = gap_label(leaf, neg)
            if label not in gaps:
                gaps.append(label)
        for _, _, leaf, _neg in best[2]:
            if leaf.field not in unknown:
                unknown.append(leaf.field)
    return status, covered, gaps, unknown


def decide(mandate, row: dict[str, str], gap_label) -> tuple[str, list[str], list[str]]:
    """(status, covered_by, gaps) of one row."""
    return decide_all(mandate, row, gap_label)[:3]


def reasons(mandate, row: dict[str, str], status: str, reason_text) -> list[str]:
    """The reasons of one row that is not in scope, computed leaf by leaf.

    `reason_text(clause, leaf, negated, value, outcome)` only words a reason (outcome 0 for
    a failed leaf, 1 for an unknown one); which leaves are blamed, and in what order, is
    decided here: every clause in file order, its blamed leaves in file order, then for a
    context clause that is unknown on an out-of-scope row, a note saying so.
    """
    if status == "in_scope":
        return []
    out: list[str] = []
    for clause in mandate.clauses:
        for _, value, leaf, negated in blamed(clause.when, row):
            text = str(row.get(leaf.field, "") or "")
            out.append(reason_text(clause, leaf, negated, text, 0 if value == F else 1))
        if not clause.examined and status == "out_of_scope" and node_value(clause.when, row) == U:
            out.append(
                f"context clause {clause.id} could not be decided, so it does not make "
                "the incident context_only"
            )
    return out
