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

import hashlib
import itertools
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from .analysis import Analysis
from .engine import evaluate_leaf, kleene
from .errors import ScopeGapError, did_you_mean
from .i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    _,
    format_number,
    language,
    ngettext,
    use_language,
)
from .model import COVERABLE_STATUSES, All, AnyOf, Leaf, Mandate, Node, Not, Status, leaves
from .operators import (
    FALSE,
    OPERATORS,
    TRUE,
    UNKNOWN_TV,
    Need,
    Relaxation,
    condition_text,
    rule_text,
)
from .rules import parse_mandate_text
from .rules.rewrite import LeafEdit, rewrite
from .validate import MISSING_DAY

EXACT_LIMIT = 16
#: leaves of one clause relaxed together at most, when looking for what would make it true
FIX_SET_LIMIT = 6

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
    amended: Mandate  # the original mandate when nothing changes
    amended_yaml: str | None  # None when nothing changes: no amended mandate is written
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
            lines.append(_("no amended mandate is written (an earlier one is left as it was)"))
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


# --- editing the mandate object ----------------------------------------------------------------


def replace_leaf(node: Node, index: int, new: Leaf) -> Node:
    """`node` with its `index`-th leaf (pre-order) replaced by `new`."""
    counter = [0]

    def walk(n: Node) -> Node:
        match n:
            case Leaf():
                counter[0] += 1
                return new if counter[0] - 1 == index else n
            case All(parts):
                return All(tuple(walk(p) for p in parts))
            case AnyOf(parts):
                return AnyOf(tuple(walk(p) for p in parts))
            case Not(part):
                return Not(walk(part))
            case _:
                raise TypeError(f"not a condition node: {n!r}")

    return walk(node)


def _need(analysis: Analysis, leaf: Leaf, rows: list[int]) -> Need:
    table = analysis.table
    if leaf.field == "date":
        spans = tuple((int(table.date_start[r]), int(table.date_end[r])) for r in rows)
        return Need(spans=spans, periods=analysis.mandate.periods)
    column = table.frame[leaf.field].astype(str).tolist()
    return Need(texts=tuple(column[r] for r in rows), periods=analysis.mandate.periods)


# --- the search ------------------------------------------------------------------------------


