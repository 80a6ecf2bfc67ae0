"""`amend`: the smallest changes to a mandate's rules that would bring chosen incidents in scope.

Only relaxations of leaves that are false for a chosen incident, in an examined clause, and not
under `not` are considered: adding values to `in` (turning `equals` into `in`), removing values
from `not_in`, widening or adding a range in `within`/`overlaps`, moving a `before`/`after`
bound. A `within` leaf that is unknown only because an imprecise date lies partly outside may be
widened too; a leaf unknown because a value is missing is never fixed.

An amendment set is minimal when it changes the fewest leaves, then brings the fewest unchosen
incidents into scope, then changes the fewest clauses. The search is exact over subsets of the
candidate leaves up to EXACT_LIMIT of them, greedy (and said to be approximate) beyond.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import yaml

from .analysis import Analysis
from .engine import FALSE, TRUE, UNKNOWN_TV, condition_text, evaluate, rule_text
from .errors import ScopeGapError, did_you_mean
from .i18n import _, format_number, ngettext, use_language
from .model import MULTI_VALUED, All, AnyOf, Leaf, Mandate, Node, Not, Status, split_multi
from .rules import parse_mandate_text

RELAXABLE = ("equals", "in", "not_in", "within", "overlaps", "before", "after")
EXACT_LIMIT = 16
COVERABLE_STATUSES = ("context_only", "out_of_scope", "indeterminate")

LeafKey = tuple[int, int]  # (clause index, leaf index in pre-order)


class AmendError(ScopeGapError):
    """The incidents to cover cannot be chosen as asked."""


@dataclass
class Amendment:
    clause: str
    key: LeafKey
    leaf: dict[str, Any]  # as in the file
    before: dict[str, Any]  # {op: value} before
    after: dict[str, Any]  # {op: value} after
    reason: str
    brings_in: list[str] = field(default_factory=list)
    also_brings_in: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "leaf": self.leaf,
            "before": self.before,
            "after": self.after,
            "brings_in": self.brings_in,
            "also_brings_in": self.also_brings_in,
        }


@dataclass
class AmendResult:
    """The amendments, the amended mandate and what stays uncovered."""

    analysis: Analysis
    amended: Mandate
    amended_yaml: str
    chosen: list[str]
    amendments: list[Amendment]
    uncovered: list[dict[str, str]]
    exact: bool = True
    uses: dict[LeafKey, list[int]] = field(default_factory=dict)  # changed leaf -> rows it covers
    warnings: list[str] = field(default_factory=list)
    command: str | None = None

    kind: ClassVar[str] = "amendment"  # its renderers' key in reports.RENDERERS

    @property
    def mandate(self) -> Mandate:
        return self.analysis.mandate

    @property
    def read(self) -> frozenset[tuple[int, int]]:
        """The files read to make it, by (device, inode)."""
        return self.analysis.read

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "mandate": self.mandate.header(),
            "chosen": self.chosen,
            "amendments": [a.to_dict() for a in self.amendments],
            "uncovered": self.uncovered,
        }

    def summary_lines(self, uncovered_limit: int | None = None) -> list[str]:
        """The amendments in plain words, one line each (at most `uncovered_limit` of the
        incidents that cannot be covered; the JSON lists them all)."""
        lines = []
        if not self.exact:
            lines.append(
                _(
                    "note: too many candidate changes for an exact search; this answer is "
                    "approximate (greedy) and may not be the smallest"
                )
            )
        for a in self.amendments:
            chosen, others = len(a.brings_in), len(a.also_brings_in)
            lines.append(
                _("Clause {clause}: {reason} — brings in {chosen} and {others}").format(
                    clause=a.clause,
                    reason=a.reason,
                    chosen=ngettext(
                        "{count} chosen incident", "{count} chosen incidents", chosen
                    ).format(count=chosen),
                    others=ngettext("{count} other", "{count} others", others).format(count=others),
                )
            )
        if not self.amendments:
            lines.append(
                _("No change to the rules is needed or possible for the chosen incidents.")
            )
        shown = self.uncovered if uncovered_limit is None else self.uncovered[:uncovered_limit]
        for item in shown:
            lines.append(_("cannot cover {id}: {why}").format(id=item["id"], why=item["why"]))
        if len(shown) < len(self.uncovered):
            rest = len(self.uncovered) - len(shown)
            lines.append(
                _("… and {count} more that cannot be covered (listed in the JSON)").format(
                    count=format_number(rest)
                )
            )
        return lines


# --- small helpers ---------------------------------------------------------------------------


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


def _tree_value(node: Node, value_of: dict[int, int], counter: list[int]) -> int:
    """Kleene value of a tree for one incident, leaves looked up in pre-order."""
    match node:
        case Leaf():
            index = counter[0]
            counter[0] += 1
            return value_of[index]
        case All(parts):
            return min([_tree_value(p, value_of, counter) for p in parts])
        case AnyOf(parts):
            return max([_tree_value(p, value_of, counter) for p in parts])
        case Not(part):
            return int(TRUE) - _tree_value(part, value_of, counter)
        case _:
            raise TypeError(f"not a condition node: {node!r}")


def _leaf_dicts(node: Node) -> list[dict[str, Any]]:
    return [leaf.to_dict() for leaf, _ in _leaves(node)]


def _leaves(node: Node) -> list[tuple[Leaf, bool]]:
    from .model import leaves

    return leaves(node)


def _replace_leaves(
    tree: dict[str, Any], replacements: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """A `when` dict with leaves (by pre-order index) replaced."""
    counter = [0]

    def walk(node: dict[str, Any]) -> dict[str, Any]:
        if "all" in node:
            return {"all": [walk(p) for p in node["all"]]}
        if "any" in node:
            return {"any": [walk(p) for p in node["any"]]}
        if "not" in node:
            return {"not": walk(node["not"])}
        index = counter[0]
        counter[0] += 1
        return replacements.get(index, node)

    return walk(tree)


# --- the search ------------------------------------------------------------------------------


class _Search:
    def __init__(self, analysis: Analysis, chosen_rows: list[int]):
        self.analysis = analysis
        self.mandate = analysis.mandate
        self.table = analysis.table
        self.rows = chosen_rows
        self.examined = [i for i, c in enumerate(self.mandate.clauses) if c.examined]
        self.leaf_info: dict[int, list[tuple[Leaf, bool]]] = {
            c: _leaves(self.mandate.clauses[c].when) for c in self.examined
        }
        self.values: dict[int, dict[int, np.ndarray]] = {}
        for c in self.examined:
            outcome = analysis.evaluation.clauses[c]
            self.values[c] = {
                e.leaf_index: e.values for e in outcome.nodes if e.leaf_index is not None
            }

    def candidate(self, c: int, k: int, row: int) -> bool:
        leaf, negated = self.leaf_info[c][k]
        if negated or leaf.op not in RELAXABLE:
            return False
        value = self.values[c][k][row]
        if value == FALSE:
            return True
        date_known = self.table.date_start[row] != -1
        return bool(value == UNKNOWN_TV and leaf.op == "within" and date_known)

    def fix_sets(self, row: int) -> list[tuple[int, frozenset[LeafKey]]]:
        """Inclusion-minimal sets of leaves whose relaxation makes some examined clause true."""
        found: list[tuple[int, frozenset[LeafKey]]] = []
        for c in self.examined:
            n_leaves = len(self.leaf_info[c])
            base = {k: int(self.values[c][k][row]) for k in range(n_leaves)}
            candidates = [k for k in range(n_leaves) if self.candidate(c, k, row)]
            minimal: list[frozenset[int]] = []
            for size in range(len(candidates) + 1):
                for subset in itertools.combinations(candidates, size):
                    chosen = frozenset(subset)
                    if any(m <= chosen for m in minimal):
                        continue
                    values = dict(base)
                    for k in chosen:
                        values[k] = int(TRUE)
                    if _tree_value(self.mandate.clauses[c].when, values, [0]) == TRUE:
                        minimal.append(chosen)
            found += [(c, frozenset((c, k) for k in m)) for m in minimal]
        return found

    def why_uncovered(self, row: int) -> str:
        """What stands in the way: unknown values, or conditions no relaxation can change."""
        parts: list[str] = []
        record = (
            self.analysis.incidents[self.rows_index[row]] if hasattr(self, "rows_index") else None
        )
        del record
        for c in self.examined:
            clause = self.mandate.clauses[c]
            for k, (leaf, negated) in enumerate(self.leaf_info[c]):
                value = self.values[c][k][row]
                effective = int(TRUE) - int(value) if negated else int(value)
                if effective == TRUE or self.candidate(c, k, row):
                    continue
                if value == UNKNOWN_TV:
                    text = _("{field} is not known (clause {clause}: {condition})").format(
                        field=leaf.field, clause=clause.id, condition=condition_text(leaf)
                    )
                else:
                    text = _("clause {clause}: {condition} cannot be relaxed").format(
                        clause=clause.id, condition=condition_text(leaf)
                    )
                if text not in parts:
                    parts.append(text)
        return "; ".join(parts) or _(
            "no examined clause can be made true by relaxing its conditions"
        )


def _values_of(leaf: Leaf, text: str) -> list[str]:
    if leaf.field in MULTI_VALUED:
        return split_multi(text)
    return [text.strip()]


def _relax(
    mandate: Mandate, key: LeafKey, leaf: Leaf, rows: list[int], analysis: Analysis
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The least change of `leaf` that makes it true for every row: (leaf dict, after, words)."""
    table = analysis.table
    original = leaf.to_dict()
    new = dict(original)
    op = leaf.op
    if op in ("equals", "in", "not_in"):
        column = table.frame[leaf.field].astype(str).tolist()
        old = [leaf.value] if op == "equals" else list(leaf.value)
        if op == "not_in":
            drop: list[str] = []
            for r in rows:
                drop += [
                    v
                    for v in _values_of(leaf, column[r])
                    if v.casefold() in {o.casefold() for o in old}
                ]
            kept = [o for o in old if o.casefold() not in {d.casefold() for d in drop}]
            if not kept:
                del new["not_in"]
                new["missing"] = False
                words = _("drop the exclusion of {values} from {field} (any known value)").format(
                    values=", ".join(old), field=leaf.field
                )
            else:
                new["not_in"] = kept
                words = _("stop excluding {values} from {field}").format(
                    values=", ".join(o for o in old if o not in kept), field=leaf.field
                )
            after = {k: v for k, v in new.items() if k not in ("field", "gap", "gap_fr")}
            return new, after, words
        added: list[str] = []
        for r in rows:
            values = _values_of(leaf, column[r])
            if any(v.casefold() in {o.casefold() for o in old + added} for v in values):
                continue
            added.append(values[0])
        new.pop(op, None)
        items = list(new.items())
        new = {"field": leaf.field, "in": old + added, **{k: v for k, v in items if k != "field"}}
        words = _("add {values} to {field}").format(
            values=_(" and ").join(f"`{a}`" for a in added), field=leaf.field
        )
        if op == "equals":
            words += _(" (equals {value} becomes in)").format(value=old[0])
        return new, {"in": old + added}, words
    starts = [int(table.date_start[r]) for r in rows]
    ends = [int(table.date_end[r]) for r in rows]
    if op in ("before", "after"):
        if op == "before":
            bound = _iso(max(ends) + 1)
        else:
            bound = _iso(min(starts) - 1)
        new[op] = bound
        words = _("move the {op} bound of date to {bound}").format(op=op, bound=bound)
        return new, {op: bound}, words
    # within / overlaps: add the named period that fits best, else the incidents' own intervals
    source = (
        leaf.source
        if isinstance(leaf.source, list) and not _is_pair(leaf.source)
        else [leaf.source]
    )
    existing = list(source)
    used = {r.name for r in leaf.value if r.name}
    added_items: list[Any] = []
    pairs: list[list[int]] = []
    for s, e in sorted(zip(starts, ends, strict=True)):
        if _covered(s, e, leaf, added_items, mandate, op):
            continue
        period = _best_period(mandate, s, e, op, used)
        if period is not None:
            added_items.append(period)
            used.add(period)
            continue
        if pairs and s <= pairs[-1][1] + 1:
            pairs[-1][1] = max(pairs[-1][1], e)
        else:
            pairs.append([s, e])
    added_items += [[_iso(a), _iso(b)] for a, b in pairs]
    value = existing + added_items
    new[op] = value
    shown = ", ".join(
        str(i) if isinstance(i, str) else _("{start} to {end}").format(start=i[0], end=i[1])
        for i in added_items
    )
    return new, {op: value}, _("widen date ({op}) to include {values}").format(op=op, values=shown)


