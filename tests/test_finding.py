"""The finding (SPEC 4): every status under its own name, rows that could not be read after
them, singular and plural; the same sentence in every report; nothing to report without an
incident. Small fixtures only: the bundled dataset changes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import scope_gap
from scope_gap.analysis import finding
from scope_gap.i18n import use_language

ROWS = {
    "in": {"date": "2019-05", "level": "federal", "event_type": "general_election"},
    "context": {"date": "2022-10", "level": "municipal", "event_type": "general_election"},
    "out": {"date": "2022", "level": "other", "event_type": "general_election"},
    "undecided": {"date": "", "level": "federal", "event_type": "general_election"},
    "bad": {"date": "never", "level": "federal", "event_type": "general_election"},
}


def counts(in_scope=0, context_only=0, out_of_scope=0, indeterminate=0, invalid=0):
    total = in_scope + context_only + out_of_scope + indeterminate + invalid
    return {
        "total": total,
        "in_scope": in_scope,
        "context_only": context_only,
        "out_of_scope": out_of_scope,
        "indeterminate": indeterminate,
        "invalid": invalid,
    }


def table(**how_many):
    rows = []
    for kind, number in how_many.items():
        rows += [{"id": f"{kind}-{i}", "title": kind, **ROWS[kind]} for i in range(number)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("numbers", "english", "french"),
    [
        (
            counts(3, 7, 1, 1),
            "Of 12 incidents, 3 are within the mandate, 7 only as background, 1 outside it; "
            "1 cannot be decided from what is known.",
            "Sur 12 incidents, 3 relèvent du mandat, 7 seulement à titre de contexte, 1 hors du "
            "mandat\u00a0; 1 ne peut être tranché d'après ce que l'on sait.",
        ),
        (
            counts(3, 7, 1, 1, invalid=2),
            "Of 12 incidents, 3 are within the mandate, 7 only as background, 1 outside it; "
            "1 cannot be decided from what is known; 2 rows could not be read.",
            "Sur 12 incidents, 3 relèvent du mandat, 7 seulement à titre de contexte, 1 hors du "
            "mandat\u00a0; 1 ne peut être tranché d'après ce que l'on sait\u00a0; 2 lignes n'ont pu "
            "être lues.",
        ),
        (
            counts(1, invalid=1),
            "Of 1 incident, 1 is within the mandate; 1 row could not be read.",
            "Sur 1 incident, 1 relève du mandat\u00a0; 1 ligne n'a pu être lue.",
        ),
        (
            counts(0, 2, 1),
            "Of 3 incidents, 2 are within the mandate only as background, 1 outside it.",
            "Sur 3 incidents, 2 n'en relèvent qu'à titre de contexte, 1 hors du mandat.",
        ),
        (
            counts(out_of_scope=1, indeterminate=2),
            "Of 3 incidents, 1 is outside the mandate; 2 cannot be decided from what is known.",
            "Sur 3 incidents, 1 est hors du mandat\u00a0; 2 ne peuvent être tranchés d'après ce que "
            "l'on sait.",
        ),
        (
            counts(indeterminate=1),
            "Of 1 incident, 1 cannot be decided from what is known.",
            "Sur 1 incident, 1 ne peut être tranché d'après ce que l'on sait.",
        ),
    ],
)
def test_the_finding_names_each_status_apart(numbers, english, french):
    assert finding(numbers) == english
    with use_language("fr"):
        assert finding(numbers) == french


def test_the_finding_of_an_analysis_counts_its_incidents_and_unreadable_rows(make_mandate):
    result = scope_gap.analyze(
        table(**{"in": 2, "context": 1, "out": 1, "undecided": 1, "bad": 2}), make_mandate()
    )
    sentence = (
        "Of 5 incidents, 2 are within the mandate, 1 only as background, 1 outside it; "
        "1 cannot be decided from what is known; 2 rows could not be read."
    )
    assert result.sentence() == sentence
    assert result.to_dict()["summary"]["finding"] == sentence


def test_the_same_finding_in_the_terminal_json_workbook_and_page(cli, tmp_path, make_mandate):
    import openpyxl

    from .test_html import Page

    incidents = tmp_path / "in.csv"
    table(**{"in": 1, "context": 2, "undecided": 1, "bad": 1}).to_csv(incidents, index=False)
    for lang in ("en", "fr"):
        out = tmp_path / lang
        result = cli(
            "analyze", str(incidents), "-m", str(make_mandate()), "-o", str(out), "--lang", lang
        )
        assert result.exit_code == 0, result.output
        report = json.loads((out / "test-mandate-gap-report.json").read_text(encoding="utf-8"))
        sentence = report["summary"]["finding"]
        assert sentence.startswith("Of 4 incidents, " if lang == "en" else "Sur 4 incidents, ")
        assert sentence in result.output.splitlines()
        page = Page((out / "test-mandate-gap-report.html").read_text(encoding="utf-8"))
        assert page.headings[0] == (1, sentence)
        book = openpyxl.load_workbook(out / "test-mandate-gap-report.xlsx")
        cells = [c.value for row in book.worksheets[0].iter_rows() for c in row]
        assert sentence in cells


def test_no_readable_row_is_nothing_to_report(cli, tmp_path, make_csv, make_mandate):
    incidents = make_csv([["X", "t", "never", "federal", ""], ["", "t", "", "", ""]])
    out = tmp_path / "out"
    result = cli("analyze", str(incidents), "-m", str(make_mandate()), "-o", str(out))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {incidents}: nothing to report: none of the 2 rows read could be read as an "
        f"incident; 'scope-gap validate {incidents}' shows what is wrong with each\n"
    )
    assert not out.exists()


def test_no_readable_row_writes_nothing_even_over_an_earlier_report(
    cli, tmp_path, make_csv, make_mandate
):
    out = tmp_path / "out"
    good = make_csv([["X", "t", "2019", "federal", ""]], name="good.csv")
    assert cli("analyze", str(good), "-m", str(make_mandate()), "-o", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = make_csv([["X", "t", "never", "", ""]], name="bad.csv")
    result = cli("analyze", str(bad), "-m", str(make_mandate()), "-o", str(out), "--lang", "fr")
    assert result.exit_code == 1
    assert "rien à signaler" in result.output and "scope-gap validate" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_table_with_no_row_is_nothing_to_report(cli, tmp_path, make_csv, make_mandate):
    incidents = make_csv([])
    result = cli("analyze", str(incidents), "-m", str(make_mandate()), "-o", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "nothing to report: no incident row was read" in result.output
    assert f"'scope-gap validate {incidents}'" in result.output


def test_compare_with_no_readable_row_is_nothing_to_report(cli, tmp_path, make_csv, make_mandate):
    incidents = make_csv([["X", "t", "never", "", ""]])
    args = ["compare", str(incidents), "-m", str(make_mandate()), "-m", "hogue-2023"]
    result = cli(*args, "-o", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "scope-gap validate" in result.output
    assert not (tmp_path / "o").exists()


def test_an_incident_with_only_unknowns_has_no_gap_and_lists_them(make_mandate):
    frame = pd.DataFrame([{"id": "U", "title": "t", "date": "", "level": "", "event_type": ""}])
    result = scope_gap.analyze(frame, make_mandate())
    [record] = result.to_dict()["incidents"]
    assert record["status"] == "indeterminate"
    assert record["gaps"] == []
    assert record["unknown"] == ["level", "event_type", "date"]
    summary = result.to_dict()["summary"]
    assert summary["by_gap"] == {}
    assert summary["by_unknown"] == {"level": 1, "event_type": 1, "date": 1}


def test_json_on_disk_carries_unknown_and_schema_version_2(cli, tmp_path, make_mandate):
    incidents = tmp_path / "in.csv"
    table(**{"in": 1, "undecided": 2}).to_csv(incidents, index=False)
    out = tmp_path / "o"
    cli("analyze", str(incidents), "-m", str(make_mandate()), "-o", str(out), "-f", "json")
    report = json.loads((out / "test-mandate-gap-report.json").read_text(encoding="utf-8"))
    assert report["schema_version"] == 2
    assert [r["unknown"] for r in report["incidents"]] == [[], ["date"], ["date"]]
    assert report["summary"]["by_unknown"] == {"date": 2}
    assert report == scope_gap.analyze(str(incidents), str(make_mandate())).to_dict()


def test_json_warnings_say_everything_the_terminal_says(cli, tmp_path, make_csv, make_mandate):
    incidents = make_csv(
        [["X", "t", "2019-05", "federal", "general_election", "x" * 40_000]],
        header=["id", "title", "date", "level", "event_type", "notes"],
    )
    out = tmp_path / "o"
    result = cli(
        "analyze", str(incidents), "-m", str(make_mandate()), "-o", str(out), "-f", "json",
        "-f", "xlsx",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads((out / "test-mandate-gap-report.json").read_text(encoding="utf-8"))
    printed = [
        line.removeprefix("warning: ")
        for line in result.output.splitlines()
        if line.startswith("warning: ")
    ]
    assert printed and report["warnings"] == printed
    assert "truncated" in report["warnings"][0]


def test_explain_names_what_is_not_known(cli, make_csv, make_mandate):
    incidents = make_csv([["U", "t", "", "federal", "general_election"]])
    result = cli("explain", "U", str(incidents), "-m", str(make_mandate()))
    assert result.exit_code == 0, result.output
    assert "status: indeterminate" in result.output
    assert "not known: date" in result.output.splitlines()
    assert "gaps:" not in result.output
