"""The operator table: every operator has every piece, and the docs list exactly the table."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from scope_gap.errors import Location
from scope_gap.i18n import use_language
from scope_gap.model import Leaf, Period, parse_date
from scope_gap.operators import (
    FALSE,
    FIELDS,
    OPERATORS,
    TRUE,
    UNKNOWN_TV,
    CannotRelaxError,
    Column,
    Need,
    Operator,
    is_known,
    leaf_schema,
    operators_for,
)

ROOT = Path(__file__).resolve().parent.parent
PERIODS = {
    "P": Period("P", parse_date("2019-01-01").start, parse_date("2019-12-31").end, "the year 2019")
}

# one sample per operator: (field, value as in a file, texts of the rows, expected truth)
SAMPLES: dict[str, tuple[str, object, list[str], list[int]]] = {
    "equals": ("level", "federal", ["federal", "municipal", "", "unknown"], [2, 0, 1, 1]),
    "in": ("level", ["federal", "provincial"], ["provincial", "municipal", ""], [2, 0, 1]),
    "not_in": ("level", ["federal"], ["provincial", "federal", ""], [2, 0, 1]),
    "matches": ("title", "consul", ["The Consul General", "a mayor", ""], [2, 0, 1]),
    "missing": ("level", True, ["", "unknown", "federal"], [2, 2, 0]),
    "within": ("date", "P", ["2019-06", "2019", "2018", "2018/2019-06", ""], [2, 2, 0, 1, 1]),
    "overlaps": ("date", "P", ["2019-06", "2018/2019-06", "2020", ""], [2, 2, 0, 1]),
    "before": ("date", "2020-01-01", ["2019-06", "2020-03", "2019/2020", ""], [2, 0, 1, 1]),
    "after": ("date", "2018-12-31", ["2019-06", "2018-03", "2018/2019", ""], [2, 0, 1, 1]),
}
# the rows a relaxation must admit: (field, texts of the rows); None: cannot be relaxed
RELAX: dict[str, tuple[str, list[str]] | None] = {
    "equals": ("level", ["municipal"]),
    "in": ("level", ["municipal"]),
    "not_in": ("level", ["federal"]),
    "matches": None,
    "missing": None,
    "within": ("date", ["2018/2019-06", "2021-03"]),
    "overlaps": ("date", ["2021-03"]),
    "before": ("date", ["2020-03"]),
    "after": ("date", ["2018-03"]),
}


class Context:
    """A parse context like the rule parser's, collecting errors."""

    periods = PERIODS

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, message: str, where: Location | None) -> None:
        self.errors.append(message)

    def unknown_period(self, name: str, at: Location) -> None:
        self.errors.append(f"unknown period {name}")

    def item_marks(self, items: list, at: Location) -> list[Location]:
        return [at] * len(items)


def column(field: str, texts: list[str]) -> Column:
    if FIELDS[field].kind == "date":
        spans = [parse_date(t) if t else None for t in texts]
        start = np.array([s.start if s else -1 for s in spans], dtype=np.int64)
        end = np.array([s.end if s else -1 for s in spans], dtype=np.int64)
        return Column(known=start != -1, start=start, end=end)
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object), sort=False)
    known_u = np.array([is_known(u, field) for u in uniques], dtype=bool)
    return Column(known=known_u[codes], codes=codes, uniques=list(uniques), known_u=known_u)


def leaf_of(name: str, field: str, value: object) -> Leaf:
    ctx = Context()
    parsed = OPERATORS[name].parse(ctx, field, value, Location("t.yaml", 1, 1))
    assert ctx.errors == [] and parsed is not None, ctx.errors
    return Leaf(field=field, op=name, value=parsed, source=value)


def test_every_operator_has_a_sample_and_a_relaxation_case():
    assert set(SAMPLES) == set(OPERATORS)
    assert set(RELAX) == set(OPERATORS)


@pytest.mark.parametrize("name", list(OPERATORS))
def test_operator_is_registered_under_its_name_with_its_docs(name):
    op = OPERATORS[name]
    assert isinstance(op, Operator) and op.name == name
    assert op.kinds and set(op.kinds) <= {"text", "date"}
    assert op.doc_value.strip() and op.doc_holds.strip()
    assert isinstance(op.relaxable, bool)


@pytest.mark.parametrize("name", list(OPERATORS))
def test_operator_parses_its_value_and_gives_three_valued_truth(name):
    field, value, texts, expected = SAMPLES[name]
    assert OPERATORS[name].applies_to(field)
    leaf = leaf_of(name, field, value)
    truth = OPERATORS[name].truth(leaf, column(field, texts))
    assert truth.dtype == np.int8
    assert truth.tolist() == expected