def _is_pair(value: list[Any]) -> bool:
    return (
        len(value) == 2
        and all(not isinstance(v, list) for v in value)
        and all(isinstance(v, str) and v[:4].isdigit() for v in value)
    )


def _covered(s: int, e: int, leaf: Leaf, added: list[Any], mandate: Mandate, op: str) -> bool:
    spans = [(r.start, r.end) for r in leaf.value]
    for item in added:
        if isinstance(item, str):
            p = mandate.periods[item]
            spans.append((p.start, p.end))
    if op == "overlaps":
        return any(a <= e and s <= b for a, b in spans)
    days = set(range(s, e + 1))
    for a, b in spans:
        days -= set(range(max(a, s), min(b, e) + 1))
    return not days


def _best_period(mandate: Mandate, s: int, e: int, op: str, used: set[str]) -> str | None:
    fits = []
    for name, p in mandate.periods.items():
        if name in used:
            continue
        ok = (p.start <= s and e <= p.end) if op == "within" else (p.start <= e and s <= p.end)
        if ok:
            fits.append((p.end - p.start, name))
    return min(fits)[1] if fits else None


def choose_rows(analysis: Analysis, cover: list[str], cover_status: list[str]) -> list[int]:
    """Row indices of the incidents to cover, from ids and statuses."""
    ids = [str(r["id"]).strip() for r in analysis.incidents]
    rows: list[int] = []
    for wanted in cover:
        wanted = wanted.strip()
        if wanted not in ids:
            invalid = [r for r in analysis.invalid if str(r.fields.get("id", "")).strip() == wanted]
            if invalid:
                raise AmendError(
                    _("incident '{id}' is an invalid row and cannot be covered").format(id=wanted)
                )
            raise AmendError(
                _("no incident with id '{id}'").format(id=wanted) + did_you_mean(wanted, ids)
            )
        rows.append(ids.index(wanted))
    for status in cover_status:
        if status not in COVERABLE_STATUSES:
            raise AmendError(
                _("cannot cover status '{status}'").format(status=status)
                + _("{suggestion}; expected one of: {statuses}").format(
                    suggestion=did_you_mean(status, COVERABLE_STATUSES),
                    statuses=", ".join(COVERABLE_STATUSES),
                )
            )
        rows += [i for i, r in enumerate(analysis.incidents) if r["status"] == status]
    return sorted(dict.fromkeys(rows))


