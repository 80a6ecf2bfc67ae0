"""amend writes a proposal: on the original text, comments kept, marked as not official, ranges
merged, periods named, nothing written when nothing changes, and the model edited in memory."""

from __future__ import annotations

import json
import re

import pandas as pd

import scope_gap
from scope_gap import amendment
from scope_gap.rules import parse_mandate_text

RULES = """\
# Assumptions of this mandate, stated once:
# - the year 2019 is what the inquiry covers
mandate:
  id: m
  title: "Test inquiry"   # the official title
  authority: Order 1
periods:
  # the inquiry's year
  P: {start: 2019-01-01, end: 2019-12-31, label: the year 2019}
clauses:
  - id: A
    when:
      all:
        # only federal processes
        - field: level
          in:
            # as the order says
            - federal
        - {field: date, within: P}  # the year only
"""


def frame(*rows: dict[str, str]) -> pd.DataFrame:
    base = {"title": "", "date": "2019-05", "level": "federal", "event_type": "general_election"}
    return pd.DataFrame([{**base, "id": f"X{i}", **r} for i, r in enumerate(rows, start=1)])


def mandate(text: str = RULES):
    parsed, errors = parse_mandate_text(text, "m.yaml")
    assert errors == [], errors
    return parsed


def test_every_comment_is_kept_and_changed_leaves_are_marked():
    result = scope_gap.amend(frame({"level": "municipal"}), mandate(), cover=["X1"])
    text = result.amended_yaml
    for line in RULES.splitlines():
        if "#" in line:
            assert line.split("#", 1)[1].strip() in text, line
    assert "# amended: add `municipal` to level, to cover X1 (was: level in [federal])" in text
    assert "in: [federal, municipal]" in text
    # lines that no change touches are as they were, byte for byte
    assert '  title: "Test inquiry"' not in text  # the title says it is a proposal now
    assert "  P: {start: 2019-01-01, end: 2019-12-31, label: the year 2019}\n" in text
    again = mandate(text)
    assert again.id == "m-amended"
    assert again.clauses == result.amended.clauses


def test_title_and_authority_say_it_is_a_proposal_not_the_official_mandate(tmp_path):
    result = scope_gap.amend(frame({"level": "municipal"}), mandate(), cover=["X1"])
    amended = result.amended
    assert amended.title == "Proposed amendment to: Test inquiry (not the official mandate)"
    assert amended.authority is not None and "not an official text" in amended.authority
    assert "Order 1" in amended.authority
    path = tmp_path / "m-amended.yaml"
    path.write_text(result.amended_yaml, encoding="utf-8")
    finding = scope_gap.analyze(frame({"level": "municipal"}), str(path)).to_dict()
    assert finding["mandate"]["title"].startswith("Proposed amendment to: ")


def test_a_mandate_without_authority_gets_one_that_says_it_is_a_proposal():
    text = RULES.replace("  authority: Order 1\n", "").replace(
        'mandate:\n  id: m\n  title: "Test inquiry"   # the official title\n',
        "mandate: {id: m, title: Test inquiry}  # flow style\n",
    )
    result = scope_gap.amend(frame({"level": "municipal"}), mandate(text), cover=["X1"])
    assert result.amended.authority == "Proposal written by scope-gap amend, not an official text"
    assert "# flow style" in result.amended_yaml


def test_french_title_of_the_proposal_is_french():
    text = RULES.replace('  title: "Test inquiry"', '  title_fr: "Enquête test"\n  title: "Test"')
    result = scope_gap.amend(frame({"level": "municipal"}), mandate(text), cover=["X1"])
    assert result.amended.title_fr == (
        "Proposition de modification de\u00a0: Enquête test (ce n'est pas le mandat officiel)"
    )


def test_dates_that_touch_an_explicit_range_are_merged_with_it():
    # 2020-07 starts the day after the range [2020-01-01, 2020-06-30] ends (no period fits it)
    rules = RULES.replace("within: P}", "within: [[2020-01-01, 2020-06-30]]}")
    result = scope_gap.amend(frame({"date": "2020-07"}), mandate(rules), cover=["X1"])
    assert [a.after for a in result.amendments] == [{"within": ["2020-01-01", "2020-07-31"]}]
    assert "within: [2020-01-01, 2020-07-31]}  # the year only" in result.amended_yaml


def test_a_named_period_keeps_its_name_and_the_words_speak_of_it():
    result = scope_gap.amend(frame({"date": "2020-01"}), mandate(), cover=["X1"])
    assert [a.after for a in result.amendments] == [{"within": ["P", ["2020-01-01", "2020-01-31"]]}]
    assert result.summary_lines()[0].startswith(
        "Clause A: widen date (within) beyond the year 2019 to include the days after "
        "the year 2019 up to 2020-01-31"
    )


def test_nothing_to_change_writes_only_the_json_and_keeps_an_earlier_amended_mandate(cli, tmp_path):
    rules = tmp_path / "m.yaml"
    rules.write_text(RULES, encoding="utf-8")
    incidents = tmp_path / "in.csv"
    frame({"level": "municipal"}, {"level": ""}).to_csv(incidents, index=False)
    out = tmp_path / "out"
    first = cli("amend", str(incidents), "-m", str(rules), "--cover", "X1", "-o", str(out))
    assert first.exit_code == 0, first.output
    earlier = (out / "m-amended.yaml").read_bytes()
    # X2's level is not known: no change can cover it
    result = cli("amend", str(incidents), "-m", str(rules), "--cover", "X2", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "m-amended.yaml" not in result.output
    assert "no amended mandate" in result.output
    assert (out / "m-amended.yaml").read_bytes() == earlier
    data = json.loads((out / "m-amendments.json").read_text(encoding="utf-8"))
    assert data["amendments"] == [] and [u["id"] for u in data["uncovered"]] == ["X2"]


def test_candidates_are_decided_by_the_engine_without_writing_or_parsing_yaml(monkeypatch):
    parsed = []
    original = amendment.parse_mandate_text

    def counting(text: str, path: str):
        parsed.append(path)
        return original(text, path)

    monkeypatch.setattr(amendment, "parse_mandate_text", counting)
    rows = [{"level": "municipal", "date": "2020-02"}, {"level": "provincial"}] * 3
    result = scope_gap.amend(frame(*rows), mandate(), cover_status=["out_of_scope"])
    assert len(result.amendments) >= 2
    assert parsed == ["m-amended.yaml"]  # once: the written proposal is checked to be valid


def test_comments_inside_a_replaced_block_value_move_above_the_leaf():
    result = scope_gap.amend(frame({"level": "municipal"}), mandate(), cover=["X1"])
    text = result.amended_yaml
    lines = text.splitlines()
    marked = next(i for i, line in enumerate(lines) if "# amended: add `municipal`" in line)
    assert re.fullmatch(r"\s*# as the order says", lines[marked - 1])
    assert "in: [federal, municipal]\n" in text
