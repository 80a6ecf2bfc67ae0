"""Rule files -> Mandate, collecting every problem with its line and column."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from ..errors import Location, RuleError, RulesError, date_problem, did_you_mean
from ..files import display_path, read_rule_file
from ..i18n import DEFAULT_LANGUAGE, _, language
from ..model import (
    COLUMNS,
    ENUMS,
    UNKNOWN,
    All,
    AnyOf,
    Clause,
    Coverage,
    DateFormatError,
    Leaf,
    Mandate,
    Node,
    Not,
    Period,
    RangeRef,
    compile_pattern,
    date_value_interval,
    normalize_name,
)
from .yamlload import YList, YMap, load_yaml

MANDATE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TOP_KEYS = ("mandate", "periods", "clauses")
MANDATE_KEYS = ("id", "title", "title_fr", "authority", "url")
PERIOD_KEYS = ("start", "end", "label", "label_fr")
CLAUSE_KEYS = ("id", "ref", "text", "text_fr", "coverage", "when")
COMBINATORS = ("all", "any", "not")
TEXT_OPERATORS = ("equals", "in", "not_in", "matches", "missing")
DATE_OPERATORS = ("within", "overlaps", "before", "after", "missing")
OPERATORS = tuple(dict.fromkeys(TEXT_OPERATORS + DATE_OPERATORS))
LEAF_EXTRA_KEYS = ("field", "gap", "gap_fr")
MAX_DEPTH = 64


def plain(value: Any) -> Any:
    """A YAML value without its marks, dates as ISO text."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _mandate_section() -> str:
    """How messages name the `mandate` mapping of a rule file ("mandate" in English)."""
    return "mandate" if language() == DEFAULT_LANGUAGE else _("the mandate section")


def _period(name: Any) -> str:
    """How messages name a period of a rule file."""
    return _("period '{name}'").format(name=name)


