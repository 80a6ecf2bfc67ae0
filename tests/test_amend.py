import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scope_gap
from scope_gap.amendment import AmendError, amend_analysis, build_amended
from scope_gap.engine import evaluate
from scope_gap.rules import parse_mandate_text

HEAD = """\
mandate: {id: m, title: M}
periods:
  P: {start: 2019-01-01, end: 2019-12-31}
  Q: {start: 2021-01-01, end: 2021-12-31}
  QQ: {start: 2020-06-01, end: 2022-06-30}
clauses:
"""
TWO_LEAVES = """\
  - id: A
    when:
      all:
        - {field: level, in: [federal], gap: Not federal}
        - {field: event_type, in: [general_election], gap: Not a general election}
"""


def mandate_of(clauses):
    mandate, errors = parse_mandate_text(HEAD + clauses, "m.yaml")
    assert errors == []
    return mandate


def frame(*rows):
    base = {"title": "", "date": "", "level": "", "event_type": "", "jurisdiction": ""}
    return pd.DataFrame([{**base, "id": f"X{i}", **row} for i, row in enumerate(rows, start=1)])


def run(clauses, rows, cover=(), cover_status=()):
    return scope_gap.amend(
        frame(*rows), mandate_of(clauses), cover=list(cover), cover_status=list(cover_status)
    )


def changes(result):
    return [(a.clause, a.before, a.after, a.brings_in, a.also_brings_in) for a in result.amendments]


def test_single_leaf():
    result = run(
        TWO_LEAVES, [{"level": "municipal", "event_type": "general_election"}], cover=["X1"]
    )
    assert changes(result) == [
        ("A", {"in": ["federal"]}, {"in": ["federal", "municipal"]}, ["X1"], [])
    ]
    assert result.summary_lines() == [
        "Clause A: add `municipal` to level — brings in 1 chosen incident and 0 others"
    ]


def test_multi_leaf_and_equals_becomes_in():
    clauses = TWO_LEAVES.replace("in: [general_election]", "equals: general_election")
    result = run(clauses, [{"level": "provincial", "event_type": "leadership_race"}], cover=["X1"])
    assert [(a.before, a.after) for a in result.amendments] == [
        ({"in": ["federal"]}, {"in": ["federal", "provincial"]}),
        ({"equals": "general_election"}, {"in": ["general_election", "leadership_race"]}),
    ]


def test_one_change_covers_several_incidents_and_says_what_else_it_brings_in():
    rows = [
        {"level": "municipal", "event_type": "general_election"},
        {"level": "municipal", "event_type": "general_election"},
        {"level": "municipal", "event_type": "general_election"},
    ]
    result = run(TWO_LEAVES, rows, cover=["X1", "X2"])
    assert changes(result) == [
        ("A", {"in": ["federal"]}, {"in": ["federal", "municipal"]}, ["X1", "X2"], ["X3"])
    ]


TIE = """\
  - id: A
    when:
      all:
        - {field: level, in: [federal]}
        - {field: event_type, in: [general_election]}
  - id: B
    when:
      all:
        - {field: level, in: [federal]}
        - {field: jurisdiction, in: [Ontario]}
"""


def test_equally_small_answer_that_brings_in_no_other_incident_wins():
    rows = [
        {"level": "municipal", "event_type": "general_election", "jurisdiction": "Ontario"},
        {"level": "municipal", "event_type": "general_election", "jurisdiction": "Quebec"},
    ]
    result = run(TIE, rows, cover=["X1"])
    # relaxing A's level would also bring in X2; relaxing B's does not
    assert changes(result) == [
        ("B", {"in": ["federal"]}, {"in": ["federal", "municipal"]}, ["X1"], [])
    ]


def test_fewest_leaves_wins_even_when_it_brings_in_others():
    rows = [
        {"level": "municipal", "event_type": "general_election", "jurisdiction": "Quebec"},
        {"level": "municipal", "event_type": "general_election", "jurisdiction": "Quebec"},
    ]
    result = run(TIE, rows, cover=["X1"])
    assert changes(result) == [
        ("A", {"in": ["federal"]}, {"in": ["federal", "municipal"]}, ["X1"], ["X2"])
    ]


def test_a_named_period_is_preferred_when_one_fits():
    clauses = "  - id: A\n    when: {field: date, within: P}\n"
    result = run(clauses, [{"date": "2021-09"}], cover=["X1"])
    assert result.amendments[0].after == {"within": ["P", "Q"]}


