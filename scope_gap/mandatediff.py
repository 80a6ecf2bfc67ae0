"""How one mandate differs from another, clause by clause and condition by condition.

Each condition is read as the set of values (or of days) it lets through, so that a change is
said as what the mandate now admits and no longer admits. Two clauses are the same when they
admit the same incidents by construction: the order of a list or of the parts of `all`/`any`,
a period renamed with the same days, `equals: x` written `in: [x]`, `not_in` on an enumerated
field written as the `in` of the other values, `not` of `not`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from .i18n import _, format_date, localized, ngettext
from .model import ENUMS, UNKNOWN, All, AnyOf, Clause, Leaf, Mandate, Node, Not, status_label
from .operators import field_label, merge_spans, rule_text

SCHEMA_VERSION = 1
#: the days a date condition can speak of: an open end is written null
FIRST_DAY = dt.date.min.toordinal()
LAST_DAY = dt.date.max.toordinal()
VALUE_OPERATORS = ("equals", "in", "not_in")
RANGE_OPERATORS = ("within", "overlaps")

Days = tuple[tuple[int, int], ...]


# --- sets of values and of days -------------------------------------------------------------


@dataclass(frozen=True)
class Values:
    """A set of text values, or (`co`) every value but these."""

    items: frozenset[str]
    co: bool = False

    def minus(self, other: Values) -> Values:
        if not self.co and not other.co:
            return Values(self.items - other.items)
        if not self.co:
            return Values(self.items & other.items)
        if other.co:
            return Values(other.items - self.items)
        return Values(self.items | other.items, co=True)

    def complement(self) -> Values:
        return Values(self.items, not self.co)


def _merge(spans: Any) -> Days:
    return tuple(merge_spans(list(spans)))


def _complement(days: Days) -> Days:
    out, cursor = [], FIRST_DAY
    for start, end in days:
        if start > cursor:
            out.append((cursor, start - 1))
        cursor = max(cursor, end + 1)
    if cursor <= LAST_DAY:
        out.append((cursor, LAST_DAY))
    return tuple(out)


def _days_minus(a: Days, b: Days) -> Days:
    """The days of `a` that are not in `b`."""
    holes = _complement(b)
    out = []
    for s1, e1 in a:
        for s2, e2 in holes:
            s, e = max(s1, s2), min(e1, e2)
            if s <= e:
                out.append((s, e))
    return _merge(out)


# --- one condition as a set --------------------------------------------------------------------


def _domain(field_name: str) -> frozenset[str]:
    return frozenset(v for v in ENUMS[field_name] if v != UNKNOWN)


def _values(leaf: Leaf) -> Values:
    """What a value leaf (equals, in, not_in) lets through, as a set of values."""
    raw = (leaf.value,) if leaf.op == "equals" else tuple(leaf.value)
    items = frozenset(str(v).casefold() for v in raw)
    co = leaf.op == "not_in"
    if leaf.field in ENUMS:  # a finite set: `not_in` is the `in` of the other values
        domain = _domain(leaf.field)
        return Values(domain - items if co else items & domain)
    return Values(items, co)


def _days(leaf: Leaf) -> Days:
    """What a date leaf lets through, as the days an incident may fall on."""
    if leaf.op in RANGE_OPERATORS:
        return _merge((r.start, r.end) for r in leaf.value)
    if leaf.op == "before":
        first = min(r.start for r in leaf.value)
        return ((FIRST_DAY, first - 1),) if first > FIRST_DAY else ()
    last = max(r.end for r in leaf.value)
    return ((last + 1, LAST_DAY),) if last < LAST_DAY else ()


def leaf_key(leaf: Leaf) -> tuple[Any, ...]:
    """A leaf's meaning, whatever the way it is written."""
    if leaf.op in VALUE_OPERATORS:
        values = _values(leaf)
        return ("values", leaf.field, values.co, tuple(sorted(values.items)))
    if leaf.op in RANGE_OPERATORS or leaf.op in ("before", "after"):
        kind = leaf.op if leaf.op in RANGE_OPERATORS else "bound"
        return (kind, leaf.field, _days(leaf))
    return (leaf.op, leaf.field, leaf.value)


