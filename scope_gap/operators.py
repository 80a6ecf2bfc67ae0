"""Rule operators: one home for each of `equals`, `in`, `not_in`, `matches`, `missing`,
`within`, `overlaps`, `before` and `after`.

An `Operator` holds everything the tool knows about one operator: how its VALUE is read and
checked from a rule file, its three-valued truth on a column, the words for what it requires
and for its generated gap label, how amend relaxes it (or that it cannot be relaxed), the
JSON-Schema fragment of its VALUE and its row in docs/rules.md. The parser, the engine,
`explain`, `amend` and the docs all read the one registry, `OPERATORS`; adding an operator
means adding a class here, its test in tests/test_operators.py and its row in docs/rules.md.

This module sits beside the model: it imports only the model, errors and i18n, never the
engine or the parser. Truth values are int8: FALSE=0, UNKNOWN=1, TRUE=2 (see engine.py for
how trees combine them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Protocol

import numpy as np

from .errors import Location, date_problem, did_you_mean
from .i18n import N_, _, format_date, localized
from .model import (
    COLUMNS,
    ENUMS,
    MULTI_VALUED,
    UNKNOWN,
    All,
    AnyOf,
    DateFormatError,
    Leaf,
    Node,
    Not,
    Period,
    RangeRef,
    compile_pattern,
    date_value_interval,
    normalize_name,
    split_multi,
)

FALSE, UNKNOWN_TV, TRUE = np.int8(0), np.int8(1), np.int8(2)
OUTCOME_NAMES = {0: "false", 1: "unknown", 2: "true"}

# --- fields ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """A column a rule may name: its kind, and the enumerated values a rule may give it."""

    name: str
    kind: str  # "text" or "date"
    values: tuple[str, ...] | None = None  # enumerated values a rule may name (never unknown)
    multi: bool = False  # `;`-separated values (actor, tactic)


#: every field a rule may name, with what the parser checks values against
FIELDS: dict[str, FieldSpec] = {
    name: FieldSpec(
        name=name,
        kind="date" if name == "date" else "text",
        values=tuple(v for v in ENUMS[name] if v != UNKNOWN) if name in ENUMS else None,
        multi=name in MULTI_VALUED,
    )
    for name in COLUMNS
}

#: how reasons and generated gap labels name the contract's columns (marked for translation)
FIELD_WORDS: dict[str, str] = {
    "id": N_("id"),
    "title": N_("title"),
    "date": N_("date"),
    "level": N_("level"),
    "event_type": N_("event type"),
    "jurisdiction": N_("jurisdiction"),
    "event": N_("event"),
    "actor": N_("actor"),
    "tactic": N_("tactic"),
    "target": N_("target"),
    "summary": N_("summary"),
    "evidence": N_("evidence"),
    "sources": N_("sources"),
    "notes": N_("notes"),
}


def field_label(name: str) -> str:
    """A field as reasons name it, in the current language (`event type`)."""
    word = FIELD_WORDS.get(name)
    return _(word) if word is not None else name.replace("_", " ")


def _capitalized(label: str) -> str:
    return label[:1].upper() + label[1:]


def is_known(text: str, field: str) -> bool:
    """Whether a cell's text is a known value (not blank, not the enumerated `unknown`)."""
    stripped = text.strip()
    return bool(stripped) and not (field in ENUMS and stripped == UNKNOWN)