def test_otherwise_the_range_widens_only_to_the_incidents_intervals():
    clauses = "  - id: A\n    when: {field: date, within: P}\n"
    result = run(clauses, [{"date": "2023-03"}, {"date": "2023-04-02"}], cover=["X1", "X2"])
    # the day between the two incidents (2023-04-01) is no incident's: it is not added
    assert result.amendments[0].after == {
        "within": ["P", ["2023-03-01", "2023-03-31"], ["2023-04-02", "2023-04-02"]]
    }


def test_partly_inside_within_may_be_widened():
    clauses = "  - id: A\n    when: {field: date, within: [[2019-01-01, 2019-06-30]]}\n"
    result = run(clauses, [{"date": "2019"}], cover_status=["indeterminate"])
    assert result.amendments[0].after == {"within": [["2019-01-01", "2019-06-30"], "P"]}
    assert result.uncovered == []


def test_before_and_after_bounds_move():
    clauses = "  - id: A\n    when: {field: date, before: 2019-01-01}\n  - id: B\n    when: {field: date, after: 2030-01-01}\n"
    result = run(clauses, [{"date": "2019-03"}], cover=["X1"])
    assert [(a.clause, a.after) for a in result.amendments] == [("A", {"before": "2019-04-01"})]


def test_an_incident_needing_an_unknown_value_stays_uncovered_and_says_why():
    result = run(
        TWO_LEAVES,
        [
            {"level": "", "event_type": "leadership_race"},
            {"level": "municipal", "event_type": "general_election"},
        ],
        cover_status=["indeterminate", "out_of_scope"],
    )
    assert result.chosen == ["X1", "X2"]
    assert result.uncovered == [
        {"id": "X1", "why": "level is not known (clause A: level in [federal])"}
    ]
    assert changes(result) == [
        ("A", {"in": ["federal"]}, {"in": ["federal", "municipal"]}, ["X2"], [])
    ]


def test_beyond_the_exact_bound_the_search_is_greedy_and_says_so():
    rows = [{"level": "municipal", "event_type": "leadership_race"}]
    analysis = scope_gap.analyze(frame(*rows), mandate_of(TWO_LEAVES))
    result = amend_analysis(analysis, ["X1"], [], exact_limit=1)
    assert not result.exact
    assert result.summary_lines()[0].startswith(
        "note: too many candidate changes for an exact search"
    )
    assert len(result.amendments) == 2


def test_the_terminal_lists_a_few_uncovered_incidents_and_counts_the_rest():
    rows = [{"level": "", "event_type": "leadership_race"}] * 3
    result = run(TWO_LEAVES, rows, cover_status=["indeterminate", "out_of_scope"])
    lines = result.summary_lines(uncovered_limit=1)
    assert lines[-2].startswith("cannot cover X1: level is not known")
    assert lines[-1] == "… and 2 more that cannot be covered (listed in the JSON)"
    assert len(result.to_dict()["uncovered"]) == 3


def test_choosing_an_unknown_id_is_an_error():
    with pytest.raises(AmendError, match=r"no incident with id 'X9'"):
        run(TWO_LEAVES, [{"level": "municipal"}], cover=["X9"])


def test_cli_writes_a_valid_amended_mandate_that_covers_the_chosen_incidents(cli, tmp_path):
    incidents = tmp_path / "in.csv"
    frame(
        {"level": "municipal", "event_type": "general_election"},
        {"level": "provincial", "event_type": "leadership_race"},
    ).to_csv(incidents, index=False)
    rules = tmp_path / "m.yaml"
    rules.write_text(HEAD + TWO_LEAVES, encoding="utf-8")
    out = tmp_path / "out"
    result = cli(
        "amend", str(incidents), "-m", str(rules), "--cover", "X1,X2", "-o", str(out), catch=False
    )
    assert result.exit_code == 0, result.output
    assert (
        "Clause A: add `municipal` and `provincial` to level — brings in 2 chosen incidents and 0 others"
        in result.output
    )
    amended = out / "m-amended.yaml"
    text = amended.read_text(encoding="utf-8")
    assert (
        "# amended: add `municipal` and `provincial` to level, to cover X1, X2 (was: level in [federal])"
        in text
    )
    assert cli("rules", "check", str(amended), catch=False).exit_code == 0
    report = scope_gap.analyze(str(incidents), str(amended)).to_dict()
    assert report["mandate"]["id"] == "m-amended"
    assert [r["status"] for r in report["incidents"]] == ["in_scope", "in_scope"]
    data = json.loads((out / "m-amendments.json").read_text(encoding="utf-8"))
    assert list(data) == ["schema_version", "mandate", "chosen", "amendments", "uncovered"]
    assert data["chosen"] == ["X1", "X2"]
    assert data["amendments"][0]["after"] == {"in": ["federal", "municipal", "provincial"]}


