"""Rule files are YAML 1.2 (ruamel.yaml): `yes`/`no`/`on` are text, and the strict checks stay."""

from __future__ import annotations

from scope_gap.rules import parse_mandate_text

BODY = """\
periods:
  P: {start: 2019-01-01, end: 2019-12-31}
clauses:
  - id: no
    when: {field: date, within: P}
"""


def errors_of(text: str) -> list[str]:
    return [str(e) for e in parse_mandate_text(text, "m.yaml")[1]]


def test_yes_no_and_on_are_text_not_booleans():
    mandate, errors = parse_mandate_text("mandate: {id: yes, title: on}\n" + BODY, "m.yaml")
    assert errors == []
    assert (mandate.id, mandate.title, mandate.clauses[0].id) == ("yes", "on", "no")


def test_missing_takes_the_yaml_1_2_booleans_only():
    text = "mandate: {id: m, title: T}\n" + BODY.replace("within: P", "missing: yes")
    assert errors_of(text) == ["m.yaml:6:34: 'missing' takes true or false, not 'yes'"]


def test_dates_are_still_dates():
    mandate, errors = parse_mandate_text("mandate: {id: m, title: T}\n" + BODY, "m.yaml")
    assert errors == [] and mandate.periods["P"].interval.first.isoformat() == "2019-01-01"


def test_strict_checks_keep_their_line_and_column():
    head = "mandate: {id: m, title: T}\n"
    assert errors_of(head + "mandate: {id: n, title: U}\n" + BODY) == [
        "m.yaml:2:1: key 'mandate' is given twice (first on line 1)"
    ]
    assert errors_of("mandate: &a {id: m, title: T}\n" + BODY) == [
        "m.yaml:1:10: anchors (&name) are not allowed in rule files"
    ]
    assert errors_of("x: &a 1\ny: *a\n") == [
        "m.yaml:1:4: anchors (&name) are not allowed in rule files"
    ]
    deep = "x: " + "[" * 200 + "]" * 200 + "\n"
    assert errors_of(deep)[0].startswith("m.yaml:1:153: the file is nested more than 150 levels")