def node_key(node: Node) -> tuple[Any, ...]:
    """A condition tree's meaning up to the order of its parts and nesting that changes
    nothing (an `all` of one part, an `all` inside an `all`, `not` of `not`)."""
    match node:
        case Leaf():
            return ("leaf", leaf_key(node))
        case All(parts) | AnyOf(parts):
            kind = "all" if isinstance(node, All) else "any"
            keys: set[tuple[Any, ...]] = set()
            for part in parts:
                key = node_key(part)
                keys.update(key[1] if key[0] == kind else (key,))
            if len(keys) == 1:
                return next(iter(keys))
            return (kind, tuple(sorted(keys, key=repr)))
        case Not(part):
            inner = node_key(part)
            if inner[0] == "not":
                return inner[1]  # type: ignore[no-any-return]
            if inner[0] == "leaf" and inner[1][0] == "values":
                _kind, name, co, items = inner[1]
                if name in ENUMS:
                    rest = tuple(sorted(_domain(name) - set(items)))
                    return ("leaf", ("values", name, False, rest))
                return ("leaf", ("values", name, not co, items))
            return ("not", inner)
        case _:
            raise TypeError(f"not a condition node: {node!r}")


# --- leaves in their places --------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A leaf, where it sits in its clause (`when.all[2]`), and how it counts there."""

    path: str
    leaf: Leaf
    negated: bool  # under an odd number of `not`
    narrows: bool  # True when it sits (in effect) in an `all`: adding it admits less

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.negated, leaf_key(self.leaf))


def _walk(node: Node, path: str = "when") -> list[tuple[Node, str, bool, bool]]:
    """Every node of a tree in pre-order (the order `explain` shows them), with its path, whether
    it sits under an odd number of `not`, and whether it narrows what its clause admits."""
    out: list[tuple[Node, str, bool, bool]] = []

    def walk(n: Node, where: str, negated: bool, narrows: bool) -> None:
        out.append((n, where, negated, narrows))
        match n:
            case Leaf():
                pass
            case All(parts) | AnyOf(parts):
                kind = "all" if isinstance(n, All) else "any"
                # under an odd number of `not`, an `all` acts as an `any` (De Morgan)
                for i, part in enumerate(parts):
                    walk(part, f"{where}.{kind}[{i}]", negated, (kind == "all") != negated)
            case Not(part):
                walk(part, f"{where}.not", not negated, narrows)
            case _:
                raise TypeError(f"not a condition node: {n!r}")

    walk(node, path, False, True)
    return out


def node_paths(node: Node) -> list[str]:
    """The path of every node of a condition tree, in pre-order: `when`, `when.all[0]`,
    `when.all[1].not`... (the YAML keys and list positions, from 0, that lead to it)."""
    return [path for _node, path, _negated, _narrows in _walk(node)]


def places(node: Node) -> list[Place]:
    """Every leaf of a condition tree in file order, with its path as `explain` names it."""
    return [
        Place(path, n, negated, narrows)
        for n, path, negated, narrows in _walk(node)
        if isinstance(n, Leaf)
    ]


def admitted(place: Place) -> Values | Days | None:
    """What the leaf lets its clause admit, under its `not`s; None when it cannot be listed
    (`matches`, `missing`)."""
    leaf = place.leaf
    if leaf.op in VALUE_OPERATORS:
        values = _values(leaf)
        if place.negated:
            values = values.complement()
            if leaf.field in ENUMS:
                values = Values(_domain(leaf.field) - values.items)
        return values
    if leaf.field == "date" and leaf.op != "missing":
        days = _days(leaf)
        return _complement(days) if place.negated else days
    return None


