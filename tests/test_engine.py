import pandas as pd
import pytest

import scope_gap
from scope_gap.rules import parse_mandate_text

PERIODS = """\
periods:
  P: {start: 2019-09-11, end: 2019-10-21}
  Q: {start: 2021-08-15, end: 2021-09-20}
"""


def mandate_of(clauses: str):
    text = "mandate: {id: t, title: T}\n" + PERIODS + "clauses:\n" + clauses
    mandate, errors = parse_mandate_text(text, "t.yaml")
    assert errors == [], errors
    return mandate


def outcome(when: str, **row) -> str:
    """The outcome (true/false/unknown) of one condition on one row."""
    mandate = mandate_of(f"  - id: A\n    when: {when}\n")
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "", "level": "", "event_type": "", **row}]
    )
    result = scope_gap.analyze(frame, mandate)
    assert not result.invalid, result.invalid
    return {0: "false", 1: "unknown", 2: "true"}[int(result.evaluation.clauses[0].values[0])]


@pytest.mark.parametrize(
    "when, row, expected",
    [
        ("{field: level, equals: federal}", {"level": "Federal"}, "true"),
        ("{field: level, equals: federal}", {"level": "municipal"}, "false"),
        ("{field: level, equals: federal}", {"level": ""}, "unknown"),
        ("{field: level, equals: federal}", {"level": "unknown"}, "unknown"),
        ("{field: level, in: [federal, provincial]}", {"level": "provincial"}, "true"),
        ("{field: level, in: [federal, provincial]}", {"level": "municipal"}, "false"),
        ("{field: level, not_in: [federal]}", {"level": "municipal"}, "true"),
        ("{field: level, not_in: [federal]}", {"level": "federal"}, "false"),
        ("{field: level, not_in: [federal]}", {"level": ""}, "unknown"),
        (
            "{field: jurisdiction, equals: ' british columbia '}",
            {"jurisdiction": "British Columbia"},
            "true",
        ),
        ("{field: actor, equals: PRC}", {"actor": "Russia; prc"}, "true"),
        ("{field: actor, in: [India]}", {"actor": "Russia; PRC"}, "false"),
        ("{field: actor, not_in: [PRC]}", {"actor": "Russia; PRC"}, "false"),
        ("{field: actor, not_in: [PRC]}", {"actor": "Russia"}, "true"),
        ("{field: tactic, matches: '^disinfo'}", {"tactic": "funding; Disinformation"}, "true"),
        ("{field: title, matches: 'rally$'}", {"title": "A Rally"}, "true"),
        ("{field: title, matches: 'rally$'}", {"title": "rallying"}, "false"),
        ("{field: title, matches: 'x'}", {"title": "  "}, "unknown"),
        ("{field: level, missing: true}", {"level": "unknown"}, "true"),
        ("{field: level, missing: true}", {"level": ""}, "true"),
        ("{field: level, missing: true}", {"level": "federal"}, "false"),
        ("{field: date, missing: false}", {"date": ""}, "false"),
        ("{field: date, missing: false}", {"date": "2019"}, "true"),
        ("{field: notes, missing: true}", {}, "true"),
        # within: precise, imprecise partly inside, wholly outside, unknown
        ("{field: date, within: P}", {"date": "2019-10-01"}, "true"),
        ("{field: date, within: P}", {"date": "2019-10"}, "unknown"),
        ("{field: date, within: P}", {"date": "2019-10-01/2019-10-21"}, "true"),
        ("{field: date, within: P}", {"date": "2019"}, "unknown"),
        ("{field: date, within: Q}", {"date": "2021"}, "unknown"),
        ("{field: date, within: P}", {"date": "2018"}, "false"),
        ("{field: date, within: P}", {"date": ""}, "unknown"),
        ("{field: date, within: [P, Q]}", {"date": "2021-09"}, "unknown"),
        (
            "{field: date, within: [[2019-01-01, 2019-09-10], P]}",
            {"date": "2019-01/2019-10-21"},
            "true",
        ),
        ("{field: date, within: [2019-01-01, 2019-12-31]}", {"date": "2019-06"}, "true"),
        ("{field: date, overlaps: P}", {"date": "2019"}, "true"),
        ("{field: date, overlaps: P}", {"date": "2020"}, "false"),
        ("{field: date, overlaps: P}", {"date": ""}, "unknown"),
        ("{field: date, before: P}", {"date": "2019-09-10"}, "true"),
        ("{field: date, before: P}", {"date": "2019-09-11"}, "false"),
        ("{field: date, before: P}", {"date": "2019-09"}, "unknown"),
        ("{field: date, before: 2020-01-01}", {"date": "2019"}, "true"),
        ("{field: date, after: P}", {"date": "2019-10-22"}, "true"),
        ("{field: date, after: P}", {"date": "2019-10-21"}, "false"),
        ("{field: date, after: P}", {"date": "2019-10"}, "unknown"),
        ("{field: date, after: 2019}", {"date": "2020-01-01"}, "true"),
        ("{field: date, after: [P, Q]}", {"date": "2020"}, "false"),
    ],
)
def test_operator(when, row, expected):
    assert outcome(when, **row) == expected