def amend_analysis(
    analysis: Analysis, cover: list[str], cover_status: list[str], exact_limit: int = EXACT_LIMIT
) -> AmendResult:
    """Find the smallest amendment set for the chosen incidents of an analysis."""
    rows = choose_rows(analysis, cover, cover_status)
    if not rows:
        raise AmendError(_("no incidents chosen: give --cover ID or --cover-status STATUS"))
    status = analysis.evaluation.status
    need = [r for r in rows if status[r] != Status.IN_SCOPE.value]
    search = _Search(analysis, need)
    options: dict[int, list[tuple[int, frozenset[LeafKey]]]] = {}
    uncovered = []
    ids = [r["id"] for r in analysis.incidents]
    for r in need:
        fixes = search.fix_sets(r)
        if fixes:
            options[r] = fixes
        else:
            uncovered.append({"id": ids[r], "why": search.why_uncovered(r)})
    universe = sorted({k for fixes in options.values() for _, s in fixes for k in s})
    exact = len(universe) <= exact_limit
    best: tuple[tuple[int, int, int], Mandate, str, dict[LeafKey, list[int]]] | None = None
    chosen_set = set(rows)

    def assign(leaf_set: frozenset[LeafKey]) -> dict[LeafKey, list[int]] | None:
        uses: dict[LeafKey, list[int]] = {}
        for r, fixes in options.items():
            fitting = [f for f in fixes if f[1] <= leaf_set]
            if not fitting:
                return None
            _size, fix = min(fitting, key=lambda f: (len(f[1]), f[0], sorted(f[1])))
            for key in fix:
                uses.setdefault(key, []).append(r)
        return uses

    def score(uses: dict[LeafKey, list[int]]) -> tuple[tuple[int, int, int], Mandate, str]:
        amended, text = build_amended(analysis, uses)
        ev = evaluate(amended, analysis.table)
        newly = (ev.status == Status.IN_SCOPE.value) & (status != Status.IN_SCOPE.value)
        others = sum(1 for i in np.flatnonzero(newly) if i not in chosen_set)
        return (len(uses), others, len({k[0] for k in uses})), amended, text

    if options:
        if exact:
            for size in range(1, len(universe) + 1):
                for subset in itertools.combinations(universe, size):
                    uses = assign(frozenset(subset))
                    if uses is None or len(uses) < size:
                        continue  # a smaller set would do: found at an earlier size
                    key, amended, text = score(uses)
                    if best is None or key < best[0]:
                        best = (key, amended, text, uses)
                if best is not None:
                    break
        else:
            leaf_set = frozenset(
                k for fixes in options.values() for k in min(fixes, key=lambda f: len(f[1]))[1]
            )
            for leaf_key in sorted(leaf_set):
                smaller = leaf_set - {leaf_key}
                if assign(smaller) is not None:
                    leaf_set = smaller
            uses = assign(leaf_set)
            assert uses is not None
            key3, amended, text = score(uses)
            best = (key3, amended, text, uses)
    if best is None:
        amended, text = build_amended(analysis, {})
        return AmendResult(analysis, amended, text, [ids[r] for r in rows], [], uncovered, exact)
    _cost, amended, text, uses = best
    amendments = describe(analysis, amended, uses, chosen_set)
    return AmendResult(
        analysis, amended, text, [ids[r] for r in rows], amendments, uncovered, exact, uses
    )