def plain(value: Any) -> Any:
    """A YAML value without its marks, dates as ISO text."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- wording helpers -------------------------------------------------------------------------


def _or(values: Sequence[str]) -> str:
    values = list(values)
    if len(values) == 1:
        return values[0]
    if len(values) <= 3:
        return _("{values} or {last}").format(values=", ".join(values[:-1]), last=values[-1])
    return _("one of {values}").format(values=", ".join(values))


def span_text(start: int, end: int) -> str:
    """Days `start`..`end` (ordinals) with the dates of the current language."""
    if start == end:
        return format_date(dt.date.fromordinal(start))
    return _("{start} to {end}").format(
        start=format_date(dt.date.fromordinal(start)), end=format_date(dt.date.fromordinal(end))
    )


def range_text(ref: RangeRef) -> str:
    """A range of a date condition: `GE43-cycle (2015-10-20 to 2019-10-21)` or its days."""
    if ref.label:  # a period as the reports people read name it (wording.display_leaf)
        return ref.label
    span = span_text(ref.start, ref.end)
    return f"{ref.name} ({span})" if ref.name else span


def _ranges(refs: Sequence[RangeRef]) -> str:
    parts = [range_text(r) for r in refs]
    if len(parts) == 1:
        return parts[0]
    return _("{values} or {last}").format(values=", ".join(parts[:-1]), last=parts[-1])


def merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Day ranges sorted, those that touch or overlap merged into one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _written(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_written(v) for v in value) + "]"
    return str(value)


def condition_text(leaf: Leaf) -> str:
    """The leaf as written, in short: `level in [federal]`, `date within [[2019, 2020-06]]`."""
    return f"{leaf.field} {leaf.op} {_written(leaf.source)}"


def rule_text(node: Node) -> str:
    """A condition tree in one readable line: `all of (level in [federal]; date within ...)`."""
    match node:
        case Leaf():
            return condition_text(node)
        case All(parts):
            return "all of (" + "; ".join(rule_text(p) for p in parts) + ")"
        case AnyOf(parts):
            return "any of (" + "; ".join(rule_text(p) for p in parts) + ")"
        case Not(part):
            return "not (" + rule_text(part) + ")"
        case _:
            raise TypeError(f"not a condition node: {node!r}")


# --- what the parser and the engine hand to an operator ----------------------------------------


class ParseContext(Protocol):
    """What an operator needs from the rule parser to read its VALUE."""

    @property
    def periods(self) -> Mapping[str, Period]: ...

    def error(self, message: str, where: Location | None) -> None: ...

    def unknown_period(self, name: str, at: Location) -> None: ...

    def item_marks(self, items: list[Any], at: Location) -> list[Location]: ...


@dataclass(frozen=True)
class Column:
    """One field over every row, as the engine hands it to an operator.

    Text fields: `codes` (per row) index `uniques` (distinct texts) and `known_u` (per distinct
    text). Date: `start` and `end` (day ordinals per row) and `known` per row.
    """

    known: np.ndarray  # per row: the value is known
    codes: np.ndarray | None = None
    uniques: Sequence[str] | None = None
    known_u: np.ndarray | None = None
    start: np.ndarray | None = None
    end: np.ndarray | None = None


@dataclass(frozen=True)
class Need:
    """What a relaxation must admit: the chosen incidents' values of the leaf's field."""

    texts: tuple[str, ...] = ()  # cell texts (text fields)
    spans: tuple[tuple[int, int], ...] = ()  # date intervals as day ordinals (date)
    periods: Mapping[str, Period] | None = None  # the mandate's named periods


@dataclass(frozen=True)
class Relaxation:
    """A relaxed leaf (op, value and source as it will be written) and what changed, in words."""

    leaf: Leaf
    words: str


class CannotRelaxError(ValueError):
    """An operator amend must not change (`matches`, `missing`)."""


def _leaf_values(leaf: Leaf, text: str) -> list[str]:
    return split_multi(text) if leaf.field in MULTI_VALUED else [text.strip()]


# --- the operators ---------------------------------------------------------------------------


class Operator:
    """One rule operator. Subclasses fill every piece; tests/test_operators.py checks it."""

    name: ClassVar[str]
    kinds: ClassVar[tuple[str, ...]]  # the field kinds it applies to: "text", "date"
    relaxable: ClassVar[bool]
    #: a `within` leaf unknown only because an imprecise date lies partly outside may be widened
    relaxes_partial: ClassVar[bool] = False
    #: docs/rules.md's row: what VALUE is, and when the leaf holds (English)
    doc_value: ClassVar[str]
    doc_holds: ClassVar[str]

    def applies_to(self, field: str) -> bool:
        return FIELDS[field].kind in self.kinds

    def parse(self, ctx: ParseContext, field: str, value: Any, at: Location) -> Any:
        """The leaf's value from the file (None after reporting an error to `ctx`)."""
        raise NotImplementedError

    def truth(self, leaf: Leaf, column: Column) -> np.ndarray:
        """FALSE/UNKNOWN/TRUE on every row."""
        raise NotImplementedError

    def requirement(self, leaf: Leaf, negated: bool) -> str:
        """What the leaf asks for, as words after 'clause X requires'."""
        raise NotImplementedError

    def gap(self, leaf: Leaf, negated: bool) -> str:
        """The generated gap label of a leaf that fails (when the file gives none)."""
        raise NotImplementedError

    def relax(self, leaf: Leaf, need: Need) -> Relaxation:
        """The least change of `leaf` that makes it true for `need`; CannotRelaxError if none."""
        raise CannotRelaxError(_("'{operator}' cannot be relaxed").format(operator=self.name))

    def value_schema(self, field: str | None = None) -> dict[str, Any]:
        """The JSON-Schema (draft-07) fragment of the VALUE (on `field` when given)."""
        raise NotImplementedError


