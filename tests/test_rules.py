import textwrap

import pytest

import scope_gap
from scope_gap.errors import RulesError
from scope_gap.rules import read_mandate

HEAD = """\
mandate:
  id: m
  title: T
periods:
  P: {start: 2019-01-01, end: 2019-12-31}
  Q: {start: 2021-01-01, end: 2021-12-31}
clauses:
"""


def errors_of(tmp_path, body, head=HEAD):
    path = tmp_path / "m.yaml"
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    mandate, errors = read_mandate(path)
    return [str(e).replace(str(path), "m.yaml") for e in errors]


def clause(when):
    return f"  - id: A\n    when: {when}\n"


def test_valid_file_loads(tmp_path):
    assert errors_of(tmp_path, clause("{field: level, in: [federal]}")) == []


@pytest.mark.parametrize(
    "when, expected",
    [
        (
            "{field: levle, in: [federal]}",
            "m.yaml:9:17: unknown field 'levle' (did you mean 'level'?)",
        ),
        (
            "{field: date, withn: P}",
            "m.yaml:9:23: unknown operator 'withn' (did you mean 'within'?)",
        ),
        ("{field: date, within: GE34}", "m.yaml:9:31: unknown period 'GE34'"),
        ("{field: date, within: p}", "m.yaml:9:31: unknown period 'p' (did you mean 'P'?)"),
        (
            "{field: level, in: [federl]}",
            "m.yaml:9:29: 'federl' is not a value of level (did you mean 'federal'?)",
        ),
        (
            "{field: level, in: [unknown]}",
            "m.yaml:9:29: a rule may not name 'unknown' as a value of level",
        ),
        (
            "{field: level, equals: federal, in: [federal]}",
            "m.yaml:9:41: the condition on 'level' has 2 operators",
        ),
        ("{field: level}", "m.yaml:9:9: the condition on 'level' has no operator"),
        ("{field: level, within: P}", "m.yaml:9:24: operator 'within' does not apply to 'level'"),
        ("{field: date, in: [2019]}", "m.yaml:9:23: operator 'in' does not apply to 'date'"),
        (
            "{field: date, within: [2020-01-01, 2019-01-01]}",
            "m.yaml:9:31: the range ['2020-01-01', '2019-01-01'] ends before it starts",
        ),
        ("{field: date, within: []}", "m.yaml:9:31: 'within' takes a period name"),
        (
            "{field: title, matches: '(a)\\1'}",
            "m.yaml:9:33: 'matches' pattern '(a)\\1' cannot be used",
        ),
        ("{field: level, missing: yes please}", "m.yaml:9:33: 'missing' takes true or false"),
        ("{all: []}", "m.yaml:9:15: 'all' must be a non-empty list of conditions"),
        (
            "{any: [{field: level, in: [federal]}], field: level}",
            "m.yaml:9:48: 'any' must stand alone in its mapping",
        ),
        ("[level]", "m.yaml:9:9: a condition must be a mapping"),
    ],
)
def test_condition_errors_name_line_and_column(tmp_path, when, expected):
    errors = errors_of(tmp_path, clause(when))
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors[0]


@pytest.mark.parametrize("field", ["level", "jurisdiction", "actor"])
def test_unknown_may_not_be_named_on_any_field(tmp_path, field):
    errors = errors_of(tmp_path, clause(f"{{field: {field}, equals: Unknown}}"))
    assert len(errors) == 1
    assert (
        f"a rule may not name 'Unknown' as a value of {field}; use {{field: {field}, missing: true}}"
        in errors[0]
    )


def test_duplicate_key_is_an_error(tmp_path):
    errors = errors_of(tmp_path, "  - id: A\n    id: B\n    when: {field: level, in: [federal]}\n")
    assert errors == ["m.yaml:9:3: key 'id' is given twice (first on line 8)"]


def test_mandate_id_must_be_a_safe_file_name(tmp_path):
    head = HEAD.replace("id: m", "id: ../../x")
    errors = errors_of(tmp_path, clause("{field: level, in: [federal]}"), head=head)
    assert len(errors) == 1
    assert errors[0].startswith("m.yaml:2:7: mandate id '../../x' is not allowed")