T = "{field: level, in: [federal]}"
F = "{field: level, in: [municipal]}"
U = "{field: event_type, in: [general_election]}"  # event_type is blank: unknown
ROW = {"level": "federal", "event_type": ""}
VALUE = {"true": T, "false": F, "unknown": U}


@pytest.mark.parametrize("a", ["true", "false", "unknown"])
@pytest.mark.parametrize("b", ["true", "false", "unknown"])
def test_kleene_all_and_any(a, b):
    order = {"false": 0, "unknown": 1, "true": 2}
    names = {0: "false", 1: "unknown", 2: "true"}
    assert outcome(f"{{all: [{VALUE[a]}, {VALUE[b]}]}}", **ROW) == names[min(order[a], order[b])]
    assert outcome(f"{{any: [{VALUE[a]}, {VALUE[b]}]}}", **ROW) == names[max(order[a], order[b])]


@pytest.mark.parametrize(
    "a, expected", [("true", "false"), ("false", "true"), ("unknown", "unknown")]
)
def test_kleene_not(a, expected):
    assert outcome(f"{{not: {VALUE[a]}}}", **ROW) == expected


STATUS_MANDATE = """\
  - id: A
    when:
      all:
        - {field: level, in: [federal], gap: Not federal}
        - {field: event_type, in: [general_election], gap: Not a general election}
        - {field: date, within: [P, Q], gap: Outside the elections}
  - id: B
    when:
      all:
        - {field: level, in: [federal]}
        - {field: date, within: Q}
  - id: C
    coverage: context
    when: {field: level, in: [federal, provincial, municipal], gap: Not Canadian}
"""


def statuses(*rows):
    frame = pd.DataFrame([{"id": f"X{i}", "title": "", **row} for i, row in enumerate(rows)])
    result = scope_gap.analyze(frame, mandate_of(STATUS_MANDATE))
    return [(r["status"], r["covered_by"], r["gaps"]) for r in result.incidents]


def test_in_scope_lists_every_true_clause_in_file_order():
    assert statuses(
        {"date": "2021-09-01", "level": "federal", "event_type": "general_election"}
    ) == [("in_scope", ["A", "B", "C"], [])]


def test_in_scope_wins_over_an_unknown_examined_clause():
    mandate = mandate_of(
        "  - id: A\n    when: {field: level, in: [federal]}\n"
        "  - id: B\n    when: {field: event_type, in: [general_election]}\n"
    )
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "", "level": "federal", "event_type": ""}]
    )
    assert scope_gap.analyze(frame, mandate).flatten() == [("X", "in_scope", ())]


def test_indeterminate_wins_over_context_only():
    result = statuses({"date": "2019", "level": "federal", "event_type": "general_election"})
    assert result == [("indeterminate", ["C"], [])]


def test_context_only_when_only_a_context_clause_is_true():
    result = statuses(
        {"date": "2022-10-15", "level": "municipal", "event_type": "general_election"}
    )
    assert result == [("context_only", ["C"], ["Not federal", "Outside the elections"])]


def test_out_of_scope_when_nothing_holds():
    result = statuses({"date": "2022", "level": "other", "event_type": "leadership_race"})
    assert result[0][0] == "out_of_scope"


def test_unknown_context_clause_does_not_make_context_only_and_says_so():
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "2022", "level": "", "event_type": "referendum"}]
    )
    result = scope_gap.analyze(frame, mandate_of(STATUS_MANDATE))
    record = result.incidents[0]
    assert record["status"] == "out_of_scope"
    assert record["reasons"][-1] == (
        "context clause C could not be decided, so it does not make the incident context_only"
    )


def test_nearest_clause_has_fewest_failed_leaves():
    result = statuses({"date": "2020", "level": "federal", "event_type": "by_election"})
    # A fails 2 (event type, date); B fails 1 (date, generated label)
    assert result == [("context_only", ["C"], ["Date outside Q (2021-08-15 to 2021-09-20)"])]


def test_nearest_clause_ties_go_to_the_first_clause():
    # A fails on event type only, B on date only: one failure each, A comes first
    result = statuses({"date": "2019-10-01", "level": "federal", "event_type": "by_election"})
    assert result == [("context_only", ["C"], ["Not a general election"])]