def build_amended(analysis: Analysis, uses: dict[LeafKey, list[int]]) -> tuple[Mandate, str]:
    """The amended mandate and its YAML text, each changed leaf marked by a comment."""
    mandate = analysis.mandate
    spec = mandate.to_dict()
    spec["mandate"]["id"] = f"{mandate.id}-amended"
    comments: dict[tuple[int, int], str] = {}
    for ci, clause in enumerate(mandate.clauses):
        replacements = {}
        for (c, k), rows in uses.items():
            if c != ci:
                continue
            leaf, _negated = _leaves(clause.when)[k]
            with use_language("en"):  # the amended rule file's comments are in English
                new, _after, words = _relax(mandate, (c, k), leaf, rows, analysis)
            replacements[k] = new
            ids = [analysis.incidents[r]["id"] for r in rows]
            comments[(ci, k)] = (
                f"amended: {words}, to cover {', '.join(ids)} (was: {condition_text(leaf)})"
            )
        spec["clauses"][ci]["when"] = _replace_leaves(spec["clauses"][ci]["when"], replacements)
    text = dump_mandate(spec, comments, mandate)
    amended, errors = parse_mandate_text(text, f"{mandate.id}-amended.yaml")
    if errors or amended is None:  # the amendment must itself be a valid mandate
        raise AmendError(
            _("the amended mandate is not valid: {errors}").format(
                errors="; ".join(map(str, errors))
            )
        )
    import hashlib
    from dataclasses import replace

    return replace(amended, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()), text


