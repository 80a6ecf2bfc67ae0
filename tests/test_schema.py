"""The JSON Schema of rule files (SPEC 9): generated from the parser's tables, committed and
shipped, named by every bundled rule file, and in agreement with the parser."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from ruamel.yaml import YAML

from scope_gap.cli import main
from scope_gap.model import COLUMNS, ENUMS
from scope_gap.rules import OPERATORS, parse_mandate_text
from scope_gap.rules.schema import (
    COMMENT_PREFIX,
    mandate_schema,
    schema_comment_for,
    schema_path,
    schema_text,
)

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "rules" / "mandate.schema.json"
VALIDATOR = jsonschema.Draft7Validator(mandate_schema())


def as_yaml12(value):
    """What a YAML 1.2 (core schema) reader gives: dates stay text."""
    if isinstance(value, dict):
        return {k: as_yaml12(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_yaml12(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load12(text: str):
    reader = YAML(typ="safe", pure=True)
    reader.version = (1, 2)
    return as_yaml12(reader.load(text))


def schema_errors(text: str) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(load12(text))]


def parser_errors(text: str) -> list[str]:
    return [str(e) for e in parse_mandate_text(text, "case.yaml")[1]]


def test_the_committed_schema_is_the_generated_one():
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "rules/mandate.schema.json is out of date: "
        "run `scope-gap rules schema -o rules/mandate.schema.json` and commit it"
    )


def test_the_schema_is_a_valid_draft_07_schema():
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


def test_generation_does_not_depend_on_hash_seeds():
    code = "from scope_gap.rules.schema import schema_text; print(schema_text(), end='')"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "1", "4242")
    }
    assert outputs == {schema_text()}


def test_rules_schema_prints_it():
    result = CliRunner().invoke(main, ["rules", "schema"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == schema_text()


def test_rules_schema_writes_it_to_a_file(tmp_path):
    target = tmp_path / "s.json"
    result = CliRunner().invoke(main, ["rules", "schema", "-o", str(target)])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == schema_text()


def test_the_schema_names_every_field_operator_and_enumerated_value():
    text = schema_text()
    for name in [*COLUMNS, *OPERATORS, *(v for vs in ENUMS.values() for v in vs if v != "unknown")]:
        assert f'"{name}"' in text, name


def test_the_package_ships_the_schema_beside_the_bundled_rules():
    assert schema_path().read_text(encoding="utf-8") == schema_text()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"rules" = "scope_gap/bundled/rules"' in pyproject


BUNDLED = sorted((ROOT / "rules").glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_rule_file_names_the_schema_on_its_first_line(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == schema_comment_for(path) == COMMENT_PREFIX + "mandate.schema.json"
    assert (path.parent / first.removeprefix(COMMENT_PREFIX)).resolve() == COMMITTED.resolve()


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_mandate_validates(path):
    text = path.read_text(encoding="utf-8")
    assert schema_errors(text) == []
    # a YAML 1.1 reader (PyYAML) gives date objects, which the schema lets through too
    assert list(VALIDATOR.iter_errors(yaml.safe_load(text))) == []


def test_every_valid_hostile_rule_fixture_validates():
    checked = 0
    for path in sorted((ROOT / "tests" / "data" / "hostile").glob("*.yaml")):
        if path.stat().st_size > 100_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if parser_errors(text):
            continue
        checked += 1
        assert schema_errors(text) == [], path.name
    assert checked >= 1


def test_the_comment_for_a_file_elsewhere_resolves_from_there(tmp_path):
    target = tmp_path / "out" / "m.yaml"
    target.parent.mkdir()
    line = schema_comment_for(target)
    assert line.startswith(COMMENT_PREFIX)
    where = line.removeprefix(COMMENT_PREFIX)
    assert not Path(where).is_absolute()
    assert (target.parent / where).resolve() == schema_path().resolve()


# --- schema and parser agree ------------------------------------------------------------------

HEAD = """mandate: {id: m-1, title: A mandate}
periods:
  P1: {start: 2019-09-11, end: 2019-10-21, label: An election}
  P2: {start: 2021, end: 2021-11}
