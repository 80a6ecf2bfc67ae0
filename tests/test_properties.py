"""The engine proven on generated tables and rule trees: agreement with the per-row reference
evaluator on status, covered_by, gaps and reasons, and algebraic properties of Kleene logic."""

from __future__ import annotations

import json

import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scope_gap
from scope_gap.engine import gap_label, reason_text
from scope_gap.model import labelled_leaf
from scope_gap.rules import parse_mandate_text

from .reference import decide, reasons
from .test_engine_reference import conditions, mandates, ranges, rows

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
PERIODS = {
    "P": {"start": "2019-01-01", "end": "2019-10-21"},
    "Q": {"start": "2021-08-15", "end": "2021-11-15"},
}
tables = st.lists(rows, min_size=1, max_size=20)


def mandate_of(whens: list[dict], coverages: list[str] | None = None):
    spec = {
        "mandate": {"id": "prop", "title": "Property"},
        "periods": PERIODS,
        "clauses": [
            {"id": f"K{i}", "coverage": (coverages or ["examined"] * len(whens))[i], "when": w}
            for i, w in enumerate(whens)
        ],
    }
    spec = json.loads(json.dumps(spec))  # no shared objects, so no YAML aliases
    mandate, errors = parse_mandate_text(yaml.safe_dump(spec, sort_keys=False), "prop.yaml")
    assert errors == [], errors
    return mandate


def frame_of(table_rows) -> pd.DataFrame:
    return pd.DataFrame([dict(id=f"R{i}", **row) for i, row in enumerate(table_rows)])


def clause_values(mandate, frame) -> list[list[int]]:
    result = scope_gap.analyze(frame, mandate)
    return [[int(v) for v in o.values] for o in result.evaluation.clauses]


@SETTINGS
@given(mandates, tables)
def test_engine_agrees_with_reference_on_reasons_too(spec, table_rows):
    spec = json.loads(json.dumps(spec))
    mandate, errors = parse_mandate_text(yaml.safe_dump(spec, sort_keys=False), "random.yaml")
    assert errors == []
    frame = frame_of(table_rows)
    result = scope_gap.analyze(frame, mandate)
    for row, record in zip(frame.to_dict(orient="records"), result.incidents, strict=True):
        # generated gap labels name values and periods as the reports do
        def labelled(leaf, negated):
            return gap_label(labelled_leaf(leaf, mandate.periods), negated)

        status, covered, gaps = decide(mandate, row, labelled)
        assert (record["status"], record["covered_by"], record["gaps"]) == (status, covered, gaps)
        assert record["reasons"] == reasons(mandate, row, status, reason_text), row


@SETTINGS
@given(conditions, conditions, tables)
def test_de_morgan_holds_under_kleene_logic(a, b, table_rows):
    frame = frame_of(table_rows)
    mandate = mandate_of(
        [
            {"not": {"all": [a, b]}},
            {"any": [{"not": a}, {"not": b}]},
            {"not": {"any": [a, b]}},
            {"all": [{"not": a}, {"not": b}]},
            {"not": {"not": a}},
            a,
        ]
    )
    values = clause_values(mandate, frame)
    assert values[0] == values[1]
    assert values[2] == values[3]
    assert values[4] == values[5]


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(["P", "Q"]), ranges()), min_size=1, max_size=3), tables)
def test_within_implies_overlaps(targets, table_rows):
    frame = frame_of(table_rows)
    mandate = mandate_of(
        [{"field": "date", "within": targets}, {"field": "date", "overlaps": targets}]
    )
    within, overlaps = clause_values(mandate, frame)
    true, false = 2, 0
    for w, o in zip(within, overlaps, strict=True):
        assert not (w == true and o != true)  # within => overlaps
        assert not (o == false and w != false)  # no overlap => not within


@SETTINGS
@given(mandates, conditions, st.sampled_from(["examined", "context"]), tables)
def test_adding_a_clause_never_removes_an_in_scope_incident(spec, extra, coverage, table_rows):
    spec = json.loads(json.dumps(spec))
    frame = frame_of(table_rows)
    before, errors = parse_mandate_text(yaml.safe_dump(spec, sort_keys=False), "a.yaml")
    assert errors == []
    spec["clauses"].append({"id": "EXTRA", "coverage": coverage, "when": extra})
    spec = json.loads(json.dumps(spec))
    after, errors = parse_mandate_text(yaml.safe_dump(spec, sort_keys=False), "b.yaml")
    assert errors == []
    old = scope_gap.analyze(frame, before).incidents
    new = scope_gap.analyze(frame, after).incidents
    rank = {"in_scope": 3, "indeterminate": 2, "context_only": 1, "out_of_scope": 0}
    for o, n in zip(old, new, strict=True):
        if o["status"] == "in_scope":
            assert n["status"] == "in_scope"
        if coverage == "context":  # a context clause never changes the examined decision
            assert (o["status"] == "in_scope") == (n["status"] == "in_scope")
        else:  # an examined clause can only move an incident up
            assert rank[n["status"]] >= rank[o["status"]] or (
                o["status"] == "context_only" and n["status"] == "indeterminate"
            )