def test_inverted_and_empty_periods(tmp_path):
    head = HEAD.replace(
        "P: {start: 2019-01-01, end: 2019-12-31}", "P: {start: 2019-12-31, end: 2019-01-01}"
    )
    errors = errors_of(tmp_path, clause("{field: level, in: [federal]}"), head=head)
    assert errors == ["m.yaml:5:6: period 'P' ends before it starts"]


def test_unknown_top_level_and_clause_keys(tmp_path):
    body = "  - id: A\n    coverge: context\n    when: {field: level, in: [federal]}\n"
    head = HEAD + ""
    errors = errors_of(tmp_path, body, head=head.replace("periods:", "period:"))
    assert any("unknown key 'period' in the file (did you mean 'periods'?)" in e for e in errors)
    assert any(
        e.startswith("m.yaml:9:3: unknown key 'coverge' in a clause (did you mean 'coverage'?)")
        for e in errors
    )


def test_unknown_coverage(tmp_path):
    errors = errors_of(
        tmp_path, "  - id: A\n    coverage: contxt\n    when: {field: level, in: [federal]}\n"
    )
    assert errors == [
        "m.yaml:9:13: unknown coverage 'contxt' (did you mean 'context'?); expected examined or context"
    ]


def test_duplicate_clause_ids(tmp_path):
    body = clause("{field: level, in: [federal]}") + clause("{field: level, in: [federal]}")
    assert errors_of(tmp_path, body) == [
        "m.yaml:10:7: clause id 'A' is used twice (first on line 8)"
    ]


def test_yaml_syntax_error_has_a_location(tmp_path):
    errors = errors_of(tmp_path, "  - id: A\n    when: {field: level, in: [federal]\n")
    assert len(errors) == 1 and errors[0].startswith("m.yaml:10:1:")


def test_anchors_and_aliases_are_refused(tmp_path):
    body = "  - id: A\n    when: &w {field: level, in: [federal]}\n  - id: B\n    when: *w\n"
    errors = errors_of(tmp_path, body)
    assert errors and "anchors (&name) are not allowed" in errors[0]


def test_every_error_of_a_file_is_reported_at_once(tmp_path):
    body = (
        clause("{field: levle, in: [federal]}") + "  - id: B\n    when: {field: date, within: R}\n"
    )
    errors = errors_of(tmp_path, body)
    assert len(errors) == 2
    assert errors[0].startswith("m.yaml:9:") and errors[1].startswith("m.yaml:11:")


def test_date_condition_value_shapes(tmp_path):
    body = """\
      - id: A
        when:
          any:
            - {field: date, within: P}
            - {field: date, within: [P, Q]}
            - {field: date, within: [2019-01-01, 2019-06-30]}
            - {field: date, overlaps: [P, [2020-01-01, 2020-02-01]]}
            - {field: date, before: 2019-05-01}
            - {field: date, after: [2019, 2020]}
            - {field: date, after: "2019-06"}
            - {field: date, before: Q}
    """
    body = textwrap.indent(textwrap.dedent(body), "  ")
    assert errors_of(tmp_path, body) == []


def test_malformed_mandate_raises_before_data_is_read(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(HEAD + clause("{field: levle, in: [federal]}"), encoding="utf-8")
    with pytest.raises(RulesError):
        scope_gap.analyze(tmp_path / "does-not-matter.csv", path)


def test_bundled_mandates_are_valid():
    from scope_gap.bundled import bundled_mandates

    for name, path in bundled_mandates().items():
        mandate, errors = read_mandate(path)
        assert errors == [], name
        assert mandate.id == name


def test_mandate_round_trips_through_to_dict(tmp_path):
    import yaml

    from scope_gap.rules import parse_mandate_text

    path = tmp_path / "m.yaml"
    path.write_text(
        HEAD
        + clause(
            "{all: [{field: level, in: [federal], gap: G}, {not: {field: date, within: [P, Q]}}]}"
        ),
        encoding="utf-8",
    )
    mandate, _ = read_mandate(path)
    again, errors = parse_mandate_text(
        yaml.safe_dump(mandate.to_dict(), sort_keys=False), "again.yaml"
    )
    assert errors == []
    assert again.to_dict() == mandate.to_dict()