@pytest.mark.parametrize("name", list(OPERATORS))
def test_operator_refuses_a_value_of_the_wrong_shape(name):
    field = SAMPLES[name][0]
    ctx = Context()
    assert OPERATORS[name].parse(ctx, field, {"a": 1}, Location("t.yaml", 1, 1)) is None
    assert ctx.errors


@pytest.mark.parametrize("name", list(OPERATORS))
def test_operator_words_its_requirement_and_gap_in_english_and_french(name):
    field, value, _texts, _expected = SAMPLES[name]
    leaf = leaf_of(name, field, value)
    op = OPERATORS[name]
    for negated in (False, True):
        with use_language("en"):
            english = (op.requirement(leaf, negated), op.gap(leaf, negated))
        with use_language("fr"):
            french = (op.requirement(leaf, negated), op.gap(leaf, negated))
        assert all(text.strip() for text in english + french)
        # a generated gap label is a phrase of the catalogue, so French differs from English
        assert english[1] != french[1]


@pytest.mark.parametrize("name", list(OPERATORS))
def test_operator_relaxes_to_admit_the_rows_or_says_it_cannot(name):
    op = OPERATORS[name]
    case = RELAX[name]
    field, value, _texts, _expected = SAMPLES[name]
    leaf = leaf_of(name, field, value)
    if case is None:
        assert op.relaxable is False
        with pytest.raises(CannotRelaxError):
            op.relax(leaf, Need(texts=("x",), spans=((1, 1),), periods=PERIODS))
        return
    assert op.relaxable is True
    _field, texts = case
    col = column(field, texts)
    assert (op.truth(leaf, col) != TRUE).all()
    spans = (
        tuple((int(s), int(e)) for s, e in zip(col.start, col.end, strict=True))
        if col.start is not None
        else ()
    )
    relaxed = op.relax(leaf, Need(texts=tuple(texts), spans=spans, periods=PERIODS))
    assert relaxed.words.strip()
    new_op = OPERATORS[relaxed.leaf.op]
    assert (new_op.truth(relaxed.leaf, col) == TRUE).all()
    # what amend writes reads back as the same leaf
    again = leaf_of(relaxed.leaf.op, field, relaxed.leaf.source)
    assert again.value == relaxed.leaf.value or [(r.start, r.end) for r in again.value] == [
        (r.start, r.end) for r in relaxed.leaf.value
    ]


@pytest.mark.parametrize("name", list(OPERATORS))
def test_operator_schema_fragment_is_draft_07_and_admits_the_sample(name):
    field, value, _texts, _expected = SAMPLES[name]
    schema = OPERATORS[name].value_schema(field)
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(value, schema)
    jsonschema.validate({"field": field, name: value}, leaf_schema(field))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"a": 1}, schema)


def test_schema_of_an_enumerated_field_lists_its_values_without_unknown():
    schema = OPERATORS["in"].value_schema("level")
    listed = schema["items"]["anyOf"][0]["enum"]
    assert "federal" in listed and "unknown" not in listed
    jsonschema.validate(["Federal"], schema)  # as the parser reads it
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(["unknown"], schema)


def test_each_field_has_operators_and_date_has_the_date_ones():
    assert operators_for("date") == ("missing", "within", "overlaps", "before", "after")
    assert operators_for("level") == ("equals", "in", "not_in", "matches", "missing")
    assert all(operators_for(f) for f in FIELDS)


def _doc_rows(section: str) -> dict[str, str]:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    body = text.split(section, 1)[1].split("\n#", 1)[0]
    return {m[1]: m[0] for m in re.finditer(r"^\| `([a-z_]+)` \|.*$", body, re.M)}


def test_docs_operator_tables_list_exactly_the_registry():
    text_rows = _doc_rows("### Operators on text fields")
    date_rows = _doc_rows("### Operators on `date`")
    assert set(text_rows) == {n for n, op in OPERATORS.items() if "text" in op.kinds}
    assert set(date_rows) == {n for n, op in OPERATORS.items() if "date" in op.kinds}
    for name, op in OPERATORS.items():
        row = text_rows.get(name) or date_rows[name]
        assert op.doc_holds in row, (name, row)
    for name, row in text_rows.items():
        assert f"| `{name}` | {OPERATORS[name].doc_value} |" in row


def test_truth_values_are_ordered_for_kleene_logic():
    assert FALSE < UNKNOWN_TV < TRUE and TRUE - FALSE == TRUE