def _flow(value: Any) -> str:
    """One value as YAML on one line (a scalar without the document-end marker)."""
    text = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False
    )
    return text.removesuffix("\n...\n").strip()


def dump_mandate(
    spec: dict[str, Any], comments: dict[tuple[int, int], str], mandate: Mandate
) -> str:
    """YAML of a mandate dict: leaves on one line each, comments above the changed ones."""
    lines = [
        f"# Amended by scope-gap from {mandate.path or mandate.id} (sha256 {mandate.sha256}).",
        "# Each changed condition is marked by a comment beginning 'amended:'.",
        yaml.safe_dump(
            {"mandate": spec["mandate"]}, allow_unicode=True, sort_keys=False, width=10**9
        ).rstrip(),
    ]
    if spec.get("periods"):
        lines.append("periods:")
        for name, period in spec["periods"].items():
            lines.append(f"  {_flow(name)}: {_flow(period)}")
    lines.append("clauses:")
    for ci, clause in enumerate(spec["clauses"]):
        first = True
        for key, value in clause.items():
            if key == "when":
                continue
            prefix = "  - " if first else "    "
            first = False
            lines.append(f"{prefix}{key}: {_flow(value)}")
        lines.append("    when:")
        _emit(clause["when"], 6, False, ci, [0], comments, lines)
    return "\n".join(lines) + "\n"