def _difference(a: Values | Days | None, b: Values | Days | None) -> Values | Days | None:
    """What `a` lets through and `b` does not."""
    if isinstance(a, Values) and isinstance(b, Values):
        return a.minus(b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return _days_minus(a, b)
    return None


def _everything_but(value: Values | Days | None, field_name: str) -> Values | Days | None:
    if isinstance(value, Values):
        if field_name in ENUMS:
            return Values(_domain(field_name) - value.items)
        return value.complement()
    if isinstance(value, tuple):
        return _complement(value)
    return None


# --- the difference ----------------------------------------------------------------------------


def _iso(day: int) -> str | None:
    return None if day in (FIRST_DAY, LAST_DAY) else dt.date.fromordinal(day).isoformat()


def _spellings(*leaves: Leaf) -> dict[str, str]:
    """Each value as first written (enumerated values in their table's order), by its
    case-folded form: the order in which changes list values."""
    out: dict[str, str] = {}
    for leaf in leaves:
        if leaf.field in ENUMS:
            return {v: v for v in ENUMS[leaf.field]}
        if leaf.op in VALUE_OPERATORS:
            for v in (leaf.value,) if leaf.op == "equals" else leaf.value:
                out.setdefault(str(v).casefold(), str(v))
    return out


def _listed(value: Values, spelled: dict[str, str]) -> list[str]:
    order = {key: i for i, key in enumerate(spelled)}
    keys = sorted(value.items, key=lambda k: (order.get(k, len(order)), k))
    return [spelled.get(k, k) for k in keys]


def _as_json(value: Values | Days | None, spelled: dict[str, str]) -> list[Any] | None:
    if isinstance(value, Values):
        return None if value.co else _listed(value, spelled)
    if isinstance(value, tuple):
        return [[_iso(s), _iso(e)] for s, e in value]
    return None


@dataclass
class LeafChange:
    path: str
    field: str
    op: str  # the operator after (before, for a condition removed)
    before: Any
    after: Any
    admits: Values | Days | None
    no_longer_admits: Values | Days | None
    #: periods named on both sides whose dates moved
    periods: list[str] = dataclasses.field(default_factory=list)
    spelled: dict[str, str] = dataclasses.field(default_factory=dict)  # values as written, in order
    op_before: str | None = None  # the operator before, when it changed

    @property
    def op_words(self) -> str:
        return f"{self.op_before} → {self.op}" if self.op_before else self.op

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "field": self.field,
            "op": self.op,
            # when the operator changed, `before` names its own: {equals: federal}
            "before": {self.op_before: self.before} if self.op_before else self.before,
            "after": self.after,
            "admits": _as_json(self.admits, self.spelled),
            "no_longer_admits": _as_json(self.no_longer_admits, self.spelled),
        }


@dataclass
class ClauseChange:
    id: str
    change: str  # added, removed, changed, same
    before: Clause | None
    after: Clause | None
    leaves: list[LeafChange] = dataclasses.field(default_factory=list)
    regrouped: bool = False  # the conditions are combined differently, not only changed

    @property
    def coverage(self) -> list[str | None]:
        return [c.coverage.value if c else None for c in (self.before, self.after)]

    @property
    def text(self) -> list[str | None]:
        return [c.text if c else None for c in (self.before, self.after)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "change": self.change,
            "coverage": self.coverage,
            "text": self.text,
            "leaves": [leaf.to_dict() for leaf in self.leaves],
        }


@dataclass
class PeriodChange:
    name: str
    change: str  # added, removed, changed, same
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "change": self.change,
            "before": self.before,
            "after": self.after,
        }


@dataclass
class MandateDiff:
    """How mandate `b` differs from mandate `a`."""

    a: Mandate
    b: Mandate
    periods: list[PeriodChange]
    clauses: list[ClauseChange]
    #: (id, status under a, status under b) of incidents whose status changes, when asked
    incidents: list[tuple[str, str, str]] | None = None
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def differs(self) -> bool:
        return (
            any(c.change != "same" for c in self.clauses)
            or any(p.change != "same" for p in self.periods)
            or bool(self.incidents)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "a": _head(self.a),
            "b": _head(self.b),
            "periods": [p.to_dict() for p in self.periods],
            "clauses": [c.to_dict() for c in self.clauses],
            "incidents": [
                {"id": i, "before": before, "after": after}
                for i, before, after in (self.incidents or [])
            ],
        }

    def lines(self) -> list[str]:
        """The difference in plain words, for the terminal."""
        return describe(self)


def _head(mandate: Mandate) -> dict[str, Any]:
    return {"id": mandate.id, "title": mandate.title, "sha256": mandate.sha256}


def _period_dict(mandate: Mandate, name: str) -> dict[str, Any]:
    period = mandate.periods[name]
    return {"name": name, **period.to_dict()}


