"""The JSON Schema (draft-07) of rule files, generated from the tables the parser reads.

Editors' YAML language servers complete and check a mandate with it while it is typed. It is
built from the parser's own key lists, fields, operators and enumerated values, so that it
cannot drift from them; `rules/mandate.schema.json` is this module's output, committed and
shipped with the package (a test keeps the two equal). What a schema cannot say stays the
parser's to check: inverted ranges, periods that are not defined, ids used twice, patterns
RE2 refuses, nesting deeper than the parser allows.

Dates in rule files are text to the schema, as they are to a YAML 1.2 reader (`2019-10-21`
is a string there); a YAML 1.1 reader's date objects, which are no JSON type, are let through.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from ..bundled import bundled_dir
from ..model import COLUMNS, ENUMS, UNKNOWN, Coverage
from .parse import (
    CLAUSE_KEYS,
    COMBINATORS,
    DATE_OPERATORS,
    LEAF_EXTRA_KEYS,
    MANDATE_ID,
    MANDATE_KEYS,
    OPERATORS,
    PERIOD_KEYS,
    TEXT_OPERATORS,
    TOP_KEYS,
)

SCHEMA_NAME = "mandate.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"
#: the comment a YAML language server reads on a rule file's first line
COMMENT_PREFIX = "# yaml-language-server: $schema="

_JSON_TYPES = ["string", "number", "integer", "boolean", "null", "array", "object"]
#: a value that JSON has no type for (a YAML 1.1 reader's date): no JSON type matches it
_NOT_JSON = {"not": {"type": _JSON_TYPES}}
_DATE_TEXT = r"^(?!0000)[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/definitions/{name}"}


def _loose(word: str) -> str:
    """A pattern for `word` as the parser reads names and enumerated values: trimmed, any case,
    a space or hyphen where the canonical form has an underscore."""
    out = []
    for char in word:
        if char == "_":
            out.append(r"[\s_-]")
        elif char.isalpha():
            out.append(f"[{char.lower()}{char.upper()}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _one_of_words(words: list[str], description: str) -> dict[str, Any]:
    """Exactly these words (offered for completion), or any spelling the parser accepts."""
    loose = "|".join(_loose(w) for w in words)
    return {
        "description": description,
        "anyOf": [
            {"enum": list(words)},
            {"type": "string", "pattern": rf"^\s*({loose})\s*$"},
        ],
    }


def _definitions() -> dict[str, Any]:
    definitions: dict[str, Any] = {
        "text": {
            "description": "Text (a number or true/false is read as its text).",
            "not": {"type": ["object", "array", "null"]},
        },
        "optional_text": {
            "description": "Text; may be left empty.",
            "not": {"type": ["object", "array"]},
        },
        "date": {
            "description": "A date: YYYY, YYYY-MM or YYYY-MM-DD.",
            "anyOf": [
                {"type": "string", "pattern": _DATE_TEXT},
                {"type": "integer", "minimum": 1, "maximum": 9999},
                _NOT_JSON,
            ],
        },
        "range": {
            "description": "A [start, end] pair of dates, both days included.",
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": _ref("date"),
        },
        "period_name": {
            "description": "The name of a period defined under `periods`.",
            "type": "string",
        },
        "ranges": {
            "description": (
                "A period name, a list of period names and [start, end] pairs, "
                "or one [start, end] pair."
            ),
            "anyOf": [
                _ref("period_name"),
                _ref("range"),
                {
                    "type": "array",
                    "minItems": 1,
                    "items": {"anyOf": [_ref("period_name"), _ref("range")]},
                },
            ],
        },
        "bound": {
            "description": "Like a range list, or one date.",
            "anyOf": [_ref("ranges"), _ref("date")],
        },
        "not_unknown": {
            "description": (
                f"A rule may not name `{UNKNOWN}` as a value; use `missing: true` instead."
            ),
            "not": {"type": "string", "pattern": rf"^\s*{_loose(UNKNOWN)}\s*$"},
        },
        "value": {
            "description": "One value.",
            "allOf": [{"not": {"type": ["object", "array", "null"]}}, _ref("not_unknown")],
        },
        "period": {
            "description": "A named date range, both ends included.",
            "type": "object",
            "required": ["start", "end"],
            "additionalProperties": False,
            "properties": {
                key: _ref("date") if key in ("start", "end") else _ref("optional_text")
                for key in PERIOD_KEYS
            },
        },
        "clause": _clause(),
        "condition": {
            "description": (
                "A condition: {field: F, OPERATOR: VALUE} (with an optional gap label), "
                "or all: [...], any: [...], not: condition."
            ),
            **_by_combinator(list(COMBINATORS)),
        },
        "leaf": _leaf(),
    }
    for name in COMBINATORS:
        part = (
            _ref("condition")
            if name == "not"
            else {"type": "array", "minItems": 1, "items": _ref("condition")}
        )
        definitions[f"{name}_condition"] = {
            "type": "object",
            "required": [name],
            "additionalProperties": False,
            "properties": {name: part},
        }
    for field, values in ENUMS.items():
        allowed = [v for v in values if v != UNKNOWN]
        definitions[f"{field}_value"] = _one_of_words(allowed, f"A value of {field}.")
    return definitions


def _by_combinator(names: list[str]) -> dict[str, Any]:
    """A combinator's schema when its key is there, else the next one's, else a leaf's: each
    mistake is then reported against the one shape it was meant to have."""
    if not names:
        return _ref("leaf")
    return {
        "if": {"required": [names[0]]},
        "then": _ref(f"{names[0]}_condition"),
        "else": _by_combinator(names[1:]),
    }


def _clause() -> dict[str, Any]:
    special: dict[str, Any] = {
        "id": _ref("text"),
        "coverage": {
            "description": (
                "examined: the inquiry examines a matching incident; context: only as "
                "background. Default examined."
            ),
            "anyOf": [{"type": "null"}, _one_of_words([c.value for c in Coverage], "Coverage.")],
        },
        "when": _ref("condition"),
    }
    return {
        "description": "One clause of the mandate.",
        "type": "object",
        "required": ["id", "when"],
        "additionalProperties": False,
        "properties": {key: special.get(key, _ref("optional_text")) for key in CLAUSE_KEYS},
    }


def _value_schema(op: str, field: str) -> dict[str, Any]:
    """The JSON Schema of an operator's value on a field."""
    one = _ref(f"{field}_value") if field in ENUMS else _ref("value")
    match op:
        case "equals":
            return one
        case "in" | "not_in":
            return {"type": "array", "minItems": 1, "items": one}
        case "matches":
            return _ref("value")
        case "missing":
            return {"type": "boolean"}
        case "within" | "overlaps":
            return _ref("ranges")
        case "before" | "after":
            return _ref("bound")
        case _:
            raise ValueError(f"no JSON Schema for operator {op!r}")