def test_bundled_hogue_amended_to_cover_every_context_only_incident(tmp_path):
    result = scope_gap.amend(cover_status=["context_only"])
    before = {r["id"] for r in result.analysis.incidents if r["status"] == "context_only"}
    assert set(result.chosen) == before
    path = tmp_path / "amended.yaml"
    path.write_text(result.amended_yaml, encoding="utf-8")
    after = {
        r["id"]: r["status"] for r in scope_gap.analyze(mandate=str(path)).to_dict()["incidents"]
    }
    uncovered = {u["id"] for u in result.uncovered}
    assert all(after[i] == "in_scope" for i in before - uncovered)
    assert {a.clause for a in result.amendments} == {"A"}


# --- the property: covers every coverable chosen incident, and every change is needed -----------

LEVELS = ["federal", "provincial", "municipal", ""]
EVENTS = ["general_election", "leadership_race", "nomination_contest", ""]
LEAVES = [
    "{field: level, in: [federal]}",
    "{field: level, equals: provincial}",
    "{field: level, not_in: [municipal]}",
    "{field: event_type, in: [general_election]}",
    "{field: date, within: P}",
    "{field: date, overlaps: Q}",
    "{field: date, before: 2020-01-01}",
    "{field: date, after: 2018-12-31}",
    "{field: title, matches: rally}",
]


@st.composite
def mandates(draw):
    clauses = []
    for i in range(draw(st.integers(1, 3))):
        leaves = draw(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=3, unique=True))
        combinator = draw(st.sampled_from(["all", "any"]))
        coverage = draw(st.sampled_from(["examined", "examined", "context"]))
        clauses.append(
            f"  - id: K{i}\n    coverage: {coverage}\n    when: {{{combinator}: [{', '.join(leaves)}]}}\n"
        )
    return "".join(clauses)


rows = st.fixed_dictionaries(
    {
        "title": st.sampled_from(["rally", "meeting", ""]),
        "date": st.sampled_from(["", "2018", "2019-05", "2019", "2020-02-03", "2021-06", "2022"]),
        "level": st.sampled_from(LEVELS),
        "event_type": st.sampled_from(EVENTS),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mandates(), st.lists(rows, min_size=1, max_size=8), st.data())
def test_amendments_cover_the_chosen_incidents_and_each_change_is_needed(clauses, table_rows, data):
    mandate = mandate_of(clauses)
    analysis = scope_gap.analyze(frame(*table_rows), mandate)
    ids = [r["id"] for r in analysis.incidents]
    chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
    result = amend_analysis(analysis, chosen, [])
    uncovered = {u["id"] for u in result.uncovered}
    after = evaluate(result.amended, analysis.table)
    position = {i: n for n, i in enumerate(ids)}
    for incident in chosen:
        if incident not in uncovered:
            assert after.status[position[incident]] == "in_scope", (clauses, incident)
    if result.amendments:
        assert parse_mandate_text(result.amended_yaml, "a.yaml")[0].id == "m-amended"
    else:  # nothing to change: no amended mandate
        assert result.amended_yaml is None
    for key in result.uses:
        fewer = {k: v for k, v in result.uses.items() if k != key}
        reduced, _ = build_amended(analysis, fewer)
        statuses = evaluate(reduced, analysis.table).status
        assert any(statuses[position[i]] != "in_scope" for i in chosen if i not in uncovered), (
            clauses,
            key,
        )


def test_amend_html_shows_rules_before_and_after(cli, tmp_path):
    incidents = tmp_path / "in.csv"
    frame({"level": "municipal", "event_type": "general_election"}).to_csv(incidents, index=False)
    rules = tmp_path / "m.yaml"
    rules.write_text(HEAD + TWO_LEAVES, encoding="utf-8")
    out = tmp_path / "out"
    result = cli(
        "amend",
        str(incidents),
        "-m",
        str(rules),
        "--cover",
        "X1",
        "-o",
        str(out),
        "-f",
        "html",
        catch=False,
    )
    assert result.exit_code == 0, result.output
    page = (out / "m-amendments.html").read_text(encoding="utf-8")
    assert "all of (level in [federal]; event_type in [general_election])" in page
    assert "all of (level in [federal, municipal]; event_type in [general_election])" in page
    assert "in [federal, municipal]" in page
    assert page.count("<h1>") == 1