clauses:
"""


def clause(when: str, extra: str = "") -> str:
    return HEAD + f"  - id: A\n{extra}    when: {when}\n"


#: (name, rule file text, valid?) -- both the parser and the schema must give `valid`
AGREE = [
    ("one leaf", clause("{field: level, in: [federal]}"), True),
    ("equals", clause("{field: event_type, equals: general_election}"), True),
    ("spelling the parser accepts", clause("{field: Event Type, equals: General-Election}"), True),
    ("not_in", clause("{field: level, not_in: [municipal, other]}"), True),
    ("free text in", clause("{field: actor, in: [PRC, India]}"), True),
    ("numbers as text", clause("{field: title, in: [1, 2]}"), True),
    ("matches", clause('{field: summary, matches: "memberships?"}'), True),
    ("missing", clause("{field: actor, missing: true}"), True),
    ("within a name", clause("{field: date, within: P1}"), True),
    ("within names and pairs", clause("{field: date, within: [P1, [2020-01, 2020-03-31]]}"), True),
    ("within one pair", clause("{field: date, within: [2019, 2020]}"), True),
    ("overlaps", clause("{field: date, overlaps: [P2]}"), True),
    ("before a date", clause("{field: date, before: 2019-09-11}"), True),
    ("after a year", clause("{field: date, after: 2019}"), True),
    ("missing date", clause("{field: date, missing: false}"), True),
    (
        "all any not",
        clause(
            "{all: [{field: level, in: [federal]}, {any: [{field: date, within: P1},"
            " {not: {field: event_type, equals: referendum}}]}]}"
        ),
        True,
    ),
    (
        "gap labels",
        clause("{field: level, in: [federal], gap: Not federal, gap_fr: Pas fédéral}"),
        True,
    ),
    (
        "every clause key",
        clause(
            "{field: level, in: [federal]}",
            '    ref: "(a)"\n    text: t\n    text_fr: t\n    coverage: context\n',
        ),
        True,
    ),
    (
        "coverage in capitals",
        clause("{field: level, in: [federal]}", "    coverage: Context\n"),
        True,
    ),
    (
        "no periods",
        "mandate: {id: m, title: t}\nclauses:\n  - {id: A, when: {field: level, equals: federal}}\n",
        True,
    ),
    # refused by both
    ("unknown operator", clause("{field: level, inn: [federal]}"), False),
    ("unknown field", clause("{field: levl, in: [federal]}"), False),
    ("unknown enumerated value", clause("{field: level, in: [federl]}"), False),
    ("unknown value in equals", clause("{field: evidence, equals: rumour}"), False),
    ("unknown named as a value", clause("{field: actor, in: [unknown]}"), False),
    ("unknown named on an enumerated field", clause("{field: level, equals: Unknown}"), False),
    (
        "unknown top-level key",
        HEAD.replace("clauses:", "extra: 1\nclauses:")
        + "  - {id: A, when: {field: level, equals: federal}}\n",
        False,
    ),
    (
        "unknown mandate key",
        clause("{field: level, in: [federal]}").replace(
            "title: A mandate", "title: A mandate, tittle: x"
        ),
        False,
    ),
    (
        "unknown period key",
        clause("{field: level, in: [federal]}").replace("label: An election", "lable: x"),
        False,
    ),
    ("unknown clause key", clause("{field: level, in: [federal]}", "    reff: x\n"), False),
    (
        "unknown coverage",
        clause("{field: level, in: [federal]}", "    coverage: background\n"),
        False,
    ),
    ("two operators", clause("{field: level, in: [federal], equals: federal}"), False),
    ("no operator", clause("{field: level}"), False),
    ("no field", clause("{in: [federal]}"), False),
    ("text operator on the date", clause("{field: date, equals: 2019}"), False),
    ("date operator on text", clause("{field: level, within: P1}"), False),
    ("empty in", clause("{field: level, in: []}"), False),
    ("in takes a list", clause("{field: level, in: federal}"), False),
    ("missing takes a boolean", clause("{field: actor, missing: maybe}"), False),
    ("empty all", clause("{all: []}"), False),
    (
        "combinator with a field",
        clause("{all: [{field: level, equals: federal}], field: level}"),
        False,
    ),
    ("not a date", clause("{field: date, within: [[2019-13, 2020]]}"), False),
    ("a pair of three", clause("{field: date, within: [[2019, 2020, 2021]]}"), False),
    ("within one date", clause("{field: date, within: 2019}"), False),
    (
        "period without end",
        clause("{field: level, in: [federal]}").replace(", end: 2021-11}", "}"),
        False,
    ),
    (
        "mandate id pattern",
        clause("{field: level, in: [federal]}").replace("id: m-1", "id: ../x"),
        False,
    ),
    ("no title", clause("{field: level, in: [federal]}").replace(", title: A mandate", ""), False),
    ("clause without when", HEAD + "  - id: A\n", False),
    ("no clauses", "mandate: {id: m, title: t}\nclauses: []\n", False),
    ("not a mapping", "- 1\n", False),
]

#: what a schema cannot say: the parser refuses these, the schema lets them through
PARSER_ONLY = [
    ("inverted range", clause("{field: date, within: [[2020, 2019]]}")),
    ("inverted period", clause("{field: date, within: P1}").replace("end: 2021-11", "end: 2020")),
    ("unknown period", clause("{field: date, within: [P3]}")),
    ("clause id used twice", HEAD + "  - {id: A, when: {field: level, equals: federal}}\n" * 2),
    ("pattern RE2 refuses", clause('{field: title, matches: "(a)\\\\1"}')),
]


@pytest.mark.parametrize(("name", "text", "valid"), AGREE, ids=[c[0] for c in AGREE])
def test_schema_and_parser_agree(name, text, valid):
    parsed, schema = parser_errors(text), schema_errors(text)
    assert (not parsed) is valid, parsed
    assert (not schema) is valid, schema


@pytest.mark.parametrize(("name", "text"), PARSER_ONLY, ids=[c[0] for c in PARSER_ONLY])
def test_the_parser_stays_the_authority_on_what_a_schema_cannot_say(name, text):
    assert parser_errors(text)
    assert schema_errors(text) == []


def test_an_amended_mandate_names_the_schema_by_a_path_that_resolves_from_its_folder(tmp_path):
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main, ["amend", "--cover", "FI-004", "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    amended = out / "hogue-2023-amended.yaml"
    text = amended.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith(COMMENT_PREFIX)
    assert text.count(COMMENT_PREFIX) == 1
    where = first.removeprefix(COMMENT_PREFIX)
    assert (amended.parent / where).resolve() == schema_path().resolve()
    assert schema_errors(text) == []


def _rule_files_in_the_tests() -> list[tuple[str, str]]:
    """Every string of the test suite that is a whole rule file (`mandate:` ... `clauses:`)."""
    import ast

    found = []
    for source in sorted((ROOT / "tests").glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if text.lstrip().startswith("mandate:") and "\nclauses:" in text:
                    found.append((f"{source.name}:{node.lineno}", text))
    return found


def test_every_valid_rule_file_of_the_test_suite_validates():
    checked = 0
    for where, text in _rule_files_in_the_tests():
        if parser_errors(text):
            continue
        checked += 1
        assert schema_errors(text) == [], where
    assert checked >= 5