def diff_periods(a: Mandate, b: Mandate) -> list[PeriodChange]:
    """Every period of either mandate: added, removed, changed (days or label) or the same;
    a period of `a` only and one of `b` only with the same days are one period renamed."""
    only_a = [n for n in a.periods if n not in b.periods]
    only_b = [n for n in b.periods if n not in a.periods]
    renamed: dict[str, str] = {}
    for name in only_a:
        pa = a.periods[name]
        for candidate in only_b:
            pb = b.periods[candidate]
            if (pa.start, pa.end) == (pb.start, pb.end) and candidate not in renamed.values():
                renamed[name] = candidate
                break
    out: list[PeriodChange] = []
    for name in a.periods:
        other: str | None = name if name in b.periods else renamed.get(name)
        before = _period_dict(a, name)
        if other is None:
            out.append(PeriodChange(name, "removed", before, None))
            continue
        after = _period_dict(b, other)
        pa, pb = a.periods[name], b.periods[other]
        same = (pa.start, pa.end, pa.label, pa.label_fr) == (
            pb.start,
            pb.end,
            pb.label,
            pb.label_fr,
        )
        out.append(PeriodChange(other, "same" if same else "changed", before, after))
    for name in only_b:
        if name not in renamed.values():
            out.append(PeriodChange(name, "added", None, _period_dict(b, name)))
    return out


def _source(place: Place) -> Any:
    return place.leaf.source


def _moved_periods(pa: Place, pb: Place, a: Mandate, b: Mandate) -> list[str]:
    if pa.leaf.field != "date" or pa.leaf.op == "missing" or pb.leaf.op == "missing":
        return []
    names_a = {r.name for r in pa.leaf.value if r.name}
    names_b = {r.name for r in pb.leaf.value if r.name}
    return sorted(
        n
        for n in names_a & names_b
        if (a.periods[n].start, a.periods[n].end) != (b.periods[n].start, b.periods[n].end)
    )


def _pair(pa: Place, pb: Place, a: Mandate, b: Mandate) -> LeafChange:
    before, after = admitted(pa), admitted(pb)
    return LeafChange(
        path=pb.path,
        field=pb.leaf.field,
        op=pb.leaf.op,
        op_before=pa.leaf.op if pa.leaf.op != pb.leaf.op else None,
        before=_source(pa),
        after=_source(pb),
        admits=_difference(after, before),
        no_longer_admits=_difference(before, after),
        periods=_moved_periods(pa, pb, a, b),
        spelled=_spellings(pb.leaf, pa.leaf),
    )


def _lone(place: Place, added: bool) -> LeafChange:
    """A condition that is on one side only: in an `all` it narrows what the clause admits,
    in an `any` it widens it."""
    lets = admitted(place)
    shut = _everything_but(lets, place.leaf.field)
    widens = not place.narrows
    if added:
        admits, no_longer = (lets, None) if widens else (None, shut)
    else:
        admits, no_longer = (shut, None) if not widens else (None, lets)
    empty: Values | Days = Values(frozenset()) if isinstance(lets, Values) else ()
    return LeafChange(
        path=place.path,
        field=place.leaf.field,
        op=place.leaf.op,
        before=None if added else _source(place),
        after=_source(place) if added else None,
        admits=admits if admits is not None else (empty if lets is not None else None),
        no_longer_admits=(
            no_longer if no_longer is not None else (empty if lets is not None else None)
        ),
        spelled=_spellings(place.leaf),
    )


def diff_conditions(ca: Clause, cb: Clause, a: Mandate, b: Mandate) -> list[LeafChange]:
    """The leaves that differ between two versions of a clause, paired field by field."""
    left, right = places(ca.when), places(cb.when)
    unmatched_b = list(range(len(right)))
    rest_a: list[Place] = []
    for pa in left:  # the same condition on both sides, wherever it sits now
        hit = next((j for j in unmatched_b if right[j].key == pa.key), None)
        if hit is None:
            rest_a.append(pa)
        else:
            unmatched_b.remove(hit)
    changes: list[LeafChange] = []
    for pa in rest_a:
        candidates = [
            j
            for j in unmatched_b
            if right[j].leaf.field == pa.leaf.field and right[j].negated == pa.negated
        ]
        if candidates:
            j = next((j for j in candidates if right[j].path == pa.path), candidates[0])
            unmatched_b.remove(j)
            changes.append(_pair(pa, right[j], a, b))
        else:
            changes.append(_lone(pa, added=False))
    changes += [_lone(right[j], added=True) for j in unmatched_b]
    return changes