# text operators ------------------------------------------------------------------------------


def loose_pattern(word: str) -> str:
    """A regular expression for `word` as the parser reads names and enumerated values (any case,
    a space or hyphen for an underscore), so that the schema accepts what the parser accepts."""
    out = []
    for char in word:
        if char == "_":
            out.append(r"[\s_-]")
        elif char.isalpha():
            out.append(f"[{char.lower()}{char.upper()}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def words_schema(words: Sequence[str]) -> dict[str, Any]:
    """Exactly these words (offered by editors for completion), or a spelling the parser reads
    as one of them (trimmed, any case, spaces or hyphens for underscores)."""
    loose = "|".join(loose_pattern(w) for w in words)
    return {
        "anyOf": [
            {"type": "string", "enum": list(words)},
            {"type": "string", "pattern": rf"^\s*({loose})\s*$"},
        ]
    }


#: a plain value: the parser reads a number or true/false as its text
_TEXT_SCHEMA: dict[str, Any] = {"not": {"type": ["object", "array", "null"]}}
_NOT_UNKNOWN_SCHEMA: dict[str, Any] = {
    "not": {"type": "string", "pattern": rf"^\s*{loose_pattern(UNKNOWN)}\s*$"}
}


def _scalar_schema(field: str | None) -> dict[str, Any]:
    values = FIELDS[field].values if field is not None else None
    if values:
        return words_schema(values)
    # SPEC: a rule may not name `unknown` as a value (on any field)
    return {"allOf": [_TEXT_SCHEMA, _NOT_UNKNOWN_SCHEMA]}


def _enum_value(ctx: ParseContext, field: str, value: Any, at: Location) -> str | None:
    text = str(plain(value)).strip()
    key = normalize_name(text)
    # SPEC: a rule may not name `unknown` as a value (on any field); it uses `missing`
    if key == UNKNOWN:
        ctx.error(
            _(
                "a rule may not name '{value}' as a value of {field}; use "
                "{{field: {field}, missing: true}} for a value that is not known"
            ).format(value=text, field=field),
            at,
        )
        return None
    allowed = FIELDS[field].values
    if allowed is None:
        return text
    if key not in allowed:
        ctx.error(
            _("'{value}' is not a value of {field}{hint}; expected one of: {expected}").format(
                value=text,
                field=field,
                hint=did_you_mean(key, allowed),
                expected=", ".join(allowed),
            ),
            at,
        )
        return None
    return key


class _TextOperator(Operator):
    kinds = ("text",)

    def tester(self, leaf: Leaf) -> Callable[[str], bool]:
        """Whether one known value satisfies the leaf (before `not_in`'s negation)."""
        raise NotImplementedError

    negates: ClassVar[bool] = False

    def truth(self, leaf: Leaf, column: Column) -> np.ndarray:
        assert column.codes is not None and column.uniques is not None
        assert column.known_u is not None
        test = self.tester(leaf)
        multi = leaf.field in MULTI_VALUED

        def holds(text: str) -> bool:
            values = split_multi(text) if multi else [text.strip()]
            return any(test(v) for v in values)

        truth_u = np.fromiter(
            (bool(k) and holds(u) for u, k in zip(column.uniques, column.known_u, strict=True)),
            dtype=bool,
            count=len(column.uniques),
        )
        truth = truth_u[column.codes] if len(column.codes) else np.zeros(0, dtype=bool)
        if self.negates:
            truth = ~truth
        out = np.full(len(column.known), UNKNOWN_TV, dtype=np.int8)
        out[column.known] = np.where(truth[column.known], TRUE, FALSE)
        return out


class _ValuesOperator(_TextOperator):
    """equals / in / not_in: values compared case-insensitively."""

    def wanted(self, leaf: Leaf) -> tuple[str, ...]:
        return (leaf.value,) if isinstance(leaf.value, str) else tuple(leaf.value)

    def tester(self, leaf: Leaf) -> Callable[[str], bool]:
        wanted = {v.casefold() for v in self.wanted(leaf)}
        return lambda value: value.casefold() in wanted

    def requirement(self, leaf: Leaf, negated: bool) -> str:
        values = _or(self.wanted(leaf))
        if negated == self.negates:
            return values
        return _("{label} other than {values}").format(label=field_label(leaf.field), values=values)

    def gap(self, leaf: Leaf, negated: bool) -> str:
        label = _capitalized(field_label(leaf.field))
        values = _or(self.wanted(leaf))
        if negated == self.negates:
            return _("{label} other than {values}").format(label=label, values=values)
        return _("{label} is {values}").format(label=label, values=values)

    def _add(self, leaf: Leaf, need: Need) -> Relaxation:
        """`in` with the values the incidents need added (`equals` becomes `in`)."""
        old = list(self.wanted(leaf))
        source = [leaf.source] if not isinstance(leaf.source, list) else list(leaf.source)
        added: list[str] = []
        for text in need.texts:
            values = _leaf_values(leaf, text)
            if any(v.casefold() in {o.casefold() for o in old + added} for v in values):
                continue
            added.append(normalize_name(values[0]) if FIELDS[leaf.field].values else values[0])
        new = replace(leaf, op="in", value=tuple(old + added), source=source + added)
        words = _("add {values} to {field}").format(
            values=_(" and ").join(f"`{a}`" for a in added), field=leaf.field
        )
        if leaf.op == "equals":
            words += _(" (equals {value} becomes in)").format(value=old[0])
        return Relaxation(new, words)


class Equals(_ValuesOperator):
    name = "equals"
    relaxable = True
    doc_value = "one value"
    doc_holds = "the trimmed text equals it, case-insensitively"

    def parse(self, ctx: ParseContext, field: str, value: Any, at: Location) -> Any:
        if isinstance(value, (dict, list)) or value is None:
            ctx.error(_("'{operator}' takes one value").format(operator=self.name), at)
            return None
        return _enum_value(ctx, field, value, at)

    def relax(self, leaf: Leaf, need: Need) -> Relaxation:
        return self._add(leaf, need)

    def value_schema(self, field: str | None = None) -> dict[str, Any]:
        return _scalar_schema(field)


class In(_ValuesOperator):
    name = "in"
    relaxable = True
    doc_value = "a list of values"
    doc_holds = "the text equals one of them"

    def parse(self, ctx: ParseContext, field: str, value: Any, at: Location) -> Any:
        if not isinstance(value, list) or not value:
            ctx.error(
                _("'{operator}' takes a non-empty list of values, like [a, b]").format(
                    operator=self.name
                ),
                at,
            )
            return None
        out = []
        for item, item_at in zip(value, ctx.item_marks(value, at), strict=True):
            if isinstance(item, (dict, list)) or item is None:
                ctx.error(
                    _("'{operator}' values must be plain values").format(operator=self.name),
                    item_at,
                )
                return None
            one = _enum_value(ctx, field, item, item_at)
            if one is None:
                return None
            out.append(one)
        return tuple(dict.fromkeys(out))

    def relax(self, leaf: Leaf, need: Need) -> Relaxation:
        return self._add(leaf, need)

    def value_schema(self, field: str | None = None) -> dict[str, Any]:
        return {"type": "array", "minItems": 1, "items": _scalar_schema(field)}


class NotIn(In):
    name = "not_in"
    negates = True
    doc_value = "a list of values"
    doc_holds = "the text equals none of them (the negation of `in`)"

    def relax(self, leaf: Leaf, need: Need) -> Relaxation:
        old = list(self.wanted(leaf))
        drop = {
            v.casefold()
            for text in need.texts
            for v in _leaf_values(leaf, text)
            if v.casefold() in {o.casefold() for o in old}
        }
        kept = [o for o in old if o.casefold() not in drop]
        if not kept:
            words = _("drop the exclusion of {values} from {field} (any known value)").format(
                values=", ".join(old), field=leaf.field
            )
            return Relaxation(replace(leaf, op="missing", value=False, source=False), words)
        source = list(leaf.source) if isinstance(leaf.source, list) else kept
        source = [s for s in source if str(s).strip().casefold() not in drop]
        words = _("stop excluding {values} from {field}").format(
            values=", ".join(o for o in old if o not in kept), field=leaf.field
        )
        return Relaxation(replace(leaf, value=tuple(kept), source=source), words)


class Matches(_TextOperator):
    name = "matches"
    relaxable = False
    doc_value = "a regular expression"
    doc_holds = (
        "the pattern is found, case-insensitively (RE2 syntax: no backreferences or "
        "lookaround; runs in linear time)"
    )

    def parse(self, ctx: ParseContext, field: str, value: Any, at: Location) -> Any:
        if isinstance(value, (dict, list)) or value is None:
            ctx.error(_("'{operator}' takes one value").format(operator=self.name), at)
            return None
        pattern = str(plain(value))
        try:
            compile_pattern(pattern)
        except ValueError as exc:
            ctx.error(
                _("'matches' pattern '{pattern}' cannot be used: {reason}").format(
                    pattern=pattern, reason=exc
                ),
                at,
            )
            return None
        return pattern

    def tester(self, leaf: Leaf) -> Callable[[str], bool]:
        pattern = compile_pattern(leaf.value)
        return lambda value: pattern.search(value) is not None

    def requirement(self, leaf: Leaf, negated: bool) -> str:
        label = field_label(leaf.field)
        if negated:
            return _("{label} not to match /{pattern}/").format(label=label, pattern=leaf.value)
        return _("{label} to match /{pattern}/").format(label=label, pattern=leaf.value)

    def gap(self, leaf: Leaf, negated: bool) -> str:
        label = _capitalized(field_label(leaf.field))
        if negated:
            return _("{label} matching /{pattern}/").format(label=label, pattern=leaf.value)
        return _("{label} not matching /{pattern}/").format(label=label, pattern=leaf.value)

    def value_schema(self, field: str | None = None) -> dict[str, Any]:
        return dict(_TEXT_SCHEMA)


class Missing(Operator):
    name = "missing"
    kinds = ("text", "date")
    relaxable = False
    doc_value = "`true` or `false`"
    doc_holds = "the value is not known (blank, or the enumerated value `unknown`)"

    def parse(self, ctx: ParseContext, field: str, value: Any, at: Location) -> Any:
        if not isinstance(value, bool):
            ctx.error(
                _("'missing' takes true or false, not {value}").format(value=repr(plain(value))),
                at,
            )
            return None
        return value

    def truth(self, leaf: Leaf, column: Column) -> np.ndarray:
        blank = ~column.known
        holds = blank if leaf.value else ~blank
        return np.where(holds, TRUE, FALSE).astype(np.int8)

    def requirement(self, leaf: Leaf, negated: bool) -> str:
        label = field_label(leaf.field)
        if leaf.value != negated:
            return _("{label} not to be known").format(label=label)
        return _("a known {label}").format(label=label)

    def gap(self, leaf: Leaf, negated: bool) -> str:
        label = _capitalized(field_label(leaf.field))
        if leaf.value != negated:
            return _("{label} known").format(label=label)
        return _("{label} not known").format(label=label)

    def value_schema(self, field: str | None = None) -> dict[str, Any]:
        return {"type": "boolean"}


# date operators ------------------------------------------------------------------------------

#: a date is text to the schema, as to a YAML 1.2 reader; a YAML 1.1 reader's date object is
#: of no JSON type, and is let through
_DATE_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "string",
            "pattern": r"^(?!0000)[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
        },
        {"type": "integer", "minimum": 1, "maximum": 9999},
        {"not": {"type": ["string", "number", "integer", "boolean", "null", "array", "object"]}},
    ]
}


