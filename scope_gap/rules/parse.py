"""Rule files -> Mandate, collecting every problem with its line and column."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import Location, RuleError, RulesError, date_problem, did_you_mean
from ..files import display_path, read_rule_file
from ..i18n import _, is_default_language
from ..model import (
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
    date_value_interval,
    normalize_name,
)
from ..operators import FIELDS, OPERATORS, operators_for, plain
from .yamlload import YList, YMap, load_yaml

MANDATE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TOP_KEYS = ("mandate", "periods", "clauses")
MANDATE_KEYS = ("id", "title", "title_fr", "authority", "authority_fr", "url")
PERIOD_KEYS = ("start", "end", "label", "label_fr")
CLAUSE_KEYS = ("id", "ref", "text", "text_fr", "short", "short_fr", "coverage", "when")
COMBINATORS = ("all", "any", "not")
LEAF_EXTRA_KEYS = ("field", "gap", "gap_fr")
MAX_DEPTH = 64


def _mandate_section() -> str:
    """How messages name the `mandate` mapping of a rule file ("mandate" in English)."""
    return "mandate" if is_default_language() else _("the mandate section")


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
            for key in ("title_fr", "authority", "authority_fr", "url"):
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
            authority_fr=extra.get("authority_fr"),
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
                        short=self.text(spec, "short", a_clause),
                        short_fr=self.text(spec, "short_fr", a_clause),
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
                hint = did_you_mean(str(key), (*OPERATORS, *LEAF_EXTRA_KEYS, *COMBINATORS))
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
        if field not in FIELDS:
            hint = did_you_mean(str(raw_field), FIELDS)
            self.error(
                _("unknown field '{field}'{hint}; expected one of: {expected}").format(
                    field=raw_field, hint=hint, expected=", ".join(FIELDS)
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
                        expected=", ".join(operators_for(field)),
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
        allowed = operators_for(field)
        if op not in allowed:
            self.error(
                _(
                    "operator '{operator}' does not apply to '{field}'; expected one of: {expected}"
                ).format(operator=op, field=field, expected=", ".join(allowed)),
                spec.key_marks[op],
            )
            return None
        value = OPERATORS[op].parse(self, field, spec[op], spec.value_marks[op])
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

    def item_marks(self, items: list[Any], at: Location) -> list[Location]:
        marks = getattr(items, "item_marks", None)
        return list(marks) if marks is not None else [at] * len(items)

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
    if mandate is not None:
        mandate = replace(mandate, text=text)
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
        mandate = replace(mandate, sha256=hashlib.sha256(data).hexdigest())
    return mandate, errors


def load_mandate_file(path: str | Path, shown_as: str | None = None) -> Mandate:
    """Read a rule file or raise RulesError with every problem."""
    mandate, errors = read_mandate(path, shown_as)
    if errors or mandate is None:
        raise RulesError(errors)
    return mandate