def test_a_value_not_known_is_never_a_gap_but_is_named_as_unknown():
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "", "level": "federal", "event_type": "general_election"}]
    )
    [record] = scope_gap.analyze(frame, mandate_of(STATUS_MANDATE)).incidents
    assert (record["status"], record["gaps"], record["unknown"]) == ("indeterminate", [], ["date"])


def test_unknown_lists_the_nearest_clauses_unknown_fields_in_leaf_order():
    # A (nearest: nothing failed) is unknown on level and date; B would fail on its date
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "2019", "level": "", "event_type": "general_election"}]
    )
    result = scope_gap.analyze(frame, mandate_of(STATUS_MANDATE))
    [record] = result.incidents
    assert (record["gaps"], record["unknown"]) == ([], ["level", "date"])
    assert result.summary["by_unknown"] == {"level": 1, "date": 1}
    assert result.summary["by_gap"] == {}


def test_a_failed_leaf_is_a_gap_and_an_unknown_one_beside_it_is_not():
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "2019", "level": "municipal", "event_type": ""}]
    )
    [record] = scope_gap.analyze(frame, mandate_of(STATUS_MANDATE)).incidents
    assert record["gaps"] == ["Not federal"]
    assert record["unknown"] == ["event_type", "date"]


def test_reasons_quote_the_failing_value_and_what_is_required():
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "2022", "level": "municipal", "event_type": ""}]
    )
    record = scope_gap.analyze(frame, mandate_of(STATUS_MANDATE)).incidents[0]
    assert record["reasons"] == [
        "level is municipal; clause A requires federal",
        "event type is not known; clause A requires general_election",
        "date is 2022; clause A requires a date within P (2019-09-11 to 2019-10-21) or Q (2021-08-15 to 2021-09-20)",
        "level is municipal; clause B requires federal",
        "date is 2022; clause B requires a date within Q (2021-08-15 to 2021-09-20)",
    ]


def test_partly_inside_dates_are_explained():
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "2021", "level": "federal", "event_type": "by_election"}]
    )
    record = scope_gap.analyze(frame, mandate_of(STATUS_MANDATE)).incidents[0]
    assert record["reasons"][-1] == (
        "date is 2021, which lies partly inside and partly outside what clause B requires: "
        "a date within Q (2021-08-15 to 2021-09-20)"
    )


def test_leaves_in_a_true_branch_of_any_are_not_blamed():
    mandate = mandate_of(
        "  - id: A\n    when:\n      all:\n        - any: [{field: level, in: [federal]}, {field: level, in: [provincial], gap: G1}]\n"
        "        - {field: event_type, in: [general_election], gap: G2}\n"
    )
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "", "level": "federal", "event_type": "referendum"}]
    )
    record = scope_gap.analyze(frame, mandate).incidents[0]
    assert record["gaps"] == ["G2"]
    assert record["reasons"] == ["event type is referendum; clause A requires general_election"]


def test_a_leaf_under_not_fails_when_it_holds():
    mandate = mandate_of(
        "  - id: A\n    when: {not: {field: level, in: [federal], gap: Federal}}\n"
    )
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "", "level": "federal", "event_type": ""}]
    )
    record = scope_gap.analyze(frame, mandate).incidents[0]
    assert record["status"] == "out_of_scope"
    assert record["gaps"] == ["Federal"]
    assert record["reasons"] == ["level is federal; clause A requires level other than federal"]


def test_summary_counts_gaps_and_levels():
    frame = pd.DataFrame(
        [
            {
                "id": "1",
                "title": "",
                "date": "2022",
                "level": "municipal",
                "event_type": "general_election",
            },
            {
                "id": "2",
                "title": "",
                "date": "2021-09-01",
                "level": "federal",
                "event_type": "general_election",
            },
            {"id": "3", "title": "", "date": "2022", "level": "", "event_type": "general_election"},
        ]
    )
    summary = scope_gap.analyze(frame, mandate_of(STATUS_MANDATE)).summary
    assert summary["by_gap"] == {"Outside the elections": 2, "Not federal": 1}
    assert summary["by_level"]["unknown"] == {
        "in_scope": 0,
        "context_only": 0,
        "out_of_scope": 1,
        "indeterminate": 0,
    }
    assert summary["by_level"]["federal"]["in_scope"] == 1


def test_explanation_table_has_one_row_per_incident_clause_and_leaf():
    frame = pd.DataFrame(
        [{"id": "X", "title": "", "date": "2022", "level": "municipal", "event_type": ""}]
    )
    table = scope_gap.analyze(frame, mandate_of(STATUS_MANDATE)).explanations()
    assert len(table) == 3 + 2 + 1
    first = table.iloc[0]
    assert (
        first["incident"],
        first["clause"],
        first["condition"],
        first["value"],
        first["outcome"],
        first["blame"],
    ) == ("X", "A", "level in [federal]", "municipal", "false", "failed")