def date_schema() -> dict[str, Any]:
    """The JSON-Schema fragment of one date of a rule file (a period's start or end)."""
    return dict(_DATE_SCHEMA)


_PAIR_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 2,
    "maxItems": 2,
    "items": _DATE_SCHEMA,
}
_NAME_SCHEMA: dict[str, Any] = {"type": "string", "minLength": 1}


def _is_date_like(ctx: ParseContext, value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        if isinstance(value, str) and value in ctx.periods:
            return False
        try:
            date_value_interval(value)
        except DateFormatError:
            return False
        return True
    return False


def _pair(ctx: ParseContext, items: list[Any], at: Location) -> RangeRef | None:
    if len(items) != 2:
        ctx.error(
            _("a range must be a [start, end] pair, not {count} values").format(count=len(items)),
            at,
        )
        return None
    try:
        start = date_value_interval(items[0]).start
        end = date_value_interval(items[1]).end
    except DateFormatError as exc:
        ctx.error(
            _("a range's dates must be dates: {problem}").format(problem=date_problem(exc)), at
        )
        return None
    if end < start:
        ctx.error(_("the range {range} ends before it starts").format(range=plain(list(items))), at)
        return None
    return RangeRef(start, end, source=plain(list(items)))


def _period_ref(ctx: ParseContext, name: str) -> RangeRef:
    period = ctx.periods[name]
    return RangeRef(period.start, period.end, name=name, source=name)


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


class _DateOperator(Operator):
    kinds = ("date",)
    takes_one_date: ClassVar[bool] = False

    def parse(self, ctx: ParseContext, field: str, value: Any, at: Location) -> Any:
        op = self.name
        expected = (
            _(
                "a period name, a list of period names and [start, end] pairs, "
                "or one [start, end] pair, or one date"
            )
            if self.takes_one_date
            else _(
                "a period name, a list of period names and [start, end] pairs, "
                "or one [start, end] pair"
            )
        )

        def wrong(where: Location) -> None:
            ctx.error(
                _("'{operator}' takes {expected}").format(operator=op, expected=expected), where
            )

        if isinstance(value, str) and value in ctx.periods:
            return (_period_ref(ctx, value),)
        if isinstance(value, str) and not self.takes_one_date:
            ctx.unknown_period(value, at)
            return None
        if isinstance(value, (str, dt.date, int)) and not isinstance(value, bool):
            if not self.takes_one_date:
                wrong(at)
                return None
            try:
                interval = date_value_interval(value)
            except DateFormatError:
                if isinstance(value, str):
                    ctx.unknown_period(value, at)
                    return None
                wrong(at)
                return None
            return (RangeRef(interval.start, interval.end, source=plain(value)),)
        if not isinstance(value, list) or not value:
            wrong(at)
            return None
        if len(value) == 2 and all(_is_date_like(ctx, v) for v in value):
            pair = _pair(ctx, value, at)
            return (pair,) if pair else None
        out: list[RangeRef] = []
        for item, item_at in zip(value, ctx.item_marks(value, at), strict=True):
            if isinstance(item, str) and item in ctx.periods:
                out.append(_period_ref(ctx, item))
            elif isinstance(item, list):
                pair = _pair(ctx, item, item_at)
                if pair is None:
                    return None
                out.append(pair)
            elif isinstance(item, str):
                ctx.unknown_period(item, item_at)
                return None
            else:
                ctx.error(
                    _("{value} is neither a period name nor a [start, end] pair").format(
                        value=repr(plain(item))
                    ),
                    item_at,
                )
                return None
        return tuple(out)

    def spans(self, leaf: Leaf) -> list[tuple[int, int]]:
        return merge_spans([(r.start, r.end) for r in leaf.value])

    def truth(self, leaf: Leaf, column: Column) -> np.ndarray:
        assert column.start is not None and column.end is not None
        known = column.known
        out = np.full(len(known), UNKNOWN_TV, dtype=np.int8)
        out[known] = self.day_truth(leaf, column.start[known], column.end[known])
        return out

    def day_truth(self, leaf: Leaf, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        """FALSE/UNKNOWN/TRUE for known intervals `s`..`e` (day ordinals)."""
        raise NotImplementedError

    def value_schema(self, field: str | None = None) -> dict[str, Any]:
        options: list[dict[str, Any]] = [
            _NAME_SCHEMA,
            _PAIR_SCHEMA,
            {"type": "array", "minItems": 1, "items": {"anyOf": [_NAME_SCHEMA, _PAIR_SCHEMA]}},
        ]
        if self.takes_one_date:
            options.insert(1, _DATE_SCHEMA)
        return {"anyOf": options}


def _inside(spans: list[tuple[int, int]], s: np.ndarray, e: np.ndarray) -> np.ndarray:
    inside = np.zeros(len(s), dtype=np.int64)
    for a, b in spans:
        inside += np.clip(np.minimum(e, b) - np.maximum(s, a) + 1, 0, None)
    return inside


class _RangeOperator(_DateOperator):
    """within / overlaps: relaxed by adding a period that fits, or the incidents' own days."""

    relaxable = True

    def fits(self, period: Period, s: int, e: int) -> bool:
        raise NotImplementedError

    def admits(self, spans: list[tuple[int, int]], s: int, e: int) -> bool:
        truth = self.day_truth_spans(spans, np.array([s]), np.array([e]))
        return bool(truth[0] == TRUE)

    def day_truth(self, leaf: Leaf, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        return self.day_truth_spans(self.spans(leaf), s, e)

    def day_truth_spans(
        self, spans: list[tuple[int, int]], s: np.ndarray, e: np.ndarray
    ) -> np.ndarray:
        raise NotImplementedError

    def relax(self, leaf: Leaf, need: Need) -> Relaxation:
        periods = dict(need.periods or {})
        refs = list(leaf.value)
        used = {r.name for r in refs if r.name}
        added_periods: list[str] = []
        added_days: list[tuple[int, int]] = []
        for s, e in sorted(need.spans):
            spans = [(r.start, r.end) for r in refs] + [
                (periods[p].start, periods[p].end) for p in added_periods
            ]
            if self.admits(spans + added_days, s, e):
                continue
            fits = [
                (p.end - p.start, name)
                for name, p in periods.items()
                if name not in used and self.fits(p, s, e)
            ]
            if fits:
                name = min(fits)[1]
                added_periods.append(name)
                used.add(name)
            else:
                added_days = merge_spans([*added_days, (s, e)])
        # explicit pairs of the leaf that touch or overlap the added days are merged with them;
        # a named period keeps its name
        kept: list[RangeRef] = []
        for ref in refs:
            if ref.name is None and any(
                ref.start <= b + 1 and a <= ref.end + 1 for a, b in added_days
            ):
                added_days = merge_spans([*added_days, (ref.start, ref.end)])
            else:
                kept.append(ref)
        new_refs = kept + [
            RangeRef(periods[p].start, periods[p].end, name=p, source=p) for p in added_periods
        ]
        new_refs += [RangeRef(a, b, source=[_iso(a), _iso(b)]) for a, b in added_days]
        source: Any = [r.source for r in new_refs]
        if len(new_refs) == 1 and new_refs[0].name is None:
            source = source[0]
        new = replace(leaf, value=tuple(new_refs), source=source)
        return Relaxation(new, self.widen_words(leaf, added_periods, added_days, periods))

    def widen_words(
        self,
        leaf: Leaf,
        added_periods: list[str],
        added_days: list[tuple[int, int]],
        periods: Mapping[str, Period],
    ) -> str:
        """The change in words, naming the mandate's periods where it speaks of them."""
        named = [r for r in leaf.value if r.name]
        parts = [
            _("the period {name}").format(name=_period_name(periods, p)) for p in added_periods
        ]
        for a, b in added_days:
            after = next((r for r in named if r.end + 1 == a), None)
            before = next((r for r in named if b + 1 == r.start), None)
            if after is not None:
                parts.append(
                    _("the days after {period} up to {end}").format(
                        period=_period_name(periods, after.name),
                        end=format_date(dt.date.fromordinal(b)),
                    )
                )
            elif before is not None:
                parts.append(
                    _("the days before {period} from {start}").format(
                        period=_period_name(periods, before.name),
                        start=format_date(dt.date.fromordinal(a)),
                    )
                )
            else:
                parts.append(span_text(a, b))
        if named:
            return _("widen date ({operator}) beyond {periods} to include {values}").format(
                operator=self.name,
                periods=_(" and ").join(_period_name(periods, r.name) for r in named),
                values=", ".join(parts),
            )
        return _("widen date ({operator}) to include {values}").format(
            operator=self.name, values=", ".join(parts)
        )


def _period_name(periods: Mapping[str, Period], name: str | None) -> str:
    """A period as the amend summary names it: its label (in the current language), else its
    name as the file gives it."""
    period = periods.get(name or "")
    label = localized(period, "label") if period is not None else None
    return str(label or name)


class Within(_RangeOperator):
    name = "within"
    relaxes_partial = True
    doc_value = "ranges"
    doc_holds = "every possible day lies inside the ranges taken together"

    def fits(self, period: Period, s: int, e: int) -> bool:
        return period.start <= s and e <= period.end

    def day_truth_spans(
        self, spans: list[tuple[int, int]], s: np.ndarray, e: np.ndarray
    ) -> np.ndarray:
        inside = _inside(merge_spans(spans), s, e)
        total = e - s + 1
        return np.where(inside == total, TRUE, np.where(inside == 0, FALSE, UNKNOWN_TV))

    def requirement(self, leaf: Leaf, negated: bool) -> str:
        if negated:
            return _("a date not within {ranges}").format(ranges=_ranges(leaf.value))
        return _("a date within {ranges}").format(ranges=_ranges(leaf.value))

    def gap(self, leaf: Leaf, negated: bool) -> str:
        if negated:
            return _("Date in {ranges}").format(ranges=_ranges(leaf.value))
        return _("Date outside {ranges}").format(ranges=_ranges(leaf.value))


class Overlaps(_RangeOperator):
    name = "overlaps"
    doc_value = "ranges"
    doc_holds = "some possible day lies inside the ranges"

    def fits(self, period: Period, s: int, e: int) -> bool:
        return period.start <= e and s <= period.end

    def day_truth_spans(
        self, spans: list[tuple[int, int]], s: np.ndarray, e: np.ndarray
    ) -> np.ndarray:
        return np.where(_inside(merge_spans(spans), s, e) > 0, TRUE, FALSE)

    def requirement(self, leaf: Leaf, negated: bool) -> str:
        if negated:
            return _("a date not overlapping {ranges}").format(ranges=_ranges(leaf.value))
        return _("a date overlapping {ranges}").format(ranges=_ranges(leaf.value))

    def gap(self, leaf: Leaf, negated: bool) -> str:
        if negated:
            return _("Date in {ranges}").format(ranges=_ranges(leaf.value))
        return _("Date outside {ranges}").format(ranges=_ranges(leaf.value))


class _BoundOperator(_DateOperator):
    """before / after: relaxed by moving the bound just past the incidents' days."""

    relaxable = True
    takes_one_date = True

    def bound_text(self, leaf: Leaf) -> str:
        refs: tuple[RangeRef, ...] = leaf.value
        if len(refs) == 1 and refs[0].name is None:
            day = refs[0].start if self.name == "before" else refs[0].end
            return format_date(dt.date.fromordinal(day))
        return _ranges(refs)

    def relax(self, leaf: Leaf, need: Need) -> Relaxation:
        if self.name == "before":
            day = max(e for _s, e in need.spans) + 1
        else:
            day = min(s for s, _e in need.spans) - 1
        bound = _iso(day)
        new = replace(leaf, value=(RangeRef(day, day, source=bound),), source=bound)
        words = _("move the {op} bound of date to {bound}").format(op=self.name, bound=bound)
        return Relaxation(new, words)


class Before(_BoundOperator):
    name = "before"
    doc_value = "ranges, or one date"
    doc_holds = "the incident's last possible day is before the ranges' first day"

    def day_truth(self, leaf: Leaf, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        first = min(a for a, _b in self.spans(leaf))
        return np.where(e < first, TRUE, np.where(s >= first, FALSE, UNKNOWN_TV))

    def requirement(self, leaf: Leaf, negated: bool) -> str:
        if negated:
            return _("a date not before {bound}").format(bound=self.bound_text(leaf))
        return _("a date before {bound}").format(bound=self.bound_text(leaf))

    def gap(self, leaf: Leaf, negated: bool) -> str:
        if negated:
            return _("Date before {bound}").format(bound=self.bound_text(leaf))
        return _("Date not before {bound}").format(bound=self.bound_text(leaf))


class After(_BoundOperator):
    name = "after"
    doc_value = "ranges, or one date"
    doc_holds = "the incident's first possible day is after the ranges' last day"

    def day_truth(self, leaf: Leaf, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        last = max(b for _a, b in self.spans(leaf))
        return np.where(s > last, TRUE, np.where(e <= last, FALSE, UNKNOWN_TV))

    def requirement(self, leaf: Leaf, negated: bool) -> str:
        if negated:
            return _("a date not after {bound}").format(bound=self.bound_text(leaf))
        return _("a date after {bound}").format(bound=self.bound_text(leaf))

    def gap(self, leaf: Leaf, negated: bool) -> str:
        if negated:
            return _("Date after {bound}").format(bound=self.bound_text(leaf))
        return _("Date not after {bound}").format(bound=self.bound_text(leaf))


#: every rule operator by the name rule files use, in the order the docs list them
OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        Equals(),
        In(),
        NotIn(),
        Matches(),
        Missing(),
        Within(),
        Overlaps(),
        Before(),
        After(),
    )
}


def operator(name: str) -> Operator:
    """The operator called `name` (KeyError with a "did you mean" when there is none)."""
    try:
        return OPERATORS[name]
    except KeyError:
        raise KeyError(f"unknown operator {name!r}{did_you_mean(name, OPERATORS)}") from None


def operators_for(field: str) -> tuple[str, ...]:
    """The operators that apply to `field`, in the registry's order."""
    return tuple(name for name, op in OPERATORS.items() if op.applies_to(field))


def requirement(leaf: Leaf, negated: bool) -> str:
    """What a leaf asks for, as words after 'clause X requires'."""
    return operator(leaf.op).requirement(leaf, negated)


def generated_gap(leaf: Leaf, negated: bool) -> str:
    """A gap label for a leaf that has none."""
    return operator(leaf.op).gap(leaf, negated)


def gap_label(leaf: Leaf, negated: bool) -> str:
    """The leaf's gap label: the file's (in the current language), else the generated one."""
    return localized(leaf, "gap") if leaf.gap else generated_gap(leaf, negated)


def leaf_schema(field: str | None = None) -> dict[str, Any]:
    """Draft-07 schema of one leaf `{field: F, OP: VALUE, gap, gap_fr}` (on `field` if given)."""
    names = operators_for(field) if field is not None else tuple(OPERATORS)
    return {
        "type": "object",
        "properties": {
            "field": {"enum": [field] if field else list(FIELDS)},
            "gap": {"type": "string"},
            "gap_fr": {"type": "string"},
            **{name: OPERATORS[name].value_schema(field) for name in names},
        },
        "required": ["field"],
        "additionalProperties": False,
        "minProperties": 2,
        "maxProperties": 4,
    }