class _Search:
    """Leaf values of the original analysis, and what a set of relaxations would decide."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.mandate = analysis.mandate
        self.table = analysis.table
        self.examined = [i for i, c in enumerate(self.mandate.clauses) if c.examined]
        self.leaf_info: dict[int, list[tuple[Leaf, bool]]] = {
            c: leaves(self.mandate.clauses[c].when) for c in range(len(self.mandate.clauses))
        }
        self.values: dict[int, list[np.ndarray]] = {}
        for c, outcome in enumerate(analysis.evaluation.clauses):
            self.values[c] = [e.values for e in outcome.leaf_nodes()]
        date_known = self.table.date_start != MISSING_DAY
        # per leaf, the rows for which relaxing it is allowed (false, or partly inside `within`)
        self.candidates: dict[LeafKey, np.ndarray] = {}
        for c in self.examined:
            for k, (leaf, negated) in enumerate(self.leaf_info[c]):
                op = OPERATORS[leaf.op]
                if negated or not op.relaxable:
                    continue
                value = self.values[c][k]
                allowed = value == FALSE
                if op.relaxes_partial:
                    allowed = allowed | ((value == UNKNOWN_TV) & date_known)
                if allowed.any():
                    self.candidates[(c, k)] = allowed
        self.relaxed: dict[tuple[LeafKey, tuple[int, ...], str], tuple[Relaxation, np.ndarray]] = {}

    def fix_sets(self, rows: np.ndarray) -> dict[int, list[tuple[int, frozenset[LeafKey]]]]:
        """Per chosen row, the inclusion-minimal sets of leaves of one examined clause whose
        relaxation would make that clause true (vectorised over the rows)."""
        found: dict[int, list[tuple[int, frozenset[LeafKey]]]] = {int(r): [] for r in rows}
        for c in self.examined:
            keys = [k for k in range(len(self.leaf_info[c])) if (c, k) in self.candidates]
            keys = [k for k in keys if self.candidates[(c, k)][rows].any()]
            base = [v[rows] for v in self.values[c]]
            minimal: list[tuple[frozenset[int], np.ndarray]] = []
            for size in range(1, min(len(keys), FIX_SET_LIMIT) + 1):
                for subset in itertools.combinations(keys, size):
                    applies = np.ones(len(rows), dtype=bool)
                    for k in subset:
                        applies &= self.candidates[(c, k)][rows]
                    for chosen, mask in minimal:
                        if chosen <= set(subset):
                            applies &= ~mask
                    if not applies.any():
                        continue
                    relaxed = set(subset)

                    def leaf_values(
                        i: int,
                        _leaf: Leaf,
                        relaxed: set[int] = relaxed,
                        base: list[np.ndarray] = base,
                    ) -> np.ndarray:
                        return np.full(len(rows), TRUE, dtype=np.int8) if i in relaxed else base[i]

                    works = applies & (kleene(self.mandate.clauses[c].when, leaf_values) == TRUE)
                    if works.any():
                        minimal.append((frozenset(subset), works))
            for chosen, mask in minimal:
                for r in rows[mask]:
                    found[int(r)].append((c, frozenset((c, k) for k in chosen)))
        return found

    def relax(self, key: LeafKey, rows: list[int]) -> tuple[Relaxation, np.ndarray]:
        """The least relaxation of a leaf for `rows`, and the relaxed leaf's values."""
        memo = (key, tuple(rows), language())  # the words are in the current language
        if memo not in self.relaxed:
            leaf, _negated = self.leaf_info[key[0]][key[1]]
            relaxation = OPERATORS[leaf.op].relax(leaf, _need(self.analysis, leaf, rows))
            self.relaxed[memo] = (relaxation, evaluate_leaf(relaxation.leaf, self.table))
        return self.relaxed[memo]

    def clause_values(self, uses: dict[LeafKey, list[int]]) -> dict[int, np.ndarray]:
        """The values of the clauses `uses` changes, with their relaxed leaves."""
        out: dict[int, np.ndarray] = {}
        for c in sorted({key[0] for key in uses}):
            changed = {k: self.relax((c, k), rows)[1] for (cc, k), rows in uses.items() if cc == c}
            original = self.values[c]

            def leaf_values(
                i: int,
                _leaf: Leaf,
                changed: dict[int, np.ndarray] = changed,
                original: list[np.ndarray] = original,
            ) -> np.ndarray:
                return changed.get(i, original[i])

            out[c] = kleene(self.mandate.clauses[c].when, leaf_values)
        return out

    def in_scope(self, changed: dict[int, np.ndarray]) -> np.ndarray:
        """Which rows an examined clause would make in scope, with `changed` clause values."""
        clauses = self.analysis.evaluation.clauses
        result = np.zeros(len(self.table), dtype=bool)
        for c in self.examined:
            result |= changed.get(c, clauses[c].values) == TRUE
        return result

    def why_uncovered(self, row: int) -> str:
        """What stands in the way: unknown values, or conditions no relaxation can change."""
        parts: list[str] = []
        for c in self.examined:
            clause = self.mandate.clauses[c]
            for k, (leaf, negated) in enumerate(self.leaf_info[c]):
                value = self.values[c][k][row]
                effective = int(TRUE) - int(value) if negated else int(value)
                candidate = (c, k) in self.candidates and self.candidates[(c, k)][row]
                if effective == TRUE or candidate:
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
    need = np.array([r for r in rows if status[r] != Status.IN_SCOPE.value], dtype=np.int64)
    search = _Search(analysis)
    ids = [r["id"] for r in analysis.incidents]
    options: dict[int, list[tuple[int, frozenset[LeafKey]]]] = {}
    uncovered = []
    for r, fixes in search.fix_sets(need).items():
        if fixes:
            options[r] = fixes
        else:
            uncovered.append({"id": ids[r], "why": search.why_uncovered(r)})
    universe = sorted({k for fixes in options.values() for _, s in fixes for k in s})
    exact = len(universe) <= exact_limit
    chosen_set = set(rows)
    was_in = status == Status.IN_SCOPE.value
    chosen_mask = np.zeros(len(status), dtype=bool)
    chosen_mask[rows] = True

    def assign(leaf_set: frozenset[LeafKey]) -> dict[LeafKey, list[int]] | None:
        uses: dict[LeafKey, list[int]] = {}
        for r, fixes in options.items():
            fitting = [f for f in fixes if f[1] <= leaf_set]
            if not fitting:
                return None
            _clause, fix = min(fitting, key=lambda f: (len(f[1]), f[0], sorted(f[1])))
            for key in fix:
                uses.setdefault(key, []).append(r)
        return uses

    def score(uses: dict[LeafKey, list[int]]) -> tuple[int, int, int]:
        newly = search.in_scope(search.clause_values(uses)) & ~was_in
        return len(uses), int((newly & ~chosen_mask).sum()), len({k[0] for k in uses})

    best: tuple[tuple[int, int, int], dict[LeafKey, list[int]]] | None = None
    if options and exact:
        for size in range(1, len(universe) + 1):
            for subset in itertools.combinations(universe, size):
                uses = assign(frozenset(subset))
                if uses is None or len(uses) < size:
                    continue  # a smaller set would do: found at an earlier size
                cost = score(uses)
                if best is None or cost < best[0]:
                    best = (cost, uses)
            if best is not None:
                break
    elif options:
        leaf_set = frozenset(
            k for fixes in options.values() for k in min(fixes, key=lambda f: len(f[1]))[1]
        )
        for leaf_key in sorted(leaf_set):
            smaller = leaf_set - {leaf_key}
            if assign(smaller) is not None:
                leaf_set = smaller
        greedy = assign(leaf_set)
        assert greedy is not None
        best = (score(greedy), greedy)
    chosen_ids = [ids[r] for r in rows]
    if best is None:  # nothing to change: no amended mandate is written
        return AmendResult(analysis, analysis.mandate, None, chosen_ids, [], uncovered, exact)
    uses = best[1]
    amended, text = build_amended(analysis, uses, search)
    amendments = describe(analysis, uses, chosen_set, search)
    return AmendResult(analysis, amended, text, chosen_ids, amendments, uncovered, exact, uses)


