"""The JSON Schema (draft-07) of rule files, generated from the tables the parser reads.

Editors' YAML language servers complete and check a mandate with it while it is typed. It is
built from the parser's key lists and from the operator registry (`scope_gap.operators`: the
fields, their enumerated values, which operators apply to which field, and each operator's
fragment for its VALUE), so that it cannot drift from them; `rules/mandate.schema.json` is
this module's output, committed and shipped with the package (a test keeps the two equal).
What a schema cannot say stays the parser's to check: inverted ranges, periods that are not
defined, ids used twice, patterns RE2 refuses, nesting deeper than the parser allows.

Dates in rule files are text to the schema, as they are to a YAML 1.2 reader (`2019-10-21`
is a string there); a YAML 1.1 reader's date objects, which are no JSON type, are let through.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..bundled import bundled_dir
from ..model import Coverage
from ..operators import FIELDS, OPERATORS, date_schema, operators_for, words_schema
from .parse import (
    CLAUSE_KEYS,
    COMBINATORS,
    LEAF_EXTRA_KEYS,
    MANDATE_ID,
    MANDATE_KEYS,
    PERIOD_KEYS,
    TOP_KEYS,
)

SCHEMA_NAME = "mandate.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"
#: the comment a YAML language server reads on a rule file's first line
COMMENT_PREFIX = "# yaml-language-server: $schema="


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/definitions/{name}"}


def _words(words: list[str], description: str) -> dict[str, Any]:
    return {"description": description, **words_schema(words)}


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


def _leaf() -> dict[str, Any]:
    """`{field: F, OP: VALUE}`: the operators that apply to F, each with its VALUE's fragment."""
    extra = {key: _ref("optional_text") for key in LEAF_EXTRA_KEYS if key != "field"}
    groups: dict[tuple[Any, ...], list[str]] = {}
    for name, spec in FIELDS.items():  # fields that take the same operators and values
        groups.setdefault((spec.kind, spec.values, operators_for(name)), []).append(name)
    cases = [
        {
            "if": {
                "properties": {"field": _words(fields, ", ".join(fields))},
                "required": ["field"],
            },
            "then": {
                "properties": {op: OPERATORS[op].value_schema(fields[0]) for op in ops},
                "propertyNames": {"enum": ["field", *extra, *ops]},
            },
        }
        for (_kind, _values, ops), fields in groups.items()
    ]
    return {
        "description": "{field: F, OPERATOR: VALUE}: one condition on one column.",
        "type": "object",
        "required": ["field"],
        "additionalProperties": False,
        "properties": {
            "field": _words(list(FIELDS), "A column of the input contract."),
            **extra,
            **{op: {} for op in OPERATORS},
        },
        "oneOf": [{"required": [op]} for op in OPERATORS],
        "allOf": cases,
    }


def _clause() -> dict[str, Any]:
    special: dict[str, Any] = {
        "id": _ref("text"),
        "coverage": {
            "description": (
                "examined: the inquiry examines a matching incident; context: only as "
                "background. Default examined."
            ),
            "anyOf": [{"type": "null"}, words_schema([c.value for c in Coverage])],
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
        "period": {
            "description": "A named date range, both ends included: YYYY, YYYY-MM or YYYY-MM-DD.",
            "type": "object",
            "required": ["start", "end"],
            "additionalProperties": False,
            "properties": {
                key: date_schema() if key in ("start", "end") else _ref("optional_text")
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
    return definitions


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


def with_schema_comment(text: str, path: str | Path) -> str:
    """A rule file's text to be written at `path`, its first line the schema comment that
    resolves from there (an earlier schema comment on the first line is replaced)."""
    first, newline, rest = text.partition("\n")
    if first.startswith(COMMENT_PREFIX):
        text = rest if newline else ""
    return schema_comment_for(path) + "\n" + text
