"""`rules new` (SPEC 9): a commented starting mandate that passes `rules check` and `rules test`
as written, in English or French."""

from __future__ import annotations

import re

import jsonschema
import pytest
from click.testing import CliRunner

from scope_gap.cli import main
from scope_gap.rules import OPERATORS, parse_mandate_text
from scope_gap.rules.schema import COMMENT_PREFIX, mandate_schema, schema_path
from tests.test_mandatediff import _english_pieces
from tests.test_schema import load12


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


@pytest.fixture(params=["en", "fr"])
def written(request, tmp_path):
    target = tmp_path / "my-inquiry.yaml"
    result = run("rules", "new", "my-inquiry", "-o", target, "--lang", request.param)
    assert result.exit_code == 0, result.output
    return request.param, target


def test_it_passes_rules_check_as_written(written):
    _lang, target = written
    result = run("rules", "check", target, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "ok (my-inquiry, 2 clauses)" in result.output


def test_it_has_two_periods_an_examined_and_a_context_clause(written):
    _lang, target = written
    mandate, errors = parse_mandate_text(target.read_text(encoding="utf-8"), str(target))
    assert not errors
    assert mandate.id == "my-inquiry"
    assert len(mandate.periods) == 2
    assert [c.coverage.value for c in mandate.clauses] == ["examined", "context"]


def test_every_operator_is_shown_in_a_comment(written):
    _lang, target = written
    comments = [
        line
        for line in target.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith("#")
    ]
    for op in OPERATORS:
        assert any(re.search(rf"\b{op}: ", line) for line in comments), op


def test_it_names_the_schema_and_validates_against_it(written):
    _lang, target = written
    text = target.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith(COMMENT_PREFIX)
    assert (target.parent / first.removeprefix(COMMENT_PREFIX)).resolve() == schema_path().resolve()
    assert list(jsonschema.Draft7Validator(mandate_schema()).iter_errors(load12(text))) == []


def test_it_round_trips_through_rules_test(written, tmp_path):
    _lang, target = written
    tests = tmp_path / "my-inquiry-tests.yaml"
    tests.write_text(
        f"mandate: {target.name}\n"
        "cases:\n"
        "  - name: a federal election incident during the election period is examined\n"
        "    incident: {id: T1, title: t, date: 2021-09-01, level: federal, event_type: general_election}\n"
        "    expect: {status: in_scope, covered_by: [A, B]}\n"
        "  - name: a municipal one is only context\n"
        "    incident: {id: T2, title: t, date: 2021-09-01, level: municipal, event_type: general_election}\n"
        "    expect: {status: context_only, covered_by: [B]}\n"
        "  - name: a foreign process is out of scope\n"
        "    incident: {id: T3, title: t, date: 2021-09-01, level: other, event_type: general_election}\n"
        "    expect: {status: out_of_scope}\n"
        "  - name: a federal election incident in the weeks following is examined\n"
        "    incident: {id: T4, title: t, date: 2021-11-15, level: federal, event_type: by_election}\n"
        "    expect: {status: in_scope}\n",
        encoding="utf-8",
    )
    result = run("rules", "test", tests, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "4 passed, 0 failed" in result.output


def test_it_is_the_same_as_itself_for_rules_diff(written):
    _lang, target = written
    assert run("rules", "diff", target, target, "--exit-code").exit_code == 0


def test_french_comments_and_texts_are_french(tmp_path):
    result = run("rules", "new", "mon-enquete", "--lang", "fr", catch_exceptions=False)
    assert "Mandat de départ pour scope-gap" in result.output
    assert "Titre de l'enquête ou de l'examen" in result.output
    left = [p for p in _english_pieces() if p in result.output]
    assert not left, left


def test_standard_output_without_o(tmp_path):
    result = run("rules", "new", "x1", catch_exceptions=False)
    assert result.exit_code == 0
    assert "\n  id: x1\n" in result.output
    assert parse_mandate_text(result.output, "x1.yaml")[1] == []


def test_an_existing_file_is_never_written_over(tmp_path):
    target = tmp_path / "m.yaml"
    target.write_text("mine", encoding="utf-8")
    result = run("rules", "new", "m", "-o", target)
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("bad", ["../x", "-x", "a b", ""])
def test_an_id_outside_the_pattern_is_a_usage_error(bad):
    result = run("rules", "new", "--", bad) if bad.startswith("-") else run("rules", "new", bad)
    assert result.exit_code == 2
    assert "[A-Za-z0-9][A-Za-z0-9._-]*" in result.output