class _Parser:
    def __init__(self, path: str):
        self.path = path
        self.errors: list[RuleError] = []
        self.periods: dict[str, Period] = {}
        self.broken_periods: set[str] = set()  # already reported; no second error where used

    def error(self, message: str, where: Location | None) -> None:
        self.errors.append(RuleError(message, where or Location(self.path)))

    # --- helpers -------------------------------------------------------------------------

    def check_keys(self, mapping: YMap, allowed: tuple[str, ...], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed)
                self.error(
                    _("unknown key '{key}' in {what}{hint}; expected one of: {expected}").format(
                        key=key, what=what, hint=hint, expected=", ".join(allowed)
                    ),
                    mapping.key_marks[key],
                )

    def text(self, mapping: YMap, key: str, what: str, required: bool = False) -> str | None:
        if key not in mapping or mapping[key] is None:
            if required:
                self.error(_("{what} needs '{key}'").format(what=what, key=key), mapping.mark)
            return None
        value = mapping[key]
        if isinstance(value, (dict, list)):
            self.error(
                _("'{key}' of {what} must be text").format(key=key, what=what),
                mapping.value_marks[key],
            )
            return None
        text = plain(value)
        return str(text)

    # --- the file ----------------------------------------------------------------------------

    def parse(self, root: Any) -> Mandate | None:
        if not isinstance(root, YMap):
            self.error(
                _("a mandate file must be a mapping with keys mandate, periods and clauses"),
                getattr(root, "mark", None),
            )
            return None
        self.check_keys(root, TOP_KEYS, _("the file"))
        head = root.get("mandate")
        mandate_id = title = None
        extra: dict[str, str | None] = {}
        if not isinstance(head, YMap):
            self.error(
                _("'mandate' must be a mapping with id and title"),
                root.value_marks.get("mandate", root.mark),
            )
        else:
            section = _mandate_section()
            self.check_keys(head, MANDATE_KEYS, section)
            mandate_id = self.text(head, "id", section, required=True)
            if mandate_id is not None and not MANDATE_ID.fullmatch(mandate_id):
                self.error(
                    _(
                        "mandate id '{id}' is not allowed: it must match {pattern} "
                        "(it becomes part of file names)"
                    ).format(id=mandate_id, pattern="[A-Za-z0-9][A-Za-z0-9._-]*"),
                    head.value_marks["id"],
                )
            title = self.text(head, "title", section, required=True)
            for key in ("title_fr", "authority", "url"):
                extra[key] = self.text(head, key, section)
        if "periods" in root and root["periods"] is not None:
            self.parse_periods(root["periods"], root.value_marks["periods"])
        clauses = self.parse_clauses(
            root.get("clauses"), root.value_marks.get("clauses", root.mark)
        )
        if self.errors or mandate_id is None or title is None:
            return None
        return Mandate(
            id=mandate_id,
            title=title,
            clauses=tuple(clauses),
            periods=dict(self.periods),
            authority=extra.get("authority"),
            url=extra.get("url"),
            title_fr=extra.get("title_fr"),
            path=self.path,
        )

    def parse_periods(self, periods: Any, where: Location) -> None:
        if not isinstance(periods, YMap):
            self.error(_("'periods' must be a mapping of names to {start, end, label}"), where)
            return
        for name, spec in periods.items():
            at = periods.value_marks[name]
            self.broken_periods.add(str(name))
            if not isinstance(spec, YMap):
                self.error(
                    _("period '{name}' must be a mapping with start and end").format(name=name), at
                )
                continue
            self.check_keys(spec, PERIOD_KEYS, _period(name))
            bounds = []
            for key in ("start", "end"):
                if key not in spec:
                    self.error(
                        _("period '{name}' needs '{key}'").format(name=name, key=key), spec.mark
                    )
                    continue
                try:
                    interval = date_value_interval(spec[key])
                except DateFormatError as exc:
                    self.error(
                        _("period '{name}': {key} {problem}").format(
                            name=name, key=key, problem=date_problem(exc)
                        ),
                        spec.value_marks[key],
                    )
                    continue
                bounds.append(interval.start if key == "start" else interval.end)
            if len(bounds) != 2:
                continue
            if bounds[1] < bounds[0]:
                self.error(_("period '{name}' ends before it starts").format(name=name), spec.mark)
                continue
            self.broken_periods.discard(str(name))
            self.periods[str(name)] = Period(
                name=str(name),
                start=bounds[0],
                end=bounds[1],
                label=self.text(spec, "label", _period(name)),
                label_fr=self.text(spec, "label_fr", _period(name)),
            )

    def parse_clauses(self, clauses: Any, where: Location) -> list[Clause]:
        if not isinstance(clauses, YList) or not clauses:
            self.error(_("'clauses' must be a non-empty list of clauses"), where)
            return []
        out: list[Clause] = []
        seen: dict[str, Location] = {}
        for spec, at in zip(clauses, clauses.item_marks, strict=True):
            if not isinstance(spec, YMap):
                self.error(_("a clause must be a mapping with id and when"), at)
                continue
            a_clause = _("a clause")
            self.check_keys(spec, CLAUSE_KEYS, a_clause)
            clause_id = self.text(spec, "id", a_clause, required=True)
            if clause_id is not None:
                if clause_id in seen:
                    self.error(
                        _("clause id '{id}' is used twice (first on line {line})").format(
                            id=clause_id, line=seen[clause_id].line
                        ),
                        spec.value_marks["id"],
                    )
                else:
                    seen[clause_id] = spec.value_marks["id"]
            coverage = Coverage.EXAMINED
            raw_coverage = self.text(spec, "coverage", a_clause)
            if raw_coverage is not None:
                choices = [c.value for c in Coverage]
                if raw_coverage.strip().lower() in choices:
                    coverage = Coverage(raw_coverage.strip().lower())
                else:
                    self.error(
                        _(
                            "unknown coverage '{coverage}'{hint}; expected examined or context"
                        ).format(coverage=raw_coverage, hint=did_you_mean(raw_coverage, choices)),
                        spec.value_marks["coverage"],
                    )
            when = None
            if "when" not in spec:
                self.error(_("clause '{id}' needs 'when'").format(id=clause_id), spec.mark)
            else:
                when = self.parse_node(spec["when"], spec.value_marks["when"], 0)
            if clause_id is not None and when is not None:
                out.append(
                    Clause(
                        id=clause_id,
                        when=when,
                        ref=self.text(spec, "ref", a_clause),
                        text=self.text(spec, "text", a_clause),
                        text_fr=self.text(spec, "text_fr", a_clause),
                        coverage=coverage,
                        line=at.line,
                    )
                )
        return out

    # --- conditions --------------------------------------------------------------------------

    def parse_node(self, spec: Any, at: Location, depth: int) -> Node | None:
        if depth > MAX_DEPTH:
            self.error(
                _("conditions are nested more than {depth} deep").format(depth=MAX_DEPTH), at
            )
            return None
        if not isinstance(spec, YMap):
            self.error(_("a condition must be a mapping: {field: F, OP: VALUE} or all/any/not"), at)
            return None
        combinators = [k for k in spec if k in COMBINATORS]
        if combinators:
            if len(spec) > 1:
                others = [k for k in spec if k != combinators[0]]
                self.error(
                    _(
                        "'{combinator}' must stand alone in its mapping (found also: {others})"
                    ).format(combinator=combinators[0], others=", ".join(map(str, others))),
                    spec.key_marks[others[0]],
                )
                return None
            key = combinators[0]
            value, value_at = spec[key], spec.value_marks[key]
            if key == "not":
                part = self.parse_node(value, value_at, depth + 1)
                return Not(part) if part is not None else None
            if not isinstance(value, YList) or not value:
                self.error(
                    _("'{combinator}' must be a non-empty list of conditions").format(
                        combinator=key
                    ),
                    value_at,
                )
                return None
            parts = [
                self.parse_node(v, m, depth + 1)
                for v, m in zip(value, value.item_marks, strict=True)
            ]
            if any(p is None for p in parts):
                return None
            return (All if key == "all" else AnyOf)(tuple(parts))  # type: ignore[arg-type]
        return self.parse_leaf(spec, at)

    def parse_leaf(self, spec: YMap, at: Location) -> Leaf | None:
        ops = [k for k in spec if k in OPERATORS]
        ok = True
        for key in spec:
            if key not in OPERATORS and key not in LEAF_EXTRA_KEYS:
                hint = did_you_mean(str(key), OPERATORS + LEAF_EXTRA_KEYS + COMBINATORS)
                self.error(
                    _("unknown operator '{operator}'{hint}; expected one of: {expected}").format(
                        operator=key, hint=hint, expected=", ".join(OPERATORS)
                    ),
                    spec.key_marks[key],
                )
                ok = False
        if "field" not in spec:
            self.error(_("a condition needs 'field' (or all/any/not)"), spec.mark)
            return None
        raw_field = spec["field"]
        field_at = spec.value_marks["field"]
        field = normalize_name(str(raw_field))
        if field not in COLUMNS:
            hint = did_you_mean(str(raw_field), COLUMNS)
            self.error(
                _("unknown field '{field}'{hint}; expected one of: {expected}").format(
                    field=raw_field, hint=hint, expected=", ".join(COLUMNS)
                ),
                field_at,
            )
            return None
        if not ops:
            if ok:
                self.error(
                    _(
                        "the condition on '{field}' has no operator; expected one of: {expected}"
                    ).format(
                        field=field,
                        expected=", ".join(DATE_OPERATORS if field == "date" else TEXT_OPERATORS),
                    ),
                    spec.mark,
                )
            return None
        if len(ops) > 1:
            self.error(
                _(
                    "the condition on '{field}' has {count} operators ({operators}); "
                    "give one per condition and combine them with all/any"
                ).format(field=field, count=len(ops), operators=", ".join(ops)),
                spec.key_marks[ops[1]],
            )
            return None
        if not ok:
            return None
        op = ops[0]
        allowed = DATE_OPERATORS if field == "date" else TEXT_OPERATORS
        if op not in allowed:
            self.error(
                _(
                    "operator '{operator}' does not apply to '{field}'; expected one of: {expected}"
                ).format(operator=op, field=field, expected=", ".join(allowed)),
                spec.key_marks[op],
            )
            return None
        value = self.parse_value(field, op, spec[op], spec.value_marks[op])
        if value is None:
            return None
        gap = self.text(spec, "gap", _("a condition"))
        gap_fr = self.text(spec, "gap_fr", _("a condition"))
        return Leaf(
            field=field,
            op=op,
            value=value,
            gap=gap,
            gap_fr=gap_fr,
            line=at.line,
            column=at.column,
            source=plain(spec[op]),
        )

    def parse_value(self, field: str, op: str, value: Any, at: Location) -> Any:
        if op == "missing":
            if not isinstance(value, bool):
                self.error(
                    _("'missing' takes true or false, not {value}").format(
                        value=repr(plain(value))
                    ),
                    at,
                )
                return None
            return value
        if op in ("equals", "matches"):
            if isinstance(value, (dict, list)) or value is None:
                self.error(_("'{operator}' takes one value").format(operator=op), at)
                return None
            if op == "matches":
                return self.parse_pattern(str(value), at)
            return self.enum_value(field, value, at)
        if op in ("in", "not_in"):
            items = value if isinstance(value, YList) else None
            if items is None or not items:
                self.error(
                    _("'{operator}' takes a non-empty list of values, like [a, b]").format(
                        operator=op
                    ),
                    at,
                )
                return None
            out = []
            for item, item_at in zip(items, items.item_marks, strict=True):
                if isinstance(item, (dict, list)) or item is None:
                    self.error(
                        _("'{operator}' values must be plain values").format(operator=op), item_at
                    )
                    return None
                one = self.enum_value(field, item, item_at)
                if one is None:
                    return None
                out.append(one)
            return tuple(dict.fromkeys(out))
        return self.parse_ranges(op, value, at)

    def enum_value(self, field: str, value: Any, at: Location) -> str | None:
        text = str(plain(value)).strip()
        key = normalize_name(text)
        # SPEC: a rule may not name `unknown` as a value (on any field); it uses `missing`
        if key == UNKNOWN:
            self.error(
                _(
                    "a rule may not name '{value}' as a value of {field}; use "
                    "{{field: {field}, missing: true}} for a value that is not known"
                ).format(value=text, field=field),
                at,
            )
            return None
        if field not in ENUMS:
            return text
        allowed = [v for v in ENUMS[field] if v != UNKNOWN]
        if key not in allowed:
            self.error(
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

    def parse_pattern(self, pattern: str, at: Location) -> str | None:
        try:
            compile_pattern(pattern)
        except ValueError as exc:
            self.error(
                _("'matches' pattern '{pattern}' cannot be used: {reason}").format(
                    pattern=pattern, reason=exc
                ),
                at,
            )
            return None
        return pattern

    def parse_ranges(self, op: str, value: Any, at: Location) -> tuple[RangeRef, ...] | None:
        single_date_ok = op in ("before", "after")
        expected = (
            _(
                "a period name, a list of period names and [start, end] pairs, "
                "or one [start, end] pair, or one date"
            )
            if single_date_ok
            else _(
                "a period name, a list of period names and [start, end] pairs, "
                "or one [start, end] pair"
            )
        )
        if isinstance(value, str) and value in self.periods:
            return (self.period_ref(value),)
        if isinstance(value, str) and not single_date_ok:
            self.unknown_period(value, at)
            return None
        if isinstance(value, (str, dt.date, int)) and not isinstance(value, bool):
            if not single_date_ok:
                self.error(
                    _("'{operator}' takes {expected}").format(operator=op, expected=expected), at
                )
                return None
            try:
                interval = date_value_interval(value)
            except DateFormatError:
                if isinstance(value, str):
                    self.unknown_period(value, at)
                    return None
                self.error(
                    _("'{operator}' takes {expected}").format(operator=op, expected=expected), at
                )
                return None
            return (RangeRef(interval.start, interval.end, source=plain(value)),)
        if not isinstance(value, YList) or not value:
            self.error(
                _("'{operator}' takes {expected}").format(operator=op, expected=expected), at
            )
            return None
        if len(value) == 2 and all(self.is_date_like(v) for v in value):
            pair = self.pair(value, at)
            return (pair,) if pair else None
        out: list[RangeRef] = []
        for item, item_at in zip(value, value.item_marks, strict=True):
            if isinstance(item, str) and item in self.periods:
                out.append(self.period_ref(item))
            elif isinstance(item, YList):
                pair = self.pair(item, item_at)
                if pair is None:
                    return None
                out.append(pair)
            elif isinstance(item, str):
                self.unknown_period(item, item_at)
                return None
            else:
                self.error(
                    _("{value} is neither a period name nor a [start, end] pair").format(
                        value=repr(plain(item))
                    ),
                    item_at,
                )
                return None
        return tuple(out)

    def is_date_like(self, value: Any) -> bool:
        if isinstance(value, dt.date):
            return True
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            if isinstance(value, str) and value in self.periods:
                return False
            try:
                date_value_interval(value)
            except DateFormatError:
                return False
            return True
        return False

    def pair(self, items: YList, at: Location) -> RangeRef | None:
        if len(items) != 2:
            self.error(
                _("a range must be a [start, end] pair, not {count} values").format(
                    count=len(items)
                ),
                at,
            )
            return None
        try:
            start = date_value_interval(items[0]).start
            end = date_value_interval(items[1]).end
        except DateFormatError as exc:
            self.error(
                _("a range's dates must be dates: {problem}").format(problem=date_problem(exc)), at
            )
            return None
        if end < start:
            self.error(
                _("the range {range} ends before it starts").format(range=plain(list(items))), at
            )
            return None
        return RangeRef(start, end, source=plain(list(items)))

    def period_ref(self, name: str) -> RangeRef:
        period = self.periods[name]
        return RangeRef(period.start, period.end, name=name, source=name)

    def unknown_period(self, name: str, at: Location) -> None:
        if name in self.broken_periods:
            if not self.errors:  # cannot happen: a broken period was reported; stay loud
                self.error(_("period '{name}' cannot be used").format(name=name), at)
            return
        hint = did_you_mean(name, self.periods)
        known = ", ".join(self.periods) or _("none are defined")
        self.error(
            _("unknown period '{name}'{hint}; periods: {known}").format(
                name=name, hint=hint, known=known
            ),
            at,
        )


def parse_mandate_text(text: str, path: str) -> tuple[Mandate | None, list[RuleError]]:
    """Parse a rule file's text; returns the mandate (None on error) and every problem."""
    parser = _Parser(path)
    root = load_yaml(text, path, parser.errors)
    if root is None and not parser.errors:
        parser.error(_("the file is empty; expected keys mandate, periods and clauses"), None)
    if parser.errors:
        return None, parser.errors
    mandate = parser.parse(root)
    return mandate, parser.errors


def read_mandate(
    path: str | Path, shown_as: str | None = None
) -> tuple[Mandate | None, list[RuleError]]:
    """Read a rule file from disk: the mandate (with sha256) and every problem found."""
    name = display_path(shown_as or path)
    try:
        data = read_rule_file(path, name)
    except RuleError as exc:
        return None, [exc]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            RuleError(
                _("the file is not UTF-8 text (save it as UTF-8)"), Location(name, line, column)
            )
        ]
    mandate, errors = parse_mandate_text(text, name)
    if mandate is not None:
        from dataclasses import replace

        mandate = replace(mandate, sha256=hashlib.sha256(data).hexdigest())
    return mandate, errors


def load_mandate_file(path: str | Path, shown_as: str | None = None) -> Mandate:
    """Read a rule file or raise RulesError with every problem."""
    mandate, errors = read_mandate(path, shown_as)
    if errors or mandate is None:
        raise RulesError(errors)
    return mandate