def _emit(
    node: dict[str, Any],
    indent: int,
    bullet: bool,
    ci: int,
    counter: list[int],
    comments: dict[tuple[int, int], str],
    lines: list[str],
) -> None:
    """One condition node as block YAML, leaves as one-line flow mappings."""
    pad = " " * indent
    lead = "- " if bullet else ""
    step = indent + (4 if bullet else 2)
    for combinator in ("all", "any"):
        if combinator in node:
            lines.append(f"{pad}{lead}{combinator}:")
            for part in node[combinator]:
                _emit(part, step, True, ci, counter, comments, lines)
            return
    if "not" in node:
        lines.append(f"{pad}{lead}not:")
        _emit(node["not"], step, False, ci, counter, comments, lines)
        return
    index = counter[0]
    counter[0] += 1
    if (ci, index) in comments:
        lines.append(f"{pad}# {comments[(ci, index)]}")
    lines.append(f"{pad}{lead}{_flow(node)}")


def describe(
    analysis: Analysis, amended: Mandate, uses: dict[LeafKey, list[int]], chosen: set[int]
) -> list[Amendment]:
    """One Amendment per changed leaf, with the incidents its change brings in."""
    before_status = analysis.evaluation.status
    ev = evaluate(amended, analysis.table)
    newly = (ev.status == Status.IN_SCOPE.value) & (before_status != Status.IN_SCOPE.value)
    ids = [r["id"] for r in analysis.incidents]
    out = []
    for (c, k), rows in sorted(uses.items()):
        clause = analysis.mandate.clauses[c]
        leaf, _negated = _leaves(clause.when)[k]
        _new, after, words = _relax(analysis.mandate, (c, k), leaf, rows, analysis)
        old_values = analysis.evaluation.clauses[c].leaf_nodes()[k].values
        new_outcome = ev.clauses[c]
        new_values = new_outcome.leaf_nodes()[k].values
        helped = newly & (new_outcome.values == TRUE) & (new_values == TRUE) & (old_values != TRUE)
        rows_in = np.flatnonzero(helped)
        before = {leaf.op: leaf.source}
        out.append(
            Amendment(
                clause=clause.id,
                key=(c, k),
                leaf=leaf.to_dict() | ({"line": leaf.line} if leaf.line else {}),
                before=before,
                after=after,
                reason=words,
                brings_in=[ids[i] for i in rows_in if i in chosen],
                also_brings_in=[ids[i] for i in rows_in if i not in chosen],
            )
        )
    return out


def rule_diff(result: AmendResult) -> list[tuple[str, str, str]]:
    """(clause id, rule before, rule after) for every clause an amendment changes."""
    changed = {a.clause for a in result.amendments}
    pairs = []
    for old, new in zip(result.mandate.clauses, result.amended.clauses, strict=True):
        if old.id in changed:
            pairs.append((old.id, rule_text(old.when), rule_text(new.when)))
    return pairs