def _leaf() -> dict[str, Any]:
    extra = {key: _ref("optional_text") for key in LEAF_EXTRA_KEYS if key != "field"}
    groups = [
        (["date"], DATE_OPERATORS),
        *(([field], TEXT_OPERATORS) for field in ENUMS),
        ([f for f in COLUMNS if f != "date" and f not in ENUMS], TEXT_OPERATORS),
    ]
    cases = [
        {
            "if": {
                "properties": {"field": _one_of_words(fields, ", ".join(fields))},
                "required": ["field"],
            },
            "then": {
                "properties": {op: _value_schema(op, fields[0]) for op in ops},
                "propertyNames": {"enum": ["field", *extra, *ops]},
            },
        }
        for fields, ops in groups
    ]
    return {
        "description": "{field: F, OPERATOR: VALUE}: one condition on one column.",
        "type": "object",
        "required": ["field"],
        "additionalProperties": False,
        "properties": {
            "field": _one_of_words(list(COLUMNS), "A column of the input contract."),
            **extra,
            **{op: {} for op in OPERATORS},
        },
        "oneOf": [{"required": [op]} for op in OPERATORS],
        "allOf": cases,
    }


def mandate_schema() -> dict[str, Any]:
    """The JSON Schema of a rule file."""
    mandate_props: dict[str, Any] = {key: _ref("optional_text") for key in MANDATE_KEYS}
    mandate_props["id"] = {
        "description": "Used in output file names.",
        "allOf": [_ref("text"), {"pattern": f"^{MANDATE_ID.pattern}$", "minimum": 0}],
    }
    mandate_props["title"] = _ref("text")
    top: dict[str, Any] = {
        "mandate": {
            "description": "Which mandate this is.",
            "type": "object",
            "required": ["id", "title"],
            "additionalProperties": False,
            "properties": mandate_props,
        },
        "periods": {
            "description": "Named date ranges, both ends included.",
            "type": ["object", "null"],
            "additionalProperties": _ref("period"),
        },
        "clauses": {
            "description": "What the mandate lets the inquiry examine, clause by clause.",
            "type": "array",
            "minItems": 1,
            "items": _ref("clause"),
        },
    }
    return {
        "$schema": DRAFT,
        "title": "scope-gap mandate rule file",
        "description": (
            "A mandate as scope-gap rules (docs/rules.md). Generated by `scope-gap rules "
            "schema`; `scope-gap rules check` stays the authority on what a schema cannot "
            "say (undefined periods, inverted ranges, ids used twice)."
        ),
        "type": "object",
        "required": ["mandate", "clauses"],
        "additionalProperties": False,
        "properties": {key: top[key] for key in TOP_KEYS},
        "definitions": _definitions(),
    }


def schema_text() -> str:
    """The schema as the committed file holds it (stable: same tables, same bytes)."""
    return json.dumps(mandate_schema(), indent=2, ensure_ascii=False) + "\n"


def schema_path() -> Path:
    """Where the shipped schema file lives (inside the package, or `rules/` in a clone)."""
    return bundled_dir("rules") / SCHEMA_NAME


def schema_comment_for(path: str | Path) -> str:
    """The first-line comment that points a rule file written at `path` to the shipped schema,
    by a path relative to where the file is (a file: URI when no relative path exists)."""
    target = schema_path().resolve()
    folder = Path(path).resolve().parent
    try:
        where = Path(os.path.relpath(target, folder)).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        where = target.as_uri()
    return COMMENT_PREFIX + where