def diff_mandates(a: Mandate, b: Mandate) -> MandateDiff:
    """How `b` differs from `a`: periods, then clauses in `a`'s order, then `b`'s new ones."""
    clauses: list[ClauseChange] = []
    b_ids = {c.id: c for c in b.clauses}
    for ca in a.clauses:
        cb = b_ids.get(ca.id)
        if cb is None:
            clauses.append(ClauseChange(ca.id, "removed", ca, None))
            continue
        same_tree = node_key(ca.when) == node_key(cb.when)
        leaves = [] if same_tree else diff_conditions(ca, cb, a, b)
        same_words = (ca.coverage, ca.text, ca.text_fr) == (cb.coverage, cb.text, cb.text_fr)
        change = "same" if same_tree and same_words else "changed"
        clauses.append(
            ClauseChange(ca.id, change, ca, cb, leaves, regrouped=not same_tree and not leaves)
        )
    a_ids = {c.id for c in a.clauses}
    clauses += [ClauseChange(c.id, "added", None, c) for c in b.clauses if c.id not in a_ids]
    return MandateDiff(a, b, diff_periods(a, b), clauses)


# --- in plain words ------------------------------------------------------------------------------


def _day(day: int) -> str:
    return format_date(dt.date.fromordinal(day))


def _span(start: int, end: int) -> str:
    if start == FIRST_DAY:
        return _("until {end}").format(end=_day(end))
    if end == LAST_DAY:
        return _("from {start}").format(start=_day(start))
    if start == end:
        return _day(start)
    return _("{start} to {end}").format(start=_day(start), end=_day(end))


def _words(value: Values | Days, spelled: dict[str, str]) -> str:
    if isinstance(value, Values):
        shown = ", ".join(_listed(value, spelled))
        return _("any value other than {values}").format(values=shown) if value.co else shown
    return ", ".join(_span(s, e) for s, e in value)


def _empty(value: Values | Days | None) -> bool:
    if isinstance(value, Values):
        return not value.items and not value.co
    return value is not None and not value


def _written(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_written(v) for v in value) + "]"
    return str(value)


def leaf_line(change: LeafChange) -> str:
    """One changed condition in words: `level: now also provincial, municipal`."""
    label = field_label(change.field)
    parts = []
    if change.admits is None and change.no_longer_admits is None:
        before = _written(change.before) if change.before is not None else "—"
        after = _written(change.after) if change.after is not None else "—"
        op = change.op_words
        parts.append(_("{op} {before} is now {after}").format(op=op, before=before, after=after))
    else:
        if change.admits is not None and not _empty(change.admits):
            parts.append(
                _("now also {values}").format(values=_words(change.admits, change.spelled))
            )
        if change.no_longer_admits is not None and not _empty(change.no_longer_admits):
            parts.append(
                _("no longer {values}").format(
                    values=_words(change.no_longer_admits, change.spelled)
                )
            )
        if not parts:
            op = change.op_words
            parts.append(
                _("the same days, now with {op} (was {before})").format(
                    op=op, before=_written(change.before)
                )
            )
    if change.periods:
        parts.append(
            ngettext("period {names} moved", "periods {names} moved", len(change.periods)).format(
                names=", ".join(change.periods)
            )
        )
    if change.before is None:
        parts.insert(
            0, _("new condition {op} {value}").format(op=change.op, value=_written(change.after))
        )
    elif change.after is None:
        parts.insert(
            0,
            _("condition {op} {value} removed").format(op=change.op, value=_written(change.before)),
        )
    return _("{field}: {changes}").format(field=label, changes="; ".join(parts))


def _coverage_word(value: str | None) -> str:
    return {"examined": _("examined"), "context": _("context only")}.get(value or "", "")