#: how an amended mandate says it is a proposal (English keys, and French for the `_fr` ones)
PROPOSAL_TITLE = N_("Proposed amendment to: {title} (not the official mandate)")
PROPOSAL_AUTHORITY = N_(
    "Proposal written by scope-gap amend, not an official text; "
    "the official mandate is: {authority}"
)
PROPOSAL_NO_AUTHORITY = N_("Proposal written by scope-gap amend, not an official text")


def _proposal_header(mandate: Mandate) -> dict[str, str]:
    """The header keys an amended mandate gets: its id, and a title and authority that say it
    is a proposed amendment (in English, and in each other language that has a key)."""
    header = {"id": f"{mandate.id}-amended"}
    for lang in LANGUAGES:
        suffix = "" if lang == DEFAULT_LANGUAGE else f"_{lang}"
        title = getattr(mandate, f"title{suffix}", None)
        authority = getattr(mandate, f"authority{suffix}", None)
        with use_language(lang):
            if not suffix or title is not None:
                header[f"title{suffix}"] = _(PROPOSAL_TITLE).format(title=title)
            if not suffix or authority is not None:  # `authority_xx` only where the file has it
                header[f"authority{suffix}"] = (
                    _(PROPOSAL_AUTHORITY).format(authority=authority)
                    if authority
                    else _(PROPOSAL_NO_AUTHORITY)
                )
    return header


def build_amended(
    analysis: Analysis, uses: dict[LeafKey, list[int]], search: _Search | None = None
) -> tuple[Mandate, str]:
    """The amended mandate and its rule file: the original's text with the changed leaves and
    the header replaced, every comment kept, each changed leaf marked by a comment."""
    mandate = analysis.mandate
    search = search or _Search(analysis)
    clauses = list(mandate.clauses)
    edits: list[LeafEdit] = []
    for (c, k), rows in sorted(uses.items()):
        leaf, _negated = search.leaf_info[c][k]
        with use_language(DEFAULT_LANGUAGE):  # the rule file's comments are in English
            relaxation, _values = search.relax((c, k), rows)
        clauses[c] = replace(clauses[c], when=replace_leaf(clauses[c].when, k, relaxation.leaf))
        covered = ", ".join(str(analysis.incidents[r]["id"]) for r in rows)
        edits.append(
            LeafEdit(
                c,
                k,
                relaxation.leaf.op,
                relaxation.leaf.source,
                f"amended: {relaxation.words}, to cover {covered} (was: {condition_text(leaf)})",
            )
        )
    header = _proposal_header(mandate)
    preamble = [
        f"Proposed amendment written by scope-gap from {mandate.path or mandate.id}"
        + (f" (sha256 {mandate.sha256})." if mandate.sha256 else "."),
        "It is not the official mandate. Each changed condition is marked by a comment "
        "beginning 'amended:'.",
    ]
    original = mandate.text if mandate.text is not None else _dump(mandate)
    text = rewrite(original, edits, header, preamble)
    amended, errors = parse_mandate_text(text, f"{mandate.id}-amended.yaml")
    if errors or amended is None:  # the amendment must itself be a valid mandate
        raise AmendError(
            _("the amended mandate is not valid: {errors}").format(
                errors="; ".join(map(str, errors))
            )
        )
    return replace(amended, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()), text


def _dump(mandate: Mandate) -> str:
    """A rule file for a mandate built in code (it has no text of its own to keep)."""
    from io import StringIO

    from ruamel.yaml import YAML

    writer = YAML(typ="safe", pure=True)
    writer.default_flow_style = False
    writer.width = 10**6
    out = StringIO()
    writer.dump(mandate.to_dict(), out)
    return out.getvalue()


def describe(
    analysis: Analysis, uses: dict[LeafKey, list[int]], chosen: set[int], search: _Search
) -> list[Amendment]:
    """One Amendment per changed leaf, with the incidents its change brings in."""
    changed = search.clause_values(uses)
    newly = search.in_scope(changed) & (analysis.evaluation.status != Status.IN_SCOPE.value)
    ids = [r["id"] for r in analysis.incidents]
    out = []
    for (c, k), rows in sorted(uses.items()):
        clause = analysis.mandate.clauses[c]
        leaf, _negated = search.leaf_info[c][k]
        relaxation, new_values = search.relax((c, k), rows)
        old_values = search.values[c][k]
        helped = newly & (changed[c] == TRUE) & (new_values == TRUE) & (old_values != TRUE)
        rows_in = np.flatnonzero(helped)
        out.append(
            Amendment(
                clause=clause.id,
                key=(c, k),
                leaf=leaf.to_dict(),
                before={leaf.op: leaf.source},
                after={relaxation.leaf.op: relaxation.leaf.source},
                reason=relaxation.words,
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
