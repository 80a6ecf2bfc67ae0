"""The vectorized engine agrees with the per-row reference evaluator on random tables and rules."""

import json

import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scope_gap
from scope_gap.engine import gap_label
from scope_gap.model import labelled_leaf
from scope_gap.rules import parse_mandate_text

from .reference import decide_all, node_value

LEVELS = ["federal", "provincial", "municipal", "other", "unknown", ""]
EVENTS = ["general_election", "leadership_race", "nomination_contest", "unknown", ""]
ACTORS = ["PRC", "Russia", "India", "proxy"]
TITLES = ["rally", "Funding of a rally", "memberships", "disinformation", ""]


def _part(year: int, month: int, day: int, precision: str) -> str:
    if precision == "year":
        return str(year)
    if precision == "month":
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{day:02d}"


@st.composite
def mixed_intervals(draw):
    """START/END with ends of any precision each, in and around the periods' years."""
    year = draw(st.integers(2018, 2021))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    precisions = st.sampled_from(["year", "month", "day"])
    end_year = year + draw(st.integers(0, 1))
    end_month = draw(st.integers(month if end_year == year else 1, 12))
    end_day = draw(st.integers(day if (end_year, end_month) == (year, month) else 1, 28))
    start = _part(year, month, day, draw(precisions))
    return f"{start}/{_part(end_year, end_month, end_day, draw(precisions))}"


@st.composite
def date_texts(draw):
    """Blank, a year, a month, a day, or an interval START/END whose ends have any precision
    each (`2019/2019-06-15`, `2019-03-02/2020`): it runs from START's first day to END's
    last (issue 16 item 10), which the reference reads by its own rule."""
    year = draw(st.integers(2017, 2021))
    kind = draw(st.sampled_from(["blank", "year", "month", "day", "interval", "interval"]))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    if kind == "blank":
        return ""
    if kind != "interval":
        return _part(year, month, day, kind)
    return draw(mixed_intervals())


rows = st.fixed_dictionaries(
    {
        "title": st.sampled_from(TITLES),
        "date": date_texts(),
        "level": st.sampled_from(LEVELS),
        "event_type": st.sampled_from(EVENTS),
        "actor": st.lists(st.sampled_from(ACTORS), max_size=3).map("; ".join),
    }
)

dates = st.dates(
    min_value=pd.Timestamp("2016-06-01").date(), max_value=pd.Timestamp("2022-06-30").date()
)


@st.composite
def ranges(draw):
    a, b = sorted([draw(dates), draw(dates)])
    return [a.isoformat(), b.isoformat()]


def leaf_strategy():
    return st.one_of(
        st.builds(
            lambda op, vals: {"field": "level", op: vals},
            st.sampled_from(["in", "not_in"]),
            st.lists(st.sampled_from(LEVELS[:4]), min_size=1, max_size=3, unique=True),
        ),
        st.builds(lambda v: {"field": "event_type", "equals": v}, st.sampled_from(EVENTS[:3])),
        st.builds(
            lambda op, vals: {"field": "actor", op: vals},
            st.sampled_from(["in", "not_in"]),
            st.lists(st.sampled_from(ACTORS), min_size=1, max_size=2, unique=True),
        ),
        st.builds(
            lambda p: {"field": "title", "matches": p},
            st.sampled_from(["^rally", "fund", "dis.*ation", "x"]),
        ),
        st.builds(
            lambda f, v: {"field": f, "missing": v},
            st.sampled_from(["level", "date", "actor", "title"]),
            st.booleans(),
        ),
        st.builds(
            lambda op, v: {"field": "date", op: v},
            st.sampled_from(["within", "overlaps"]),
            st.one_of(st.sampled_from(["P", "Q", ["P", "Q"]]), ranges()),
        ),
        st.builds(
            lambda op, v: {"field": "date", op: v},
            st.sampled_from(["before", "after"]),
            st.one_of(st.sampled_from(["P", "Q"]), dates.map(lambda d: d.isoformat())),
        ),
    )


conditions = st.recursive(
    leaf_strategy(),
    lambda children: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda part: {"not": part}, children),
    ),
    max_leaves=6,
)

mandates = st.builds(
    lambda whens, coverages: {
        "mandate": {"id": "random", "title": "Random"},
        "periods": {
            "P": {"start": "2019-01-01", "end": "2019-10-21"},
            "Q": {"start": "2021-08-15", "end": "2021-11-15"},
        },
        "clauses": [
            {"id": f"K{i}", "coverage": cov, "when": w}
            for i, (w, cov) in enumerate(zip(whens, coverages, strict=False))
        ],
    },
    st.lists(conditions, min_size=1, max_size=3),
    st.lists(st.sampled_from(["examined", "examined", "context"]), min_size=3, max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mandates, st.lists(rows, min_size=1, max_size=25))
def test_vectorized_engine_matches_reference(spec, table_rows):
    spec = json.loads(json.dumps(spec))  # no shared objects, so that YAML writes no aliases
    mandate, errors = parse_mandate_text(yaml.safe_dump(spec, sort_keys=False), "random.yaml")
    assert errors == []
    frame = pd.DataFrame([dict(id=f"R{i}", **row) for i, row in enumerate(table_rows)])
    result = scope_gap.analyze(frame, mandate)
    for row, record in zip(frame.to_dict(orient="records"), result.incidents, strict=True):
        # generated gap labels name values and periods as the reports do
        def labelled(leaf, negated):
            return gap_label(labelled_leaf(leaf, mandate.periods), negated)

        expected = decide_all(mandate, row, labelled)
        got = (record["status"], record["covered_by"], record["gaps"], record["unknown"])
        assert got == expected, row
    # every clause value, not only the statuses
    for k, outcome in enumerate(result.evaluation.clauses):
        expected = [node_value(outcome.clause.when, row) for row in frame.to_dict(orient="records")]
        got = ["FUT"[int(v)] for v in outcome.values]
        assert got == expected, (k, spec["clauses"][k])


date_leaves = st.one_of(
    st.builds(
        lambda op, v: {"field": "date", op: v},
        st.sampled_from(["within", "overlaps"]),
        st.sampled_from(["P", "Q", ["P", "Q"], ["2019-03-01", "2020-02-15"]]),
    ),
    st.builds(
        lambda op, v: {"field": "date", op: v},
        st.sampled_from(["before", "after"]),
        st.sampled_from(["P", "Q", "2019-06-30"]),
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(date_leaves, st.lists(mixed_intervals(), min_size=1, max_size=20))
def test_intervals_of_mixed_precision_match_the_reference(leaf, dates):
    spec = {
        "mandate": {"id": "random", "title": "Random"},
        "periods": {
            "P": {"start": "2019-01-01", "end": "2019-10-21"},
            "Q": {"start": "2021-08-15", "end": "2021-11-15"},
        },
        "clauses": [{"id": "K0", "when": leaf}],
    }
    mandate, errors = parse_mandate_text(yaml.safe_dump(spec, sort_keys=False), "random.yaml")
    assert errors == []
    frame = pd.DataFrame(
        [
            {"id": f"R{i}", "title": "t", "date": d, "level": "federal", "event_type": ""}
            for i, d in enumerate(dates)
        ]
    )
    result = scope_gap.analyze(frame, mandate)
    (outcome,) = result.evaluation.clauses
    expected = [node_value(mandate.clauses[0].when, row) for row in frame.to_dict("records")]
    assert ["FUT"[int(v)] for v in outcome.values] == expected, dates