def _period_span(entry: dict[str, Any]) -> str:
    start = dt.date.fromisoformat(entry["start"]).toordinal()
    end = dt.date.fromisoformat(entry["end"]).toordinal()
    return _span(start, end)


def period_line(change: PeriodChange) -> str | None:
    if change.change == "added":
        assert change.after is not None
        return _("period {name} added: {span}").format(
            name=change.name, span=_period_span(change.after)
        )
    if change.change == "removed":
        assert change.before is not None
        return _("period {name} removed (was {span})").format(
            name=change.name, span=_period_span(change.before)
        )
    assert change.before is not None and change.after is not None
    renamed = change.before["name"] != change.after["name"]
    if change.change == "same":
        if not renamed:
            return None
        return _("period {old} renamed {name} (same days)").format(
            old=change.before["name"], name=change.name
        )
    if (change.before["start"], change.before["end"]) != (
        change.after["start"],
        change.after["end"],
    ):
        return _("period {name}: now {span} (was {old})").format(
            name=change.name,
            span=_period_span(change.after),
            old=_period_span(change.before),
        )
    return _("period {name}: label now \u201c{label}\u201d").format(
        name=change.name, label=change.after.get("label") or ""
    )


def clause_heading(change: ClauseChange) -> str:
    clause = change.after or change.before
    assert clause is not None
    ref = f" {clause.ref}" if clause.ref else ""
    words = {
        "added": _("added"),
        "removed": _("removed"),
        "changed": _("changed"),
        "same": _("unchanged"),
    }[change.change]
    return _("Clause {id}{ref}: {change}").format(id=change.id, ref=ref, change=words)


def clause_lines(change: ClauseChange) -> list[str]:
    """The details of a clause that is added, removed or changed."""
    out: list[str] = []
    if change.change in ("added", "removed"):
        clause = change.after or change.before
        assert clause is not None
        out.append(_("coverage: {coverage}").format(coverage=_coverage_word(clause.coverage.value)))
        out.append(_("when: {rule}").format(rule=rule_text(clause.when)))
        return out
    assert change.before is not None and change.after is not None
    before, after = change.coverage
    if before != after:
        out.append(
            _("coverage: now {after} (was {before})").format(
                after=_coverage_word(after), before=_coverage_word(before)
            )
        )
    if localized(change.before, "text") != localized(change.after, "text"):
        out.append(_("text: now \u201c{text}\u201d").format(text=localized(change.after, "text")))
    out += [leaf_line(leaf) for leaf in change.leaves]
    if change.regrouped:
        out.append(
            _("conditions combined differently: {before} is now {after}").format(
                before=rule_text(change.before.when), after=rule_text(change.after.when)
            )
        )
    return out


def status_word(code: str) -> str:
    return status_label(code)


def describe(diff: MandateDiff) -> list[str]:
    """The difference in plain words, one line each (details indented)."""
    a, b = diff.a, diff.b
    lines = [
        _("{a} \u2192 {b}").format(a=f"{a.path or a.id} ({a.id})", b=f"{b.path or b.id} ({b.id})")
    ]
    if localized(a, "title") != localized(b, "title"):
        lines.append(_("title: now \u201c{title}\u201d").format(title=localized(b, "title")))
    if not diff.differs:
        lines.append(_("The two mandates admit the same incidents: no clause or period differs."))
    for period in diff.periods:
        line = period_line(period)
        if line:
            lines.append(line)
    same = [c.id for c in diff.clauses if c.change == "same"]
    for change in diff.clauses:
        if change.change == "same":
            continue
        lines.append(clause_heading(change))
        lines += [f"  {line}" for line in clause_lines(change)]
    if same and len(same) < len(diff.clauses):
        lines.append(
            ngettext("Clause {ids}: unchanged", "Clauses {ids}: unchanged", len(same)).format(
                ids=", ".join(same)
            )
        )
    if diff.incidents is not None:
        n = len(diff.incidents)
        if n:
            lines.append(
                ngettext(
                    "{count} incident changes status:", "{count} incidents change status:", n
                ).format(count=n)
            )
            lines += [
                f"  {i}: {status_word(before)} \u2192 {status_word(after)}"
                for i, before, after in diff.incidents
            ]
        else:
            lines.append(_("No incident changes status."))
    return lines
